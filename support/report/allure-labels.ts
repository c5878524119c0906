// What the Allure report says about each check, from the tags it declares (checks/tags.ts): the
// operation's place in the platform (epic, feature, story), the response path as the suite it is
// grouped under, a severity, and a link to the operation's public documentation.
import * as allure from 'allure-js-commons';
import type { TestInfo } from '@playwright/test';
import { DOCUMENTATION_URL } from '../contract/operation';
import { isCritical, pathTagOf, RESPONSE_PATHS } from '../checks/tags';

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
