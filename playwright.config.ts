// The conformance suite: Playwright API-request tests against the configured target (see README).
import path from 'node:path';
import { defineConfig } from '@playwright/test';
import { ConfigError, loadDotEnv, readConfig } from './support/config';

// Validate the configuration before any request: one clear line, then stop.
try {
  loadDotEnv();
  readConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(`Configuration error: ${error.message}`);
  process.exit(2);
}

const reports = path.resolve(__dirname, 'reports');

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
  outputDir: path.join(reports, 'test-results'),
  reporter: [
    ['list'],
    ['junit', { outputFile: path.join(reports, 'junit.xml') }],
    ['html', { outputFolder: path.join(reports, 'playwright-report'), open: 'never' }],
    ['allure-playwright', { resultsDir: path.join(reports, 'allure-results') }],
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
