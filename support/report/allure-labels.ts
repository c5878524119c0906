// What the Allure report says about each check, from the tags it declares (checks/tags.ts): the
// operation's place in the platform (epic, feature, story), the response path as the suite it is
// grouped under, a severity, and a link to the operation's public documentation.
import * as allure from 'allure-js-commons';
import type { TestInfo } from '@playwright/test';
import { DOCUMENTATION_URL } from '../contract/operation';
import { isCritical, pathTagOf, RESPONSE_PATHS } from '../checks/tags';
import { FAILURE_KIND_LABEL, failureKindOf } from './failure-kind';

export async function labelTest(testInfo: Pick<TestInfo, 'tags'>): Promise<void> {
  const path = pathTagOf(testInfo.tags);
  if (!path) return;
  await allure.labels(
    { name: 'epic', value: 'iTwin Synchronization API' },
    { name: 'feature', value: 'Storage connections' },
    { name: 'story', value: 'Update StorageConnection' },
    { name: 'parentSuite', value: 'Update StorageConnection' },
    { name: 'suite', value: RESPONSE_PATHS[path] },
    { name: 'severity', value: isCritical(testInfo.tags) ? 'critical' : 'normal' },
  );
  await allure.link(DOCUMENTATION_URL, 'Update StorageConnection (API documentation)');
}

/** After a check: a failure is labelled with its kind, the Allure category it is filed under. */
export async function labelOutcome(testInfo: Pick<TestInfo, 'tags' | 'annotations' | 'status' | 'expectedStatus'>): Promise<void> {
  if (testInfo.status === testInfo.expectedStatus || testInfo.status === 'skipped') return;
  await allure.label(FAILURE_KIND_LABEL, failureKindOf(testInfo));
}
