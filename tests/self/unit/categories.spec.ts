// Failures are filed by what the failing assertion declared it checks, never by a regex over a
// message: each kind lands in the Allure category of that name (matched by Allure's own matcher on
// the label the fixtures set), a failure no assertion classified falls back to its response path,
// and whatever is left is "Unclassified failure", never Allure's default "Product errors".
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { matchCategory, normalizeCategoriesConfig, type CategoriesConfig } from '@allurereport/core-api';
import { test, expect } from '../fixtures';
import { FAILURE_KIND_LABEL, FAILURE_KINDS, failureKindOf, noteFailureKind } from '../../../support/report/failure-kind';
import { RESPONSE_PATHS } from '../../../support/contract/tags';
import { PROJECT_ROOT } from '../../../support/report/paths';

async function categoryOf(labels: { name: string; value: string }[], status: 'failed' | 'broken' = 'failed'): Promise<string | undefined> {
  const config = (await import(pathToFileURL(path.join(PROJECT_ROOT, 'allurerc.mjs')).href)) as {
    default: { categories: CategoriesConfig };
  };
  return matchCategory(normalizeCategoriesConfig(config.default.categories), { status, labels, flaky: false })?.name;
}

test('every failure kind is an Allure category of its own, in the declared order', async () => {
  for (const kind of FAILURE_KINDS) expect(await categoryOf([{ name: FAILURE_KIND_LABEL, value: kind }]), kind).toBe(kind);
  expect(await categoryOf([{ name: FAILURE_KIND_LABEL, value: 'Server error (5xx)' }], 'broken')).toBe('Server error (5xx)');
});

test("a failure without a kind is unclassified, not one of Allure's defaults", async () => {
  expect(await categoryOf([])).toBe('Unclassified failure');
  expect(await categoryOf([{ name: 'tag', value: '401' }])).toBe('Unclassified failure');
});

test('the first kind an assertion notes wins; without one, the response path the check declared', () => {
  const info = { annotations: [] as { type: string; description?: string }[], tags: ['@422', '@refused-unchanged'] };
  expect(failureKindOf(info)).toBe('Other failures: 422 Unprocessable Entity');
  noteFailureKind(info, 'Unexpected status');
  noteFailureKind(info, 'State not preserved');
  expect(failureKindOf(info)).toBe('Unexpected status');
  expect(failureKindOf({ annotations: [], tags: [] })).toBe('Unclassified failure');
});

test('every fallback a check can reach is a declared kind', () => {
  for (const name of Object.values(RESPONSE_PATHS)) expect(FAILURE_KINDS).toContain(`Other failures: ${name}`);
});
