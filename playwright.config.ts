// The conformance suite: Playwright API-request tests against the configured target (see README).
import { defineConfig } from '@playwright/test';
import { ConfigError, outputPaths, suiteConfig } from './support/run/config';
import { reportPaths } from './support/report/paths';

// The configuration is validated before any request: one clear line, then stop. (Workers load this
// file too and pass the same check on the same environment; they use the target setup published.)
try {
  suiteConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(`Configuration error: ${error.message}`);
  process.exit(2);
}

const reports = reportPaths(outputPaths().reportsDir);

export default defineConfig({
  testDir: './tests/conformance',
  // Starts the target, remembers the connection's state; its teardown restores it.
  globalSetup: './support/run/global-setup.ts',
  // Throttled requests wait retry-after (up to 90 s on a live target) within a test.
  timeout: 180_000,
  // A nightly run must not hide a stray test.only.
  forbidOnly: !!process.env.CI,
  // A conformance failure is a finding, not flakiness: never retried.
  retries: 0,
  outputDir: reports.testResults,
  reporter: [
    // First: scrubs credentials from what the reporters after it receive (support/run/redacting-reporter.ts).
    ['./support/run/redacting-reporter.ts'],
    // Findings, contract coverage, drift and the summary's data (support/report/contract-reporter.ts, with the configured paths).
    ['./support/run/contract-reporter.ts'],
    // The console: one short line per check, a skip's reason on its line, one closing block (support/run/console-reporter.ts).
    ['./support/run/console-reporter.ts'],
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
