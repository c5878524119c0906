// A target profile is only as good as its coverage: every conformance check is named by exactly one
// entry (as it is, with a Prefer header, or skipped with a reason), so a renamed or new check cannot
// slip through a profile unaccounted for.
import { spawnSync } from 'node:child_process';
import { test, expect } from '../../support/fixtures';
import { PROJECT_ROOT } from '../../support/paths';
import { PROFILES, treatmentOf } from '../../support/profiles';

interface Suite {
  specs?: { title: string }[];
  suites?: Suite[];
}

function conformanceTitles(): string[] {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(API_|STORAGE_CONNECTION_ID|CONFORMANCE_|MOCK_)/.test(name)));
  const run = spawnSync('npx', ['playwright', 'test', '--list', '--reporter=json'], { cwd: PROJECT_ROOT, env, encoding: 'utf8' });
  expect(run.status, run.stderr).toBe(0);
  const titles: string[] = [];
  const walk = (suite: Suite) => {
    for (const spec of suite.specs ?? []) titles.push(spec.title);
    for (const inner of suite.suites ?? []) walk(inner);
  };
  for (const suite of (JSON.parse(run.stdout) as { suites: Suite[] }).suites) walk(suite);
  return titles;
}

test('every conformance check is accounted for, once, by every profile', () => {
  const titles = conformanceTitles();
  expect(titles.length).toBeGreaterThan(0);
  for (const [name, profile] of Object.entries(PROFILES)) {
    const unaccounted = titles.filter(title => treatmentOf(profile, title) === undefined);
    expect(unaccounted, `checks profile ${name} does not name`).toEqual([]);
  }
});

test('every entry of every profile names at least one conformance check', () => {
  const titles = conformanceTitles();
  for (const [name, profile] of Object.entries(PROFILES)) {
    const patterns = [...profile.asIs, ...profile.preferRules.map(rule => rule.pattern), ...profile.skip.map(rule => rule.pattern)];
    expect(patterns.filter(pattern => !titles.some(title => pattern.test(title))).map(String), `stale entries of profile ${name}`).toEqual([]);
  }
});
