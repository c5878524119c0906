// Whole conformance runs, as a user starts them: against the embedded mock everything passes and the
// reports are written; the 429 probe is skipped with its reason, never passed, when it cannot prove
// anything; and against a target given by URL the connection is left as it was found, even when
// checks fail, also when the target serves only the PUT.
import fs from 'node:fs';
import { test, expect } from './fixtures';
import { runConformance, type ConformanceRun } from './helpers/child-run';
import { reportPaths } from '../../support/report/paths';
import { listChecks } from './helpers/list-checks';
import { StorageConnectionMock, type Behaviour } from '../../mock/server';
import { errorResponse } from '../../mock/operation';

function junitTotals(file: string) {
  const head = /<testsuites[^>]*>/.exec(fs.readFileSync(file, 'utf8'))![0];
  const count = (name: string) => Number(new RegExp(`${name}="(\\d+)"`).exec(head)![1]);
  return { tests: count('tests'), failures: count('failures'), skipped: count('skipped'), errors: count('errors') };
}

const verdictOf = (run: ConformanceRun, title: RegExp) => run.tests.find(t => title.test(t.title));

test('npm run conformance passes against the embedded mock and leaves every report', async () => {
  const reportsDir = test.info().outputPath('reports');
  // As a user runs it: the generated checks with their default 40 cases each.
  const run = await runConformance({ reportsDir, reporters: 'configured', env: { CONFORMANCE_GENERATED_CASES: '' } });
  expect(run.exitCode, run.output).toBe(0);
  const paths = reportPaths(reportsDir);
  const totals = junitTotals(paths.junit);
  expect(totals.tests, 'every check the suite declares ran').toBe(listChecks().length);
  expect(totals, 'no failure and nothing skipped: the 429 probe ran').toMatchObject({ failures: 0, skipped: 0, errors: 0 });
  expect(fs.readdirSync(paths.allureResults).some(file => file.endsWith('-result.json'))).toBe(true);
  expect(fs.existsSync(`${paths.allureReport}/index.html`)).toBe(true);
  expect(fs.existsSync(`${paths.playwrightReport}/index.html`)).toBe(true);
  expect(run.output).toContain('Teardown: the connection is in its original state.');
});

test('extra arguments pass through to Playwright', async () => {
  const run = await runConformance({ reportsDir: test.info().outputPath('reports'), reporters: 'configured', args: ['--grep', '404'] });
  expect(run.exitCode, run.output).toBe(0);
  const { tests } = junitTotals(reportPaths(test.info().outputPath('reports')).junit);
  expect(tests).toBeGreaterThan(0);
  expect(tests).toBeLessThan(5);
});

test('the 429 probe is skipped with its reason when it is off or its bound is too low', async () => {
  const [off, low] = await Promise.all([
    runConformance({ reportsDir: test.info().outputPath('off'), args: ['--grep', '429'], env: { RATE_LIMIT_PROBE_MAX_REQUESTS: '0' } }),
    runConformance({ reportsDir: test.info().outputPath('low'), args: ['--grep', '429'], env: { RATE_LIMIT_PROBE_MAX_REQUESTS: '8' } }),
  ]);
  for (const run of [off, low]) expect(run.exitCode, run.output).toBe(0);
  const reason = (run: ConformanceRun) => verdictOf(run, /burst is throttled/)!.annotations.find(a => a.type === 'skip')?.description;
  expect(verdictOf(off, /burst is throttled/)!.status).toBe('skipped');
  expect(reason(off)).toMatch(/the 429 probe is off: set RATE_LIMIT_PROBE_MAX_REQUESTS/);
  expect(verdictOf(low, /burst is throttled/)!.status).toBe('skipped');
  expect(reason(low)).toMatch(/no 429 after 8 requests/);
});

test.describe('a target given by URL', () => {
  async function runAgainst(mock: StorageConnectionMock, name: string) {
    return runConformance({
      reportsDir: test.info().outputPath(name),
      env: {
        API_BASE_URL: mock.url,
        API_ACCESS_TOKEN: mock.token,
        STORAGE_CONNECTION_ID: mock.connectionId,
        RATE_LIMIT_PROBE_MAX_REQUESTS: '400',
      },
    });
  }

  test('is restored to its original state after a run whose checks fail', async () => {
    // Renames are stored but echoed with the old name: the 200 checks fail after the state changed.
    const staleEcho: Behaviour = (request, next) => {
      const before = next({ ...request, method: 'GET' });
      const response = next();
      return request.method === 'PUT' && response.status === 200 ? before : response;
    };
    const mock = await StorageConnectionMock.create({ behaviour: staleEcho });
    try {
      const original = mock.connection();
      const run = await runAgainst(mock, 'stale-echo');
      expect(run.exitCode).toBe(1);
      expect(verdictOf(run, /a rename echoes/)!.status).toBe('failed');
      expect(mock.connection(), 'the connection after the run').toEqual(original);
      expect(run.output).not.toContain(mock.token);
    } finally {
      await mock.stop();
    }
  });

  test('that serves only the PUT is read back with an empty update, and the suite passes', async () => {
    const putOnly: Behaviour = (request, next) =>
      request.method === 'GET' ? errorResponse(404, 'ResourceNotFound', 'No such route.') : next();
    const mock = await StorageConnectionMock.create({ behaviour: putOnly });
    try {
      const run = await runAgainst(mock, 'put-only');
      expect(run.output).toContain('read back with PUT');
      expect(run.exitCode, run.output).toBe(0);
      expect(mock.connection()?.displayName).toBe('Conformance seed connection');
    } finally {
      await mock.stop();
    }
  });
});

// A server that writes before it refuses (401) or writes the valid part of a refused update (422)
// breaks the check that made the refused request, and only that one: the fixtures read the connection
// back after any refused PUT and restore it, so the write does not spill into the checks after it.
const leaks: [string, string[]][] = [
  ['auth-write-before-reject', ['@unauthorised-unchanged']],
  // The generated checks send refused requests too, and read the connection back after each.
  ['422-partial-write', ['@refused-unchanged', '@boundary', '@generated']],
];
for (const [behaviour, confinedTo] of leaks) {
  test(`a write leaked by a refused request (${behaviour}) fails only the checks that made one`, async () => {
    const run = await runConformance({ reportsDir: test.info().outputPath(behaviour), behaviour });
    const failing = run.tests.filter(t => t.status !== 'passed' && t.status !== 'skipped');
    expect(failing.length, run.output).toBeGreaterThan(0);
    expect(failing.filter(t => !t.tags.some(tag => confinedTo.includes(tag))).map(t => t.title)).toEqual([]);
  });
}
