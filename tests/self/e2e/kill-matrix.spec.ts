// The suite's detection power as a test: every fault of the mock must be caught by a check related to
// it, and every variant (a server that keeps the contract differently) must pass. Prints the matrix
// and writes reports/kill-matrix.md, whatever the outcome.
import { test, expect } from '../fixtures';
import { BEHAVIOURS } from '../../../mock/behaviours';
import { CLAUSES, clausesOf } from '../../../support/contract/clauses';
import type { Tag } from '../../../support/contract/tags';
import { listChecks } from '../helpers/list-checks';
import { defaultConcurrency, runMatrix, saveShard, toMarkdown, writeMatrix } from '../helpers/kill-matrix';

test('every fault names the tags of checks that exist and the clause it breaks, which one of those checks enforces', () => {
  const faults = Object.keys(BEHAVIOURS).filter(name => BEHAVIOURS[name]!.kind === 'fault');
  const checks = listChecks();
  for (const name of faults) {
    const { caughtBy = [], breaks } = BEHAVIOURS[name]!;
    expect(caughtBy.length, `fault ${name} names the checks that should catch it`).toBeGreaterThan(0);
    expect(
      caughtBy.filter(tag => !checks.some(check => check.tags.includes(tag))),
      `fault ${name}: tags no check declares`,
    ).toEqual([]);
    expect(breaks && breaks in CLAUSES, `fault ${name} names the clause it breaks`).toBe(true);
    // The judge counts an expect without a finding only in a check that declares the clause: one of the
    // fault's own checks must, or the fault could be caught only by a finding.
    const catching = checks.filter(check => check.tags.some(tag => caughtBy.includes(tag as Tag)));
    expect(
      catching.filter(check => clausesOf(check.tags).includes(breaks!)).map(check => check.title),
      `fault ${name}: a check tagged ${caughtBy.join(' or ')} enforces ${breaks} (clausesOf its tags)`,
    ).not.toEqual([]);
  }
  expect(faults.length, 'at least 25 faults').toBeGreaterThanOrEqual(25);
  expect(Object.keys(BEHAVIOURS).length - faults.length, 'at least 8 variants').toBeGreaterThanOrEqual(8);
  expect(new Set(faults.map(name => BEHAVIOURS[name]!.path)), 'faults on every response path').toEqual(new Set([200, 401, 404, 422, 429]));
  // Each clause a check enforces and a fault can break is broken by several faults or by none; at least
  // the clauses of every response path are.
  const broken = new Set(faults.map(name => BEHAVIOURS[name]!.breaks));
  for (const clause of ['200.updated', '401.causes', '404.not-found', '422.invalid', '429.throttled'] as const)
    expect(broken.has(clause), `a fault breaks ${clause}`).toBe(true);
});

// Two shards, each a test of its own, so that two workers run the matrix's child runs side by side;
// each behaviour goes to one of them, faults and variants alike. The shard that ends last writes the
// whole matrix (reports/kill-matrix.md) from both shards' rows.
const SHARDS = 2;
for (let shard = 0; shard < SHARDS; shard++) {
  test(`kill matrix (${shard + 1} of ${SHARDS}): the suite detects every fault and passes every variant`, async () => {
    // About 110 conformance runs in all, 2 at a time in each shard, beside the other workers' tests: 4-6 minutes.
    test.setTimeout(900_000);
    const concurrency = Math.max(1, Math.ceil(defaultConcurrency() / SHARDS));
    const started = Date.now();
    const names = Object.keys(BEHAVIOURS).filter((_, index) => index % SHARDS === shard);
    const rows = await runMatrix(names, concurrency);
    const all = saveShard(shard, SHARDS, rows, Date.now() - started);
    const markdown = toMarkdown(all.rows, all.wallMs, concurrency * SHARDS);
    const file = all.complete ? writeMatrix(markdown) : undefined;
    console.log(
      `${markdown}\n${file ? `(written to ${file})` : `(shard ${shard + 1} of ${SHARDS}; the whole matrix is written by the last)`}`,
    );
    await test.info().attach('kill-matrix.md', { body: markdown, contentType: 'text/markdown' });
    for (const row of rows)
      expect.soft(row.observed, `${row.kind} ${row.name}: ${row.failing.join('; ') || 'no check failed'}`).toBe(row.expected);
    const throttled = rows.find(row => row.name === 'throttle-everything');
    if (throttled)
      expect.soft(throttled.throttleWaits, 'throttle-everything made ordinary checks wait out a 429 and retry').toBeGreaterThan(0);
    const missed = rows.filter(row => !row.ok).map(row => `${row.name} (${row.observed})`);
    expect(missed, 'faults not detected and variants that raised a false alarm').toEqual([]);
  });
}
