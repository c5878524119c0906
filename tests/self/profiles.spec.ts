// A target profile is keyed by the tags the checks declare: every entry must name a tag some check
// carries (a renamed or dropped tag would silently turn a skip into a run), and no check may be both
// skipped and sent with a Prefer header.
import { spawnSync } from 'node:child_process';
import { test, expect } from './fixtures';
import { PROJECT_ROOT } from '../../support/run/paths';
import { PROFILES, preferFor, skipReasonFor } from '../../support/run/profiles';

interface Suite {
  specs?: { title: string; tags?: string[] }[];
  suites?: Suite[];
}

/** Each conformance check's title and tags, as `playwright test --list` sees them. */
function conformanceChecks(): { title: string; tags: string[] }[] {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/^(API_|STORAGE_CONNECTION_ID|CONFORMANCE_|MOCK_|IMS_)/.test(name)),
  );
  const run = spawnSync(process.execPath, [require.resolve('@playwright/test/cli'), 'test', '--list', '--reporter=json'], {
    cwd: PROJECT_ROOT,
    env,
    encoding: 'utf8',
  });
  expect(run.status, run.stderr).toBe(0);
  const checks: { title: string; tags: string[] }[] = [];
  const walk = (suite: Suite) => {
    for (const spec of suite.specs ?? []) checks.push({ title: spec.title, tags: (spec.tags ?? []).map(tag => `@${tag}`) });
    for (const inner of suite.suites ?? []) walk(inner);
  };
  for (const suite of (JSON.parse(run.stdout) as { suites: Suite[] }).suites) walk(suite);
  return checks;
}

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
