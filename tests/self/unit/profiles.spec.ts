// A target profile is keyed by the tags the checks declare: every entry must name a tag some check
// carries (a renamed or dropped tag would silently turn a skip into a run), and no check may be both
// skipped and sent with a Prefer header.
import { test, expect } from '../fixtures';
import { PROFILES, preferFor, skipReasonFor } from '../../../support/run/profiles';
import { listChecks } from '../helpers/list-checks';

const conformanceChecks = listChecks;
// In one worker, in order: the checks are listed once (a listing takes seconds).
test.describe.configure({ mode: 'default' });

test('every entry of every profile names a tag that some conformance check declares', () => {
  const checks = conformanceChecks();
  expect(checks.length).toBeGreaterThan(0);
  for (const [name, profile] of Object.entries(PROFILES)) {
    const tags = [...profile.preferRules.map(rule => rule.tag), ...profile.skip.map(rule => rule.tag)];
    expect(
      tags.filter(tag => !checks.some(check => check.tags.includes(tag))),
      `stale entries of profile ${name}`,
    ).toEqual([]);
  }
});

test('no check is both skipped and sent with a Prefer header by a profile', () => {
  for (const [name, profile] of Object.entries(PROFILES)) {
    const both = conformanceChecks().filter(check => skipReasonFor(profile, check.tags) && preferFor(profile, check.tags));
    expect(
      both.map(check => check.title),
      `checks profile ${name} treats two ways`,
    ).toEqual([]);
  }
});

test('every conformance check declares its response path', () => {
  const paths = ['@200', '@401', '@404', '@422', '@429', '@boundary'];
  expect(
    conformanceChecks()
      .filter(check => !check.tags.some(tag => paths.includes(tag)))
      .map(check => check.title),
  ).toEqual([]);
});
