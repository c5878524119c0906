// Bounded under a broken transport: a target that stops answering, trickles, drops the connection or
// sends a huge body ends the run quickly, with every report, small reports, and the connection
// restored (or, when the target no longer answers, left to the state record and restored by the next
// run). Each case starts its own mock, given by URL as a live target would be.
import fs from 'node:fs';
import path from 'node:path';
import { test, expect } from './fixtures';
import { StorageConnectionMock, type Behaviour } from '../../mock/server';
import { afterAnswers, hugeNotFound } from '../../mock/transport';
import { runConformance } from './helpers/child-run';
import { readRunResults } from '../../support/report/run-results';
import { reportPaths } from '../../support/report/paths';

/** Bytes under a folder. */
function sizeOf(dir: string): number {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter(entry => entry.isFile())
    .reduce((sum, entry) => sum + fs.statSync(path.join(entry.parentPath, entry.name)).size, 0);
}

async function runAgainst(behaviour: Behaviour, name: string, env: Record<string, string> = {}) {
  const mock = await StorageConnectionMock.create({ behaviour });
  const reportsDir = test.info().outputPath(name);
  const stateDir = test.info().outputPath(`${name}-state`);
  const original = mock.connection();
  const run = await runConformance({
    reportsDir,
    reporters: 'configured',
    env: {
      API_BASE_URL: mock.url,
      API_ACCESS_TOKEN: mock.token,
      STORAGE_CONNECTION_ID: mock.connectionId,
      CONFORMANCE_STATE_DIR: stateDir,
      ...env,
    },
  });
  return { mock, run, reportsDir, stateDir, original };
}

/** The checks' verdicts, as the run's Allure results hold them (the run wrote every report). */
const checksOf = (reportsDir: string) => readRunResults(reportsDir).checks;

// A 1 s deadline keeps these runs short; with the default (30 s) npm run bench measures the same.
const FAST = { CONFORMANCE_REQUEST_DEADLINE_SECONDS: '1' };

for (const [name, transport, answers] of [
  ['stops answering after 3 answers', { kind: 'hang' }, 3],
  ['stops answering after 20 answers', { kind: 'hang' }, 20],
  ['trickles its bodies a byte a second after 10 answers', { kind: 'trickle', intervalMs: 1000 }, 10],
  ['resets the connection mid-body after 10 answers', { kind: 'reset-mid-body' }, 10],
] as const) {
  test(`a target that ${name}: unresponsive after 3 transport failures, the rest skipped, every report, restore left to the record`, async () => {
    test.setTimeout(120_000);
    const { mock, run, reportsDir, stateDir, original } = await runAgainst(
      afterAnswers(answers, transport),
      name.replace(/\W+/g, '-'),
      FAST,
    );
    try {
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
      for (const file of [reports.junit, path.join(reports.allureReport, 'index.html'), path.join(reports.playwrightReport, 'index.html')])
        expect(fs.existsSync(file), file).toBe(true);
      {
        // The restore got no answer either: the record of the original state stays for the next run.
        expect(run.output).toContain('restoring the connection under a 5 s deadline');
        expect(run.output).toMatch(/Teardown: the target did not answer the restore either .*its original state stays recorded in/);
        mock.setBehaviour(undefined);
        const next = await runConformance({
          reportsDir: `${reportsDir}-next`,
          env: {
            API_BASE_URL: mock.url,
            API_ACCESS_TOKEN: mock.token,
            STORAGE_CONNECTION_ID: mock.connectionId,
            CONFORMANCE_STATE_DIR: stateDir,
          },
          args: ['--grep', '@404'],
        });
        expect(next.exitCode, next.output).toBe(0);
      }
      expect(mock.connection(), 'the connection after the run (and the next, when needed)').toEqual(original);
    } finally {
      await mock.stop();
    }
  });
}

for (const [size, bytes, finding] of [
  ['1 MB', 1_000_000, false],
  ['20 MB', 20_000_000, true],
  ['300 MB', 300_000_000, true],
] as const) {
  test(`a ${size} 404 body: ${finding ? 'a finding of its check' : 'read and judged'}, reports kept small, the connection restored`, async () => {
    test.setTimeout(120_000);
    const { mock, run, reportsDir, original } = await runAgainst(hugeNotFound(bytes), `huge-${bytes}`);
    try {
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
    } finally {
      await mock.stop();
    }
  });
}
