// The one entry point of the specs: `test` with the suite's fixtures, and `expect` with its matchers.
//   target  (worker) what the run is pointed at and the connection's original state
//   allureLabels (test, automatic) epic, feature, story, response path, severity, documentation link
//   api     (test)   the client of the operation; after the test it restores the connection if the
//                    test may have changed it, so every test starts from the original state
import { test as base } from '@playwright/test';
import { StorageConnectionsClient } from './client';
import { restoreOriginal, StateTracker } from './connection';
import { labelTest } from './reporting';
import { currentTarget, type Target } from './target';

export { expect } from './matchers';

export const test = base.extend<{ api: StorageConnectionsClient; allureLabels: void }, { target: Target }>({
  target: [async ({}, use) => use(currentTarget()), { scope: 'worker' }],

  // Every conformance test gets its Allure labels (support/reporting.ts) without asking for them.
  allureLabels: [async ({}, use, testInfo) => {
    await labelTest(testInfo);
    await use();
  }, { auto: true }],

  api: async ({ request, target }, use, testInfo) => {
    const api = new StorageConnectionsClient(request, target, testInfo);
    const tracker = new StateTracker(target);
    api.onExchange(tracker.observe);
    await use(api);
    if (tracker.mayHaveChanged)
      await base.step('restore the connection to its original state', () => restoreOriginal(api, target), { box: true });
  },
});
