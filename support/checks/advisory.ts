// Advisories: what the document does not state but good APIs do (support/contract/clauses.ts,
// ADVISORIES). A check that finds one broken notes it on the test (an `advisory` annotation, an Allure
// label and category of its own) and goes on: an advisory never fails a run.
import { test } from '@playwright/test';
import { ADVISORY_ANNOTATION } from '../contract/annotations';
import { ADVISORIES, type AdvisoryId } from '../contract/clauses';

/** Notes the advisory on the running check when `holds` is false, with what was observed. */
export function advise(id: AdvisoryId, holds: boolean, observed: string): void {
  if (holds) return;
  test.info().annotations.push({ type: ADVISORY_ANNOTATION, description: `${id}: ${ADVISORIES[id]} Observed: ${observed}` });
}
