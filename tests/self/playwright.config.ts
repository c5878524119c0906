// The project's own tests (`npm test`): the schemas, the configuration checks, the embedded mock, and
// whole conformance runs against the mock (conformant, faulty and variant), run as child processes.
import { defineConfig } from '@playwright/test';
import { reportPaths } from '../../support/report/paths';

export default defineConfig({
  testDir: '.',
  // Independent tests: spread them over both cores.
  fullyParallel: true,
  workers: 2,
  // Whole conformance runs take seconds each; the kill matrix takes longest.
  timeout: 240_000,
  forbidOnly: !!process.env.CI,
  reporter: [['list']],
  outputDir: reportPaths().root + '/self/test-results',
});
