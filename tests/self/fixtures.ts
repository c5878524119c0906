// The one entry point of the project's own tests: `test` with the fixtures below, and `expect` with the
// suite's matchers (the self-tests check them too). Modelled on the runInlineTest fixture of Playwright's
// own tests (microsoft/playwright tests/playwright-test/playwright-test-fixtures.ts): a run of the suite
// is a child process whose group is killed at teardown, and comes back as its exit code, counts, output
// and report.
//   mock            the embedded mock (mock/server.ts) in this process, stopped at teardown; its options
//                   (behaviour, token, ...) through test.use({ mockOptions }) or mock.setBehaviour()
//   conformanceRun  runs the suite (tests/self/helpers/child-run.ts) against the embedded mock, or with
//                   `against: mock` against that mock as a target given by URL, as the nightly job runs
//   passingRun      one whole run against the conformant embedded mock with the configured reporters,
//                   made once per self-test run and shared by every worker (the command's, the summary's)
import path from 'node:path';
import { test as base } from '@playwright/test';
import { StorageConnectionMock, type MockOptions } from '../../mock/server';
import { runConformance, type ConformanceRun, type RunOptions } from './helpers/child-run';
import { sharedRun } from './helpers/shared-run';

export { expect } from '../../support/checks/matchers';
export type { ConformanceRun, TestVerdict } from './helpers/child-run';

export interface ConformanceRunOptions extends Omit<RunOptions, 'reportsDir'> {
  /** The folder under the test's output where the run writes its reports (default 'run'). */
  name?: string;
  /** Run against this mock as a target given by URL (API_BASE_URL, its token, its connection). */
  against?: StorageConnectionMock;
}

interface SelfTestFixtures {
  /** Options of the `mock` fixture. */
  mockOptions: MockOptions;
  mock: StorageConnectionMock;
  conformanceRun: (options?: ConformanceRunOptions) => Promise<ConformanceRun>;
}

interface SelfTestWorkerFixtures {
  passingRun: ConformanceRun;
}

/** The variables of a run against `mock` as a target given by URL. */
export function liveEnv(mock: StorageConnectionMock): Record<string, string> {
  return { API_BASE_URL: mock.url, API_ACCESS_TOKEN: mock.token, STORAGE_CONNECTION_ID: mock.connectionId };
}

export const test = base.extend<SelfTestFixtures, SelfTestWorkerFixtures>({
  mockOptions: [{}, { option: true }],

  mock: async ({ mockOptions }, use) => {
    const mock = await StorageConnectionMock.create(mockOptions);
    await use(mock);
    await mock.stop();
  },

  conformanceRun: async ({}, use, testInfo) => {
    // The runs still going at teardown (a test that timed out or failed early): their whole group is killed.
    const running = new Map<number, (signal: NodeJS.Signals) => void>();
    await use(async ({ name = 'run', against, env, onStart, ...options } = {}) => {
      let pid: number | undefined;
      try {
        return await runConformance({
          ...options,
          reportsDir: testInfo.outputPath(name),
          env: { ...(against && liveEnv(against)), ...env },
          onStart: run => {
            pid = run.pid;
            running.set(run.pid, run.signal);
            onStart?.(run);
          },
        });
      } finally {
        if (pid !== undefined) running.delete(pid);
      }
    });
    for (const signal of running.values()) {
      try {
        signal('SIGKILL');
      } catch {
        // already gone
      }
    }
  },

  passingRun: [
    async ({}, use, workerInfo) => {
      // As a user runs it: npm run conformance, the generated checks with their default cases.
      const reportsDir = path.join(workerInfo.project.outputDir, 'passing-run');
      const make = () => runConformance({ reportsDir, reporters: 'configured', env: { CONFORMANCE_GENERATED_CASES: '' } });
      await use(await sharedRun(`${reportsDir}.json`, make, 170_000));
    },
    { scope: 'worker', timeout: 180_000 },
  ],
});
