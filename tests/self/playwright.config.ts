// The project's own tests (`npm test`), in two projects: unit/ (pure functions: the schemas, the
// configuration's parsers, the judge; seconds in all) and e2e/ (the embedded mock over HTTP, and whole
// conformance runs as child processes against it: conformant, faulty and variant). The kill matrix, the
// longest test by far, is a project of its own listed first, so that it starts at once and the other
// tests share the other workers beside it; the unit tests come last, to even out the end. `npm run test:unit` runs the unit project alone.
import { defineConfig } from '@playwright/test';
import { reportPaths } from '../../support/report/paths';

const KILL_MATRIX = /kill-matrix\.spec\.ts$/;

// One id per npm test, which the workers inherit: the kill matrix's shards merge only their own rows.
process.env.SELF_TEST_RUN ??= `${process.pid}-${Date.now()}`;

export default defineConfig({
  // Independent tests. Four workers on two cores: most of a self-test's time is its child runs waiting
  // (deadlines, retry-after, a mock's latency), so two workers left half the cores idle (npm test: 9.2
  // min with 2 workers, 5.7 min with 4, on this 2-core machine while other work ran).
  fullyParallel: true,
  workers: 4,
  // A child run of the whole suite takes seconds; a test with several takes a minute on a busy machine.
  timeout: 120_000,
  forbidOnly: !!process.env.CI,
  reporter: [['list']],
  outputDir: reportPaths().root + '/self/test-results',
  projects: [
    { name: 'kill-matrix', testDir: './e2e', testMatch: KILL_MATRIX, timeout: 900_000 },
    { name: 'e2e', testDir: './e2e', testIgnore: KILL_MATRIX },
    // Last: many short tests fill the workers as the long ones end, instead of one long file ending alone.
    { name: 'unit', testDir: './unit', timeout: 30_000 },
  ],
});
