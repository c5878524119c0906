// The project's own tests (`npm test`), in two projects: unit/ (pure functions: the schemas, the
// configuration's parsers, the judge; seconds in all) and e2e/ (the embedded mock over HTTP, and whole
// conformance runs as child processes against it: conformant, faulty and variant). The kill matrix, the
// longest test by far, is a project of its own listed first, so that it starts at once and the other
// tests share the second worker beside it. `npm run test:unit` runs the unit project alone.
import { defineConfig } from '@playwright/test';
import { reportPaths } from '../../support/report/paths';

const KILL_MATRIX = /kill-matrix\.spec\.ts$/;

export default defineConfig({
  // Independent tests: spread them over both cores.
  fullyParallel: true,
  workers: 2,
  // A child run of the whole suite takes seconds; a test with several takes a minute on a busy machine.
  timeout: 120_000,
  forbidOnly: !!process.env.CI,
  reporter: [['list']],
  outputDir: reportPaths().root + '/self/test-results',
  projects: [
    { name: 'kill-matrix', testDir: './e2e', testMatch: KILL_MATRIX, timeout: 540_000 },
    { name: 'unit', testDir: './unit', timeout: 30_000 },
    { name: 'e2e', testDir: './e2e', testIgnore: KILL_MATRIX },
  ],
});
