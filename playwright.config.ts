// The conformance suite: Playwright API-request tests against the configured target (see README).
import { defineConfig } from '@playwright/test';
import { loadDotEnv, readConfig } from './support/config';
import { reportPaths } from './support/paths';

// Validate the configuration before any request: one clear line, then stop. Workers re-read this
// file after each failure; their parent, the runner, has validated it already, so they skip the work.
const VALIDATED_BY = 'CONFORMANCE_CONFIG_VALIDATED_BY';
if (process.env[VALIDATED_BY] !== String(process.ppid)) try {
  loadDotEnv();
  readConfig();
  // Loaded here only: the mock's behaviours are of no use to a worker.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  (require('./mock/behaviours') as typeof import('./mock/behaviours')).behaviourNamed(process.env.MOCK_BEHAVIOUR);
  process.env[VALIDATED_BY] = String(process.pid);
} catch (error) {
  console.error(`Configuration error: ${(error as Error).message}`);
  process.exit(2);
}

const reports = reportPaths();

export default defineConfig({
  testDir: './tests/conformance',
  // Starts the embedded mock when needed, remembers the connection's state; its teardown restores it.
  globalSetup: './support/global-setup.ts',
  // Throttled requests wait retry-after (up to 90 s on a live target) within a test.
  timeout: 180_000,
  // A nightly run must not hide a stray test.only.
  forbidOnly: !!process.env.CI,
  // A conformance failure is a finding, not flakiness: never retried.
  retries: 0,
  outputDir: reports.testResults,
  reporter: [
    // First: scrubs credentials from what the reporters after it receive (support/redacting-reporter.ts).
    ['./support/redacting-reporter.ts'],
    ['list'],
    ['junit', { outputFile: reports.junit }],
    ['html', { outputFolder: reports.playwrightReport, open: 'never' }],
    ['allure-playwright', { resultsDir: reports.allureResults }],
    // Sharded runs (the nightly workflow) leave a blob report for merge-reports.
    ...(process.env.PLAYWRIGHT_BLOB_OUTPUT_DIR ? [['blob'] as ['blob']] : []),
  ],
  use: {
    // API tests only; traces would record request headers, so they stay off (no secret in a trace).
    trace: 'off',
  },
  projects: [
    {
      name: 'conformance',
      // Every test reads or changes the one connection: one worker, so they never race each other.
      workers: 1,
    },
  ],
});
