// The one entry point of the specs: `test` with the suite's fixtures, and `expect` with its matchers.
//   target  (worker) what the run is pointed at and the connection's original state
//   profileSkips (test, automatic) skips what a stand-in target (TARGET_PROFILE) cannot satisfy, with the reason
//   allureLabels (test, automatic) epic, feature, story, response path, severity, documentation link
//   api     (test)   the client of the operation; after the test it restores the connection if the
//                    test may have changed it, so every test starts from the original state
import { test as base } from '@playwright/test';
import { StorageConnectionsClient } from './client';
import { restoreOriginal, StateTracker } from './connection';
import { PROFILES, skipReasonFor } from './profiles';
import { labelTest } from './reporting';
import { currentTarget, publishedTarget, type Target } from './target';

export { expect } from './matchers';

export const test = base.extend<{ api: StorageConnectionsClient; allureLabels: void; profileSkips: void }, { target: Target }>({
  target: [async ({}, use) => use(currentTarget()), { scope: 'worker' }],

  // A stand-in target (support/profiles.ts) skips, with the reason, the checks it cannot satisfy.
  // (Read from the environment, not the target fixture: the project's own tests have no target.)
  profileSkips: [async ({}, use, testInfo) => {
    const profile = publishedTarget()?.profile;
    const reason = profile && skipReasonFor(PROFILES[profile], testInfo.title);
    if (reason) testInfo.skip(true, `${profile} profile: ${reason}`);
    await use();
  }, { auto: true }],

  // Every conformance test gets its Allure labels (support/reporting.ts) without asking for them.
  allureLabels: [async ({}, use, testInfo) => {
    await labelTest(testInfo);
    await use();
  }, { auto: true }],

  api: async ({ request, target }, use, testInfo) => {
    const api = new StorageConnectionsClient(request, target, testInfo);
    // Once the budget is spent the remaining checks are skipped, and the run fails in teardown.
    testInfo.skip(api.refuseIfBudgetSpent(), `the run's request budget of ${target.budget?.limit} is spent (CONFORMANCE_REQUEST_BUDGET)`);
    const rule = target.profile && PROFILES[target.profile].preferRules.find(r => r.pattern.test(testInfo.title));
    if (rule) {
      api.extraHeaders['prefer'] = rule.prefer;
      testInfo.annotations.push({ type: `${target.profile} profile`, description: `Prefer: ${rule.prefer}. ${rule.note}` });
    }
    const tracker = new StateTracker(target);
    api.onExchange(tracker.observe);
    await use(api);
    if (tracker.mayHaveChanged)
      await base.step('restore the connection to its original state', () => restoreOriginal(api, target), { box: true });
  },
});
