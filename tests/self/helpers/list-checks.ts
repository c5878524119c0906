// The conformance checks as Playwright lists them (`playwright test --list`): each one's title and the
// tags it declares. Self-tests derive their expectations from this, not from a count copied by hand.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { PROJECT_ROOT } from '../../../support/report/paths';

interface Suite {
  file?: string;
  specs?: { title: string; tags?: string[] }[];
  suites?: Suite[];
}

export interface ListedCheck {
  title: string;
  tags: string[];
  /** Its spec file, from the project's root (tests/conformance/...). */
  file: string;
}

let listed: ListedCheck[] | undefined;

/** Listed once per process (a listing loads every check: seconds). */
export function listChecks(): ListedCheck[] {
  listed ??= list();
  return listed;
}

function list(): ListedCheck[] {
  // Nor the JSON reporter's file of an outer run (npm test under PLAYWRIGHT_JSON_OUTPUT_NAME): the listing is read from stdout.
  const env = Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => !/^(API_|STORAGE_CONNECTION_ID|CONFORMANCE_|MOCK_|IMS_|PLAYWRIGHT_JSON_OUTPUT_)/.test(name),
    ),
  );
  const cli = require.resolve('@playwright/test/cli');
  const run = spawnSync(process.execPath, [cli, 'test', '--list', '--reporter=json'], { cwd: PROJECT_ROOT, env, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`playwright test --list failed: ${run.stderr}`);
  const checks: ListedCheck[] = [];
  const walk = (suite: Suite, file: string) => {
    // The JSON reporter strips the '@' of each tag; put it back, as the checks declared them.
    for (const spec of suite.specs ?? []) checks.push({ title: spec.title, tags: (spec.tags ?? []).map(tag => `@${tag}`), file });
    for (const inner of suite.suites ?? []) walk(inner, file);
  };
  // The file suites name their file from the config's test folder (rootDir in the listing).
  const listing = JSON.parse(run.stdout) as { config: { rootDir: string }; suites: Suite[] };
  for (const suite of listing.suites) walk(suite, path.relative(PROJECT_ROOT, path.join(listing.config.rootDir, suite.file ?? '')));
  return checks;
}
