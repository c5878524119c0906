// The suite's detection power as a test: every fault of the mock must be caught by a check related to
// it, and every variant (a server that keeps the contract differently) must pass. Prints the matrix
// and writes reports/kill-matrix.md, whatever the outcome.
import { test, expect } from './fixtures';
import { BEHAVIOURS } from '../../mock/behaviours';
import { TOPICS, RESPONSE_PATHS } from '../../support/contract/tags';
import { defaultConcurrency, runMatrix, toMarkdown, writeMatrix } from './kill-matrix';

test('every fault names the tags of the checks that should catch it, each a tag the checks use', () => {
  const faults = Object.keys(BEHAVIOURS).filter(name => BEHAVIOURS[name]!.kind === 'fault');
  const known = new Set<string>([...TOPICS, ...Object.keys(RESPONSE_PATHS)]);
  for (const name of faults) {
    const caughtBy = BEHAVIOURS[name]!.caughtBy ?? [];
    expect(caughtBy.length, `fault ${name} names the checks that should catch it`).toBeGreaterThan(0);
    expect(
      caughtBy.filter(tag => !known.has(tag)),
      `fault ${name}: tags no check can declare`,
    ).toEqual([]);
  }
  expect(faults.length, 'at least 25 faults').toBeGreaterThanOrEqual(25);
  expect(Object.keys(BEHAVIOURS).length - faults.length, 'at least 8 variants').toBeGreaterThanOrEqual(8);
  expect(new Set(faults.map(name => BEHAVIOURS[name]!.path)), 'faults on every response path').toEqual(new Set([200, 401, 404, 422, 429]));
});

test('kill matrix: the suite detects every fault and passes every variant', async () => {
  // About 75 conformance runs, 3 at a time on 2 cores, beside the other worker's tests: 4-6 minutes.
  test.setTimeout(540_000);
  const concurrency = defaultConcurrency();
  const started = Date.now();
  const rows = await runMatrix(Object.keys(BEHAVIOURS), concurrency);
  const markdown = toMarkdown(rows, Date.now() - started, concurrency);
  const file = writeMatrix(markdown);
  console.log(`${markdown}\n(written to ${file})`);
  await test.info().attach('kill-matrix.md', { body: markdown, contentType: 'text/markdown' });
  for (const row of rows)
    expect.soft(row.observed, `${row.kind} ${row.name}: ${row.failing.join('; ') || 'no check failed'}`).toBe(row.expected);
  const throttled = rows.find(row => row.name === 'throttle-everything');
  if (throttled)
    expect.soft(throttled.throttleWaits, 'throttle-everything made ordinary checks wait out a 429 and retry').toBeGreaterThan(0);
  const missed = rows.filter(row => !row.ok).map(row => `${row.name} (${row.observed})`);
  expect(missed, 'faults not detected and variants that raised a false alarm').toEqual([]);
});
