// The 429 probe (tests/conformance/429-rate-limit.spec.ts) against the embedded mock: it bursts as a
// client of the mock's lowest tier, with a token the mock issued, and reaches that tier's limit in a
// few dozen requests however busy the machine (mock/rate-limit.ts); it is skipped with its reason,
// never passed, when it is off or its bound is too low to prove anything.
import { test, expect, type ConformanceRun } from '../fixtures';
import { MOCK_RATE_LIMIT, LOWEST_TIER_CLIENT_ID } from '../../../mock/rate-limit';

const verdictOf = (run: ConformanceRun, title: RegExp) => run.tests.find(t => title.test(t.title));

test("the probe bursts with a token of the mock's lowest tier and is throttled within its first few dozen requests", async ({
  conformanceRun,
}) => {
  const run = await conformanceRun({ args: ['--grep', '@throttling'] });
  expect(run.exitCode, run.output).toBe(0);
  const probe = verdictOf(run, /burst is throttled/)!;
  expect(probe.status).toBe('passed');
  const notes = probe.annotations.filter(a => a.type === 'probe').map(a => a.description ?? '');
  expect(notes[0]).toBe("bursts with issued by the embedded mock: a client of the mock's lowest tier");
  const sent = Number(/^(\d+) requests sent; allowed again after retry-after \d+ s in trial 1$/.exec(notes[1] ?? '')?.[1]);
  const { limit } = MOCK_RATE_LIMIT.tiers![LOWEST_TIER_CLIENT_ID]!;
  // The tier's limit, one burst of 16 past it, and the request after the wait.
  expect(sent, notes.join('; ')).toBeGreaterThan(limit);
  expect(sent, notes.join('; ')).toBeLessThanOrEqual(limit + 16 + 1);
});

test('the 429 probe is skipped with its reason when it is off or its bound is too low', async ({ conformanceRun }) => {
  const [off, low] = await Promise.all([
    conformanceRun({ name: 'off', args: ['--grep', '429'], env: { RATE_LIMIT_PROBE_MAX_REQUESTS: '0' } }),
    conformanceRun({ name: 'low', args: ['--grep', '429'], env: { RATE_LIMIT_PROBE_MAX_REQUESTS: '8' } }),
  ]);
  for (const run of [off, low]) expect(run.exitCode, run.output).toBe(0);
  const reason = (run: ConformanceRun) => verdictOf(run, /burst is throttled/)!.annotations.find(a => a.type === 'skip')?.description;
  expect(verdictOf(off, /burst is throttled/)!.status).toBe('skipped');
  expect(reason(off)).toMatch(/the 429 probe is off: set RATE_LIMIT_PROBE_MAX_REQUESTS/);
  expect(verdictOf(low, /burst is throttled/)!.status).toBe('skipped');
  expect(reason(low)).toMatch(/no 429 after 8 requests/);
});
