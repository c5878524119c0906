// What the Allure report says about each test: the operation's place in the platform (epic, feature,
// story), the response path as sub-suite and tag, a severity (authentication holes and lost or
// unexpected writes are critical), and a link to the operation's public documentation.
import * as allure from 'allure-js-commons';
import type { TestInfo } from '@playwright/test';

export const DOCUMENTATION_URL = 'https://developer.bentley.com/apis/synchronization/operations/update-storage-connection/';

/** Response paths by spec file prefix. */
const PATHS: Record<string, string> = {
  '200': '200', '401': '401', '404': '404', '422': '422', '429': '429', boundary: 'boundary (200 or 422)',
};

/** A check that guards against an authentication hole or a lost or unwanted write is critical. */
const CRITICAL = /changes nothing|creates nothing|persists|keeps|identity|read-only|401/;

export function responsePathOf(testInfo: Pick<TestInfo, 'file'>): string | undefined {
  const prefix = /(?:^|[\\/])(\w+)-[\w-]+\.spec\.ts$/.exec(testInfo.file)?.[1];
  return prefix ? PATHS[prefix] : undefined;
}

export async function labelTest(testInfo: TestInfo): Promise<void> {
  const path = responsePathOf(testInfo);
  if (!path) return;
  const title = testInfo.titlePath.join(' › ');
  await allure.labels(
    { name: 'epic', value: 'iTwin Synchronization API' },
    { name: 'feature', value: 'Storage connections' },
    { name: 'story', value: 'Update StorageConnection' },
    { name: 'parentSuite', value: 'Update StorageConnection' },
    { name: 'suite', value: testInfo.titlePath[1] ?? path },
    { name: 'subSuite', value: `response path ${path}` },
    { name: 'tag', value: `response-${path.split(' ')[0]}` },
    { name: 'severity', value: CRITICAL.test(title) ? 'critical' : 'normal' },
  );
  await allure.link(DOCUMENTATION_URL, 'Update StorageConnection (API documentation)');
}
