// `npm run conformance`, as a user starts it: against the embedded mock every check runs and passes
// and every report is written; extra arguments pass through to Playwright.
import fs from 'node:fs';
import { test, expect } from '../fixtures';
import { reportPaths } from '../../../support/report/paths';
import { listChecks } from '../helpers/list-checks';

function junitTotals(file: string) {
  const head = /<testsuites[^>]*>/.exec(fs.readFileSync(file, 'utf8'))![0];
  const count = (name: string) => Number(new RegExp(`${name}="(\\d+)"`).exec(head)![1]);
  return { tests: count('tests'), failures: count('failures'), skipped: count('skipped'), errors: count('errors') };
}

test('npm run conformance passes against the embedded mock and leaves every report', async ({ passingRun: run }) => {
  expect(run.exitCode, run.output).toBe(0);
  const paths = reportPaths(run.reportsDir);
  const totals = junitTotals(paths.junit);
  expect(totals.tests, 'every check the suite declares ran').toBe(listChecks().length);
  expect(totals, 'no failure and nothing skipped: the 429 probe ran').toMatchObject({ failures: 0, skipped: 0, errors: 0 });
  expect(fs.readdirSync(paths.allureResults).some(file => file.endsWith('-result.json'))).toBe(true);
  expect(fs.existsSync(`${paths.allureReport}/index.html`)).toBe(true);
  expect(fs.existsSync(`${paths.playwrightReport}/index.html`)).toBe(true);
  expect(run.output).toContain('Teardown: the connection is in its original state.');
  // Issue 22: a default run against the mock sends at most 300 requests, the probe's included, and says so.
  const sent = Number(/^Requests: (\d+) sent to the embedded mock.*, within a mock run's 300$/m.exec(run.output)?.[1]);
  expect(sent, 'the requests of a default run, from its closing line').toBeLessThanOrEqual(300);
  expect(run.mockRequests, "the mock's own count").toBe(sent);
});

test('extra arguments pass through to Playwright', async ({ conformanceRun }) => {
  const run = await conformanceRun({ reporters: 'configured', args: ['--grep', '404'] });
  expect(run.exitCode, run.output).toBe(0);
  const { tests } = junitTotals(reportPaths(run.reportsDir).junit);
  expect(tests).toBeGreaterThan(0);
  expect(tests).toBeLessThan(5);
});
