// The nightly CI workflow (.github/workflows/nightly.yml), checked offline in npm test: first by a
// linter (action-validator: the workflow against the GitHub workflow schema of SchemaStore), then
// for the promises this project makes about it: nightly and on demand, secrets only from the
// repository's secrets, shards that add up, every report published, never two runs at once.
import fs from 'node:fs';
import path from 'node:path';
import { validateWorkflow } from '@action-validator/core';
import { parse } from 'yaml';
import { test, expect } from './fixtures';
import { CREDENTIAL_VARIABLES } from '../../support/run/credential-settings';
import { PROJECT_ROOT } from '../../support/run/paths';

const FILE = path.join(PROJECT_ROOT, '.github/workflows/nightly.yml');
const TEXT = fs.readFileSync(FILE, 'utf8');
const SECRETS = ['API_BASE_URL', 'STORAGE_CONNECTION_ID', 'IMS_CLIENT_ID', 'IMS_CLIENT_SECRET', 'IMS_AUTHORITY'];

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Job {
  needs?: string | string[];
  if?: string;
  env?: Record<string, string>;
  strategy?: { matrix?: { shard?: number[] } };
  steps: Step[];
}
interface Workflow {
  on: { schedule?: { cron: string }[]; workflow_dispatch?: unknown };
  concurrency?: { group?: string; 'cancel-in-progress'?: boolean };
  jobs: Record<string, Job>;
}

const workflow = parse(TEXT) as Workflow;
const jobs = Object.entries(workflow.jobs);
const steps = (job: Job, uses: string) => job.steps.filter(step => step.uses?.startsWith(`${uses}@`));
const runs = (job: Job) => job.steps.map(step => step.run ?? '').join('\n');
const shardJob = jobs.find(([, job]) => job.strategy?.matrix?.shard)?.[1];
const mergeJob = jobs.find(([, job]) => /playwright merge-reports/.test(runs(job)))?.[1];

test('the linter finds no problem in the workflow', () => {
  const { errors } = validateWorkflow(TEXT);
  expect(errors, JSON.stringify(errors, null, 2)).toEqual([]);
});

test('the linter catches a broken workflow (so a pass means something)', () => {
  const broken = TEXT.replace('runs-on: ubuntu-latest', 'runs_on: ubuntu-latest').replace(
    'cancel-in-progress: false',
    'cancel-in-progress: maybe',
  );
  const paths = validateWorkflow(broken).errors.map(error => ('path' in error ? error.path : ''));
  expect(paths).toEqual(expect.arrayContaining(['/concurrency', expect.stringMatching(/^\/jobs\//)]));
});

test('it runs nightly and on demand, never two runs at once', () => {
  expect(workflow.on.schedule?.[0]?.cron).toMatch(/^\S+ \S+ \* \* \*$/);
  expect(workflow.on).toHaveProperty('workflow_dispatch');
  expect(workflow.concurrency?.group, 'one concurrency group for every run').toMatch(/^[\w-]+$/);
  expect(workflow.concurrency?.['cancel-in-progress'], 'a run is never cut off halfway').toBe(false);
});

test("secrets come only from the repository's secrets, as environment of the shards", () => {
  const code = TEXT.split('\n')
    .filter(line => !/^\s*#/.test(line))
    .join('\n');
  expect(code.replace(/\$\{\{ secrets\.[A-Z][A-Z0-9_]* \}\}/g, ''), 'secrets only as ${{ secrets.NAME }}').not.toMatch(/secrets/i);
  expect(shardJob, 'a job with a shard matrix').toBeDefined();
  for (const name of SECRETS) expect(shardJob!.env?.[name]).toBe(`\${{ secrets.${name} }}`);
  for (const name of CREDENTIAL_VARIABLES) {
    const value = shardJob!.env?.[name];
    if (value !== undefined) expect(value, `${name} is never written in the file`).toBe(`\${{ secrets.${name} }}`);
  }
  expect(runs(shardJob!), 'no secret expanded into a script').not.toContain('secrets.');
  expect(JSON.stringify(mergeJob), 'the merge job needs no secret').not.toContain('secrets.');
});

test('the shards add up: 1..N, each runs its own share, each uploads its own artifacts, the merge takes them all', () => {
  const shards = shardJob!.strategy!.matrix!.shard!;
  expect(shards.length).toBeGreaterThan(1);
  expect(shards).toEqual(shards.map((_, index) => index + 1));
  const command = runs(shardJob!);
  expect(command).toMatch(
    new RegExp(
      `npx playwright test --shard=\\$\\{\\{ matrix\\.shard \\}\\}/(\\$\\{\\{ strategy\\.job-total \\}\\}|${shards.length})(\\s|$)`,
    ),
  );
  // The blob reporter: given on the command line, or added by playwright.config.ts when
  // PLAYWRIGHT_BLOB_OUTPUT_DIR is set (then the configured reporters, Allure's included, all run).
  if (!/--reporter=\S*\bblob\b/.test(command)) {
    expect(command, 'no --reporter that would replace the configured ones').not.toContain('--reporter');
    expect(shardJob!.env!.PLAYWRIGHT_BLOB_OUTPUT_DIR, 'the blob report folder').toBeTruthy();
  }
  const uploads = steps(shardJob!, 'actions/upload-artifact').map(step => step.with!);
  const downloads = steps(mergeJob!, 'actions/download-artifact').map(step => step.with!);
  const blobDir = shardJob!.env!.PLAYWRIGHT_BLOB_OUTPUT_DIR;
  for (const expected of [blobDir, 'reports/allure-results']) {
    const upload = uploads.find(u => u.path === expected);
    expect(upload, `${expected} is uploaded`).toBeDefined();
    expect(upload!.name).toContain('${{ matrix.shard }}');
    const download = downloads.find(d =>
      shards.every(shard => globMatches(String(d.pattern), String(upload!.name).replace('${{ matrix.shard }}', String(shard)))),
    );
    expect(download, `the merge job downloads every shard's ${expected}`).toMatchObject({ 'merge-multiple': true });
  }
  expect([].concat(mergeJob!.needs as never)).toContain(jobs.find(([, job]) => job === shardJob)![0]);
  expect(mergeJob!.if, 'the reports are merged also when shards fail').toMatch(/!cancelled\(\)|always\(\)/);
});

test("the merge job publishes one Playwright report and one Allure report with last night's history", () => {
  const script = runs(mergeJob!);
  expect(script).toMatch(/npx playwright merge-reports --reporter html \.\/all-blob-reports/);
  expect(script).toMatch(/npx allure generate reports\/allure-results/);
  const order = mergeJob!.steps.map(step => step.uses?.split('@')[0] ?? step.run?.split(' ').slice(0, 3).join(' '));
  const restore = order.indexOf('actions/cache/restore'),
    generate = order.indexOf('npx allure generate'),
    save = order.indexOf('actions/cache/save');
  expect(restore, 'history restored, then the report generated, then history saved').toBeGreaterThanOrEqual(0);
  expect([restore < generate, generate < save]).toEqual([true, true]);
  const history = steps(mergeJob!, 'actions/cache/restore')[0]!.with!;
  expect(history.path).toBe('reports/allure-history.jsonl');
  expect(history['restore-keys'], 'the newest history of an earlier run').toBeTruthy();
  const published = steps(mergeJob!, 'actions/upload-artifact').map(step => step.with!.path);
  expect(published).toEqual(expect.arrayContaining(['reports/allure-report', 'reports/playwright-report']));
});

test('every job installs with npm ci on Node 20 and every action is pinned to a version', () => {
  for (const [name, job] of jobs) {
    expect(steps(job, 'actions/setup-node')[0]?.with?.['node-version'], name).toBe(20);
    expect(runs(job), name).toMatch(/^npm ci\b/m);
    for (const step of job.steps.filter(s => s.uses)) expect(step.uses, name).toMatch(/^[\w-]+\/[\w/-]+@(v\d+(\.\d+)*|[0-9a-f]{40})$/);
  }
});

/** GitHub's artifact patterns: `*` matches any run of characters. */
function globMatches(pattern: string, name: string): boolean {
  const source = pattern
    .split('*')
    .map(part => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`).test(name);
}
