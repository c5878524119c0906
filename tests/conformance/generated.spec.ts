// Generated requests: property-based checks (fast-check) whose bodies are derived from the schemas
// (support/generate/from-schema.ts) and judged by them (support/generate/oracle.ts), with the
// operation's state rules: an accepted update is echoed as sent, read back the same and changes nothing
// it does not name; a refused one changes nothing at all; nothing is ever a 5xx. A failure is shrunk
// to a minimal request and reported with the clause it breaks, the seed and fast-check's path, and the
// command that replays it (CONFORMANCE_SEED). Cases per check: CONFORMANCE_GENERATED_CASES.
import fc from 'fast-check';
import { test, expect } from '../../support/checks/fixtures';
import { RefusalBatch } from '../../support/checks/refusals';
import { raw } from '../../support/client/client';
import { tags } from '../../support/contract/tags';
import type { StorageConnectionsClient } from '../../support/client/client';
import type { Target } from '../../support/run/target';
import { invalidUpdates, notObjects, PROPERTY_KEYS, validUpdates } from '../../support/generate/cases';
import { invalidUpdateBodies, notObjectBodies } from '../../support/generate/bodies';
import { CONNECTION_SCHEMA, judge, judgeText, UPDATE_SCHEMA, type Verdict } from '../../support/generate/oracle';
import { planFor, runGenerated, type GeneratedProperty } from '../../support/generate/property';
import { failureMessage, reportGenerated, summaryOf } from '../../support/generate/report';

/** Runs a property and fails on its shrunk counterexample, if it has one. */
async function check<T>(api: StorageConnectionsClient, target: Target, property: GeneratedProperty<T>): Promise<void> {
  const plan = planFor(target);
  test.skip(plan.cases === 0, 'CONFORMANCE_GENERATED_CASES is 0: the generated checks are off');
  // Time for the cases and for shrinking, and a minute for the rest (a throttled request may wait).
  test.setTimeout(plan.runMs + plan.shrinkMs + 60_000);
  const outcome = await runGenerated(api, target, property, plan);
  await reportGenerated(property.key, plan, outcome);
  const example = outcome.counterexample;
  expect(example && summaryOf(example), example && failureMessage(property.key, example)).toBeUndefined();
}

/**
 * The cases of a property that must be refused, sent at once (support/checks/refusals.ts): the values
 * fast-check draws for the run's seed, which fc.sample draws alike, so the property's cases are answered
 * from there; shrinking a failure sends its own, one at a time.
 */
const casesOf = <T>(name: string, arbitrary: fc.Arbitrary<T>, body: (value: T) => unknown, verdict: (value: T) => Verdict) =>
  new RefusalBatch(name, target =>
    target.generatedCases
      ? fc
          .sample(arbitrary, { seed: target.seed ?? 0, numRuns: target.generatedCases })
          // Only the cases the document makes refusals: one it leaves open may be accepted, and is sent by its case.
          .filter(value => verdict(value).kind === 'refuse')
          .map(value => ({ connectionId: target.connectionId, body: body(value) }))
      : [],
  );

const INVALID_CASES = casesOf(PROPERTY_KEYS.invalid, invalidUpdateBodies(UPDATE_SCHEMA, CONNECTION_SCHEMA), body => body, judge);
const NOT_OBJECT_CASES = casesOf(PROPERTY_KEYS.notObject, notObjectBodies(UPDATE_SCHEMA, CONNECTION_SCHEMA), raw, judgeText);

test.describe('generated requests (property-based, from the schemas)', () => {
  test(
    `${PROPERTY_KEYS.valid}: any subset of the documented properties, any string, either enum value, is applied, echoed, kept and changes nothing else`,
    tags('@200', '@critical', '@generated', '@generated-update', '@echo', '@persists'),
    async ({ api, target }) => {
      await check(api, target, validUpdates(api, target));
    },
  );

  test.describe(() => {
    test.use({ refusals: INVALID_CASES });
    test(
      `${PROPERTY_KEYS.invalid}: wrong types at any depth, null, invalid enum strings, unknown and read-only properties are refused and change nothing`,
      tags('@422', '@critical', '@generated', '@generated-invalid', '@wrong-value', '@refused-unchanged'),
      async ({ api, target }) => {
        await check(api, target, invalidUpdates(api, target));
      },
    );
  });

  test.describe(() => {
    test.use({ refusals: NOT_OBJECT_CASES });
    test(
      `${PROPERTY_KEYS.notObject}: malformed JSON and other JSON values are refused and change nothing`,
      tags('@422', '@critical', '@generated', '@generated-invalid', '@malformed-json', '@not-an-object', '@refused-unchanged'),
      async ({ api, target }) => {
        await check(api, target, notObjects(api, target));
      },
    );
  });
});
