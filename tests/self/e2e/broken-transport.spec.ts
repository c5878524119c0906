// Bounded under a broken transport: a target that stops answering, trickles, drops the connection or
// sends a huge body ends the run quickly, with every report, small reports, and the connection
// restored (or, when the target no longer answers, left to the state record and restored by the next
// run). Each case has its own mock (the mock fixture), given by URL as a live target would be.
import fs from 'node:fs';
import path from 'node:path';
import { test, expect, type ConformanceRunOptions } from '../fixtures';
import type { StorageConnectionMock, Behaviour } from '../../../mock/server';
import { afterAnswers, hugeNotFound } from '../../../mock/transport';
import { readRunResults } from '../../../support/report/run-results';
import { reportPaths } from '../../../support/report/paths';

/** Bytes under a folder. */
function sizeOf(dir: string): number {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter(entry => entry.isFile())
    .reduce((sum, entry) => sum + fs.statSync(path.join(entry.parentPath, entry.name)).size, 0);
}

type Run = (options: ConformanceRunOptions) => Promise<{ reportsDir: string; exitCode: number; output: string; wallMs: number }>;

/** A run against `mock` given by URL, answering with `behaviour`, the record of its state in a folder of the test. */
async function runAgainst(mock: StorageConnectionMock, conformanceRun: Run, behaviour: Behaviour, options: ConformanceRunOptions = {}) {
  mock.setBehaviour(behaviour);
  const stateDir = test.info().outputPath('state');
  const original = mock.connection();
  const run = await conformanceRun({
    against: mock,
    reporters: 'configured',
    ...options,
    env: { CONFORMANCE_STATE_DIR: stateDir, ...options.env },
  });
  return { run, reportsDir: run.reportsDir, stateDir, original };
}

/** The checks' verdicts, as the run's Allure results hold them (the run wrote every report). */
const checksOf = (reportsDir: string) => readRunResults(reportsDir).checks;

// A 1 s deadline keeps these runs short; with the default (30 s) npm run bench measures the same.
const FAST = { CONFORMANCE_REQUEST_DEADLINE_SECONDS: '1' };

// The checks of three paths (about 40 of them) are enough to show the bound: every case runs those, the
// first with every reporter (Allure's report generated too), the others with Playwright's reporters alone.
const PATHS = ['--grep', '@200|@404|@422'];
const SOME_PATHS = { args: PATHS, reporters: 'playwright' as const };
for (const [name, transport, answers, options] of [
  ['stops answering after 3 answers', { kind: 'hang' }, 3, { args: PATHS }],
  ['stops answering after 20 answers', { kind: 'hang' }, 20, SOME_PATHS],
  ['trickles its bodies a byte a second after 10 answers', { kind: 'trickle', intervalMs: 1000 }, 10, SOME_PATHS],
  ['resets the connection mid-body after 10 answers', { kind: 'reset-mid-body' }, 10, SOME_PATHS],
] as const) {
  test(`a target that ${name}: unresponsive after 3 transport failures, the rest skipped, every report, restore left to the record`, async ({
    mock,
    conformanceRun,
  }) => {
    const { run, reportsDir, stateDir, original } = await runAgainst(mock, conformanceRun, afterAnswers(answers, transport), {
      ...options,
      env: FAST,
    });
    expect(run.exitCode, run.output).toBe(1);
    // About 40 s on an idle machine with 2 s deadlines; npm run bench measures the defaults (30 s).
    expect(run.wallMs, 'from start to exit').toBeLessThan(100_000);
    const checks = checksOf(reportsDir);
    expect(checks.filter(check => check.status === 'failed').length, 'checks that met the broken transport').toBeLessThanOrEqual(3);
    const skipped = checks.filter(check => check.status === 'skipped');
    expect(skipped.length, run.output).toBeGreaterThan(checks.length - 3 - answers);
    expect(skipped[0]?.reason).toMatch(
      /^the target stopped answering at \d{4}-\d\d-\d\dT[\d:.]+Z \(3 requests in a row got no answer within 1 s\)/,
    );
    const reports = reportPaths(reportsDir);
    const generated = options === SOME_PATHS ? [] : [path.join(reports.allureReport, 'index.html')];
    for (const file of [reports.junit, path.join(reports.playwrightReport, 'index.html'), ...generated])
      expect(fs.existsSync(file), file).toBe(true);
    // The restore got no answer either: the record of the original state stays for the next run.
    expect(run.output).toContain('restoring the connection under a 5 s deadline');
    expect(run.output).toMatch(/Teardown: the target did not answer the restore either .*its original state stays recorded in/);
    mock.setBehaviour(undefined);
    const next = await conformanceRun({
      name: 'next',
      against: mock,
      env: { CONFORMANCE_STATE_DIR: stateDir },
      args: ['--grep', '@404'],
    });
    expect(next.exitCode, next.output).toBe(0);
    expect(mock.connection(), 'the connection after the run (and the next, when needed)').toEqual(original);
  });
}

for (const [size, bytes, finding] of [
  ['1 MB', 1_000_000, false],
  ['20 MB', 20_000_000, true],
  ['300 MB', 300_000_000, true],
] as const) {
  test(`a ${size} 404 body: ${finding ? 'a finding of its check' : 'read and judged'}, reports kept small, the connection restored`, async ({
    mock,
    conformanceRun,
  }) => {
    // The checks of the 404 path meet the body; the others would only add to the run's time.
    const { run, reportsDir, original } = await runAgainst(mock, conformanceRun, hugeNotFound(bytes), { args: ['--grep', '@404'] });
    const notFound = checksOf(reportsDir).find(check => check.path === '@404')!;
    if (finding) {
      expect(notFound.status).toBe('failed');
      expect(notFound.reason).toMatch(/^response larger than 10485760 bytes \(CONFORMANCE_MAX_RESPONSE_BYTES\): \d+ bytes read/);
    } else {
      expect(notFound.status, notFound.reason).toBe('passed');
    }
    expect(run.exitCode, 'the exit status says whether a check failed').toBe(finding ? 1 : 0);
    expect(sizeOf(reportsDir), 'bytes of reports').toBeLessThan(50 * 1024 * 1024);
    expect(run.output).not.toMatch(/RangeError|Invalid string length/);
    expect(mock.connection()).toEqual(original);
  });
}
