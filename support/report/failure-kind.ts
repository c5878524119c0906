// Why a check failed, as the code that made the assertion declares it (a matcher, a state helper, the
// recording layer), never read back from a message: the first kind noted wins. A failure no assertion
// classified falls back to the response path the check declared. The names are the Allure categories
// (failure-kinds.json, read by allurerc.mjs too), so every failure lands in a named one.
import type { TestInfo } from '@playwright/test';
import { pathTagOf, RESPONSE_PATHS } from '../contract/tags';
import KINDS from './failure-kinds.json';

export type FailureKind = (typeof KINDS.kinds)[number];
export const FAILURE_KINDS: readonly string[] = KINDS.kinds;

/** The label that carries a failure's kind to Allure (allurerc.mjs matches categories on it). */
export const FAILURE_KIND_LABEL = 'failureKind';
const ANNOTATION = 'failure kind';

/** Notes why the running check is failing, unless an earlier assertion already did. */
export function noteFailureKind(testInfo: Pick<TestInfo, 'annotations'>, kind: FailureKind): void {
  if (!testInfo.annotations.some(a => a.type === ANNOTATION)) testInfo.annotations.push({ type: ANNOTATION, description: kind });
}

/** The kind of a failed check: the one noted, else its response path's, else unclassified. */
export function failureKindOf(testInfo: Pick<TestInfo, 'annotations' | 'tags'>): string {
  const noted = testInfo.annotations.find(a => a.type === ANNOTATION)?.description;
  if (noted) return noted;
  const path = pathTagOf(testInfo.tags);
  return path ? `Other failures: ${RESPONSE_PATHS[path]}` : 'Unclassified failure';
}
