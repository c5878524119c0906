// The generated checks' seed (CONFORMANCE_SEED): a failing run prints it, shrinks to a counterexample,
// and the same seed replays that counterexample exactly.
import { test, expect } from '../fixtures';
import { PROPERTY_KEYS } from '../../../support/generate/cases';

test('a failing run prints its seed, shrinks to a counterexample, and CONFORMANCE_SEED replays it exactly', async ({ conformanceRun }) => {
  const run = (index: number) =>
    conformanceRun({
      name: `replay-${index}`,
      behaviour: '5xx-nested-value',
      env: { CONFORMANCE_SEED: '20261130' },
      args: ['--grep', PROPERTY_KEYS.invalid],
    });
  const [first, second] = [await run(1), await run(2)];
  for (const replay of [first, second]) {
    expect(replay.output).toContain("Seed: 20261130 (CONFORMANCE_SEED=20261130 replays this run's generated cases)");
    expect(replay.tests.map(t => t.status)).toEqual(['failed']);
  }
  const counterexample = (r: typeof first) => r.tests[0]!.annotations.find(a => a.type === 'counterexample')?.description;
  expect(counterexample(first)).toMatch(/^responses\.documented: PUT \{.*[[{].*\} -> 500 \(seed 20261130, path "[\d:]+"\)$/);
  expect(counterexample(second)).toBe(counterexample(first));
  expect(first.tests[0]!.errors[0]!.message).toContain('breaks clause responses.documented');
  expect(first.tests[0]!.errors[0]!.message).toContain(`CONFORMANCE_SEED=20261130 npx playwright test --grep "${PROPERTY_KEYS.invalid}"`);
});
