// One deviation, one finding: against a server that breaks one thing in every response of a kind,
// the whole suite fails at most two checks and names one finding, which lists every check that met it;
// the rest still judge what they exist for (and pass). The contract reporter gives one list of
// findings for a sharded run merged with merge-reports (unit/findings.spec.ts groups them).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test, expect, type ConformanceRun } from '../fixtures';
import { findingsOf, type Finding } from '../../../support/report/findings';
import { PROJECT_ROOT } from '../../../support/report/paths';

const findingsIn = (run: ConformanceRun) => findingsOf(run.tests.map(t => ({ title: t.title, annotations: t.annotations })));

// Each breaks one thing in every response of one kind (mock/faults-cascade.ts and mock/faults.ts).
const CASCADES: [fault: string, clause: string][] = [
  ['every-422-text-plain', 'responses.json'],
  ['every-401-html', 'responses.json'],
  ['ok-status-204', 'responses.documented'],
  ['ok-missing-displayname', '200.properties-present'],
  ['ok-missing-itwinid', '200.properties-present'],
  ['every-404-code-wrong', '404.not-found'],
];

for (const [fault, clause] of CASCADES) {
  test(`${fault}: the whole suite fails at most two checks and names one finding (${clause})`, async ({ conformanceRun }) => {
    const run = await conformanceRun({ behaviour: fault });
    const failed = run.tests.filter(t => t.status === 'failed' || t.status === 'timedOut');
    expect(run.exitCode, run.output.slice(-2000)).toBe(1);
    expect(failed.length, `failing checks: ${failed.map(t => t.title).join('; ')}`).toBeGreaterThan(0);
    expect(failed.length, `failing checks: ${failed.map(t => t.title).join('; ')}`).toBeLessThanOrEqual(2);
    const findings = findingsIn(run);
    expect(
      findings.map(f => `${f.clause} — ${f.what}`),
      'one finding',
    ).toHaveLength(1);
    const [finding] = findings;
    expect(finding!.clause).toBe(clause);
    expect(finding!.example, 'an example of the finding').toBeTruthy();
    // Every failing check failed with it; the checks that met it later are listed, and passed.
    expect(finding!.failedIn.sort()).toEqual(failed.map(t => t.title).sort());
    expect(finding!.count).toBeGreaterThanOrEqual(finding!.failedIn.length + finding!.metIn.length);
    for (const title of finding!.metIn) expect(run.tests.find(t => t.title === title)?.status, title).not.toBe('failed');
  });
}

test('a sharded run merged with merge-reports gets one list of findings and one coverage page', async ({ conformanceRun }) => {
  const root = test.info().outputPath('sharded');
  const blobs = path.join(root, 'blobs');
  for (const shard of [1, 2]) {
    const run = await conformanceRun({
      name: `sharded/shard-${shard}`,
      behaviour: 'every-422-text-plain',
      reporters: 'playwright',
      args: [`--shard=${shard}/2`],
      env: { PLAYWRIGHT_BLOB_OUTPUT_DIR: path.join(root, `blob-${shard}`) },
    });
    expect(run.exitCode, run.output.slice(-1500)).not.toBe(2);
    fs.mkdirSync(blobs, { recursive: true });
    for (const file of fs.readdirSync(path.join(root, `blob-${shard}`)))
      fs.copyFileSync(path.join(root, `blob-${shard}`, file), path.join(blobs, `${shard}-${file}`));
  }
  const merged = path.join(root, 'merged');
  execFileSync(
    process.execPath,
    [require.resolve('@playwright/test/cli'), 'merge-reports', '--reporter', './support/run/contract-reporter.ts', blobs],
    { cwd: PROJECT_ROOT, env: { ...process.env, CONFORMANCE_REPORTS_DIR: merged }, stdio: 'pipe' },
  );
  const findings = JSON.parse(fs.readFileSync(path.join(merged, 'findings.json'), 'utf8')) as Finding[];
  expect(findings.map(f => f.what)).toEqual(['a 422 labelled text/plain']);
  const results = JSON.parse(fs.readFileSync(path.join(merged, 'contract-results.json'), 'utf8')) as { checks: unknown[] };
  const perShard = [1, 2].map(
    shard =>
      (JSON.parse(fs.readFileSync(path.join(root, `shard-${shard}`, 'contract-results.json'), 'utf8')) as { checks: unknown[] }).checks
        .length,
  );
  expect(results.checks.length, 'the merged results hold every shard’s checks').toBe(perShard[0]! + perShard[1]!);
  expect(fs.readFileSync(path.join(merged, 'contract-coverage.md'), 'utf8')).toContain('# Contract coverage');
});
