// The benchmark's floor (npm run bench): the Playwright runner starting and running one empty test.
// Its own folder and config, so neither the conformance run nor npm test ever collects it.
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: '.',
  // Same shape as a conformance run: one worker, the JSON reporter the runner uses.
  workers: 1,
  // Output only under reports/, also when run by hand: nothing lands beside the sources.
  reporter: [['json', { outputFile: process.env.BENCH_FLOOR_JSON || '../../reports/bench/floor-results.json' }]],
  outputDir: process.env.BENCH_FLOOR_OUTPUT || '../../reports/bench/floor-test-results',
});
