// What the Allure report says about each check, from the tags it declares (checks/tags.ts): the
// operation's place in the platform (epic, feature, story), the response path as the suite it is
// grouped under, a severity, and a link to the operation's public documentation.
import * as allure from 'allure-js-commons';
import type { TestInfo } from '@playwright/test';
import { DOCUMENTATION_URL } from '../contract/operation';
import { isCritical, pathTagOf, RESPONSE_PATHS } from '../contract/tags';
import { ADVISORY_ANNOTATION, BROKEN_CLAUSE_ANNOTATION } from '../contract/annotations';
import { brokenClauseOf, CLAUSES } from '../contract/clauses';
import { FAILURE_KIND_LABEL, failureKindOf } from './failure-kind';
import { FINDING, parseFinding } from './findings';

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

/**
 * After a check: an advisory it noted is labelled (its own category, never a failure); a failure is
 * labelled with its kind (the category it is filed under) and the clause it broke, which is also
 * noted on the test for the other reports.
 */
export async function labelOutcome(testInfo: Pick<TestInfo, 'tags' | 'annotations' | 'status' | 'expectedStatus'>): Promise<void> {
  for (const advisory of testInfo.annotations.filter(a => a.type === ADVISORY_ANNOTATION))
    await allure.label('advisory', advisory.description?.split(':')[0] ?? 'advisory');
  if (testInfo.status === testInfo.expectedStatus || testInfo.status === 'skipped') return;
  const kind = failureKindOf(testInfo);
  await allure.label(FAILURE_KIND_LABEL, kind);
  // A check that failed with a finding broke that finding's clause; otherwise the kind and the tags tell.
  const finding = parseFinding(testInfo.annotations.find(a => a.type === FINDING)?.description ?? '');
  if (finding) await allure.label('finding', `${finding.clause} — ${finding.what}`);
  const clause = finding?.clause ?? brokenClauseOf(kind, testInfo.tags);
  if (!clause) return;
  testInfo.annotations.push({ type: BROKEN_CLAUSE_ANNOTATION, description: `${clause}: "${CLAUSES[clause].quote}"` });
  await allure.label('clause', clause);
}
