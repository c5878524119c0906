// The one entry point of the checks: `test` with the suite's fixtures, and `expect` with its matchers.
//   target       (worker) what the run is pointed at and the connection's original state
//   client       (worker) the plain client of the operation, with the run's token, deadline and budget
//   breaker      (worker) transport failures in a row: once the target stops answering, the rest is skipped
//   profileSkips (test, automatic) skips what a stand-in target (TARGET_PROFILE) cannot satisfy, with the reason
//   allureLabels (test, automatic) epic, feature, story, response path, severity, documentation link;
//                after a failure, its kind (the Allure category)
//   api          (test) the client with report steps around each request; after the test it restores
//                the connection if the test may have changed it, so every test starts from the original state
import * as playwright from '@playwright/test';
import { clientFor } from '../run/for-target';
import { TransportBreaker } from '../client/breaker';
import type { Exchange, StorageConnectionsClient } from '../client/client';
import { labelOutcome, labelTest } from '../report/allure-labels';
import { PROFILES, preferFor, skipReasonFor } from '../run/profiles';
import { publishedTarget, type Target } from '../run/target';
import { recordingHooks } from './recorder';
import type { RefusalBatch } from './refusals';
import { restoreIfChanged, StateTracker } from './state';

export { expect } from './matchers';

/**
 * The runner's base test, without the browser fixtures (page, context, request) that `test` adds: no
 * check uses a browser, and their automatic fixtures cost about a CPU-second in a run of 84 checks (each
 * of their steps captures a source-mapped stack; measured in `npm run bench`). Playwright's component
 * testing builds on it; should a release drop it, the full `test` serves the same.
 */
const base = playwright._baseTest ?? playwright.test;

/** The deadline of requests sent after one went unanswered, until one is answered again. */
const SUSPECT_DEADLINE_MS = 10_000;

function requireTarget(): Target {
  const target = publishedTarget();
  if (!target)
    throw new Error('no target was published: run the checks through playwright.config.ts, whose global setup chooses the target.');
  return target;
}

export const test = base.extend<
  {
    api: StorageConnectionsClient;
    /** The refused requests of a spec file, sent at once (test.use({ refusals }), support/checks/refusals.ts). */
    refusals: RefusalBatch | undefined;
    allureLabels: void;
    profileSkips: void;
  },
  { target: Target; client: StorageConnectionsClient; breaker: TransportBreaker }
>({
  target: [async ({}, use) => use(requireTarget()), { scope: 'worker' }],

  client: [async ({ target }, use) => use(clientFor(target)), { scope: 'worker' }],

  breaker: [async ({ target }, use) => use(new TransportBreaker(target.breaker.file, target.breaker.threshold)), { scope: 'worker' }],

  profileSkips: [
    async ({ target }, use, testInfo) => {
      const reason =
        target.unreadable && !testInfo.tags.includes('@reads-back')
          ? `the connection's state could not be read at setup (${target.unreadable}), so no check may change it`
          : target.profile && skipReasonFor(PROFILES[target.profile], testInfo.tags);
      if (reason) {
        const description = target.unreadable ? reason : `${target.profile} profile: ${reason}`;
        testInfo.skip(true, description);
      }
      await use();
    },
    { auto: true },
  ],

  allureLabels: [
    async ({}, use, testInfo) => {
      await labelTest(testInfo);
      await use();
      await labelOutcome(testInfo);
    },
    { auto: true },
  ],

  refusals: [undefined, { option: true }],

  api: async ({ client, target, breaker, refusals }, use, testInfo) => {
    // Once the budget is spent the remaining checks are skipped, and the run fails in teardown.
    testInfo.skip(
      client.options.budget?.refuseIfSpent() ?? false,
      `the run's request budget of ${target.budget?.limit} is spent (CONFORMANCE_REQUEST_BUDGET)`,
    );
    const rule = target.profile && preferFor(PROFILES[target.profile], testInfo.tags);
    // Reached with Prefer, the check shows the response's shape, not the behaviour its title claims.
    if (rule)
      testInfo.annotations.push({ type: 'shape only', description: `${target.profile} profile, Prefer: ${rule.prefer}. ${rule.note}` });
    const unresponsive = breaker.open;
    testInfo.skip(
      !!unresponsive,
      `the target stopped answering at ${unresponsive?.since} (${unresponsive?.failures} requests in a row got no answer within ${target.deadlineMs / 1000} s): the remaining checks are skipped`,
    );
    const tracker = new StateTracker(target);
    const observe = (exchange: Exchange) => {
      tracker.observe(exchange);
      if (exchange.response.status === 0) breaker.failed();
      else breaker.answered();
    };
    // Once a request went unanswered, the next ones get a shorter deadline until one is answered:
    // a target that stopped answering is found unresponsive in under a minute, not in three deadlines.
    const suspect = breaker.failures > 0 ? client.withOptions({ deadlineMs: Math.min(target.deadlineMs, SUSPECT_DEADLINE_MS) }) : client;
    // Without a transport failure so far and without Prefer, a file's refusals are sent at once and answered from there.
    const answers = refusals && !rule && breaker.failures === 0 ? await refusals.answersFor(client, target) : undefined;
    const recorded = (answers ? suspect.withOptions({ answers }) : suspect).withHooks(recordingHooks(testInfo, observe));
    await use(rule ? recorded.withHooks({}, { prefer: rule.prefer }) : recorded);
    if (answers?.taken.length) testInfo.annotations.push({ type: 'sent ahead', description: answers.note });
    // The restore asks for real answers: no Prefer.
    // A connection that could not be read at setup has no original state to go back to; after a request
    // that got no answer, the restore is left to teardown, which bounds it when the target stopped answering.
    if (tracker.state !== 'original' && !target.unreadable && !tracker.transportFailed)
      await base.step('restore the connection to its original state if it changed', () => restoreIfChanged(recorded, target, tracker), {
        box: true,
      });
  },
});
