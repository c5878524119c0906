// The console a user reads (support/run/console-reporter.ts): one short line per check without its
// tags, the reason of every skip on its line, and one closing block with the counts per response path,
// the findings, the failed and skipped checks, the requests sent and one report path that exists. Real
// runs of the suite through npm run conformance, read against the Allure results they wrote.
import fs from 'node:fs';
import path from 'node:path';
import { test, expect, type ConformanceRun } from '../fixtures';
import { reportPaths, PROJECT_ROOT } from '../../../support/report/paths';

interface AllureResult {
  name: string;
  status: string;
  statusDetails?: { message?: string };
}

function allureResults(reportsDir: string): AllureResult[] {
  const dir = reportPaths(reportsDir).allureResults;
  return fs
    .readdirSync(dir)
    .filter(file => file.endsWith('-result.json'))
    .map(file => JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as AllureResult);
}

/** The closing block: from the blank line before "N checks in" to the end. */
function closing(run: ConformanceRun): string[] {
  const lines = run.output.trimEnd().split('\n');
  const start = lines.map(line => /^\d+ checks? in /.test(line)).lastIndexOf(true);
  return lines.slice(start);
}

/** The report line names one file, which exists, relative to the project when it lies inside it. */
function expectOneReport(run: ConformanceRun): void {
  const reports = run.output.split('\n').filter(line => /^Report: /.test(line));
  expect(reports, 'one report line').toHaveLength(1);
  expect(run.output.trimEnd().split('\n').at(-1), 'the last line').toBe(reports[0]);
  const file = reports[0]!.slice('Report: '.length);
  expect(fs.existsSync(path.resolve(PROJECT_ROOT, file)), `${file} exists`).toBe(true);
  expect(file).toMatch(/allure-report\/index\.html$/);
}

test('a run against a target given by URL: each skip says why on its line, and the closing block reads at a glance', async ({
  mock,
  conformanceRun,
}) => {
  const run = await conformanceRun({
    against: mock,
    reporters: 'configured',
    args: ['--grep', '@401|@429'],
    env: { RATE_LIMIT_PROBE_MAX_REQUESTS: '0' },
  });
  const reportsDir = run.reportsDir;
  expect(run.exitCode, run.output).toBe(0);
  const skipped = allureResults(reportsDir).filter(r => r.status === 'skipped');
  expect(skipped.length, 'this run skips the probe and the token causes only the embedded mock provides').toBeGreaterThan(1);
  const checkLines = run.output.split('\n').filter(line => /^ {2}[✓✘\-!] /.test(line));
  for (const { name, statusDetails } of skipped) {
    const reason = statusDetails?.message ?? '';
    expect(reason, `${name}: the report has a reason`).not.toBe('');
    expect(
      checkLines.some(line => line.startsWith('  - ') && line.endsWith(`— skipped: ${reason}`)),
      `the line of ${name} ends with: ${reason}`,
    ).toBe(true);
  }
  for (const line of checkLines) {
    expect(line, 'no tags on a check line').not.toMatch(/ @\w/);
    expect(line, 'no absolute path').not.toContain(PROJECT_ROOT);
  }
  // The plan of a live run: a short block, one fact a line.
  expect(run.output).toMatch(/^Live target \S+: the plan of this run\n {2}connection {2}/m);
  const block = closing(run);
  expect(block[0]).toMatch(new RegExp(`^${checkLines.length} checks in [\\d.]+ s: \\d+ passed, 0 failed, ${skipped.length} skipped$`));
  expect(block).toContainEqual(expect.stringMatching(/^ {2}401 Unauthorized +\d+ passed, \d+ skipped$/));
  expect(block).toContainEqual(expect.stringMatching(/^ {2}429 Too many requests +1 skipped$/));
  expect(block).toContain('Findings: 0');
  expect(block).toContain(`Skipped (${skipped.length}):`);
  expect(block).toContainEqual(expect.stringMatching(/^Requests: \d+ of the run's budget of \d+ \(\d+%\) sent by the checks/));
  expectOneReport(run);
});

test('a failing run: the failure once with its error, the finding with its count, the requests the mock received', async ({
  conformanceRun,
}) => {
  const run = await conformanceRun({
    reporters: 'configured',
    behaviour: '429-no-retry-after',
    args: ['--grep', '@throttling'],
  });
  expect(run.exitCode).toBe(1);
  expect(run.output).toContain('  1) 429-rate-limit.spec.ts:');
  expect(run.output).toContain('a 429 must carry retry-after');
  const block = closing(run);
  expect(block[0]).toMatch(/^1 check in [\d.]+ s: 0 passed, 1 failed, 0 skipped$/);
  const findings = block.find(line => line.startsWith('Findings: '));
  expect(findings, 'the missing retry-after, once, and where to read it').toMatch(/^Findings: 1 \(.*[\\/]findings\.md\)$/);
  expect(block).toContainEqual(
    expect.stringMatching(/^ {2}retry-after\.seconds: a 429 without a whole-seconds retry-after \(\d+ responses? in 1 check\)$/),
  );
  expect(block).toContain('Failed (1):');
  expect(block).toContainEqual(
    expect.stringMatching(/^Requests: \d+ sent to the embedded mock( \(the 429 probe \d+ of them\))?, within a mock run's 300$/),
  );
  expect(run.output.match(/^ *\d+ (passed|failed)\b/gm), "no closing line of Playwright's own ('  1 failed')").toBeNull();
  expectOneReport(run);
});
