// The nightly CI workflow (.github/workflows/nightly.yml), checked offline in npm test: first by a
// linter (action-validator: the workflow against the GitHub workflow schema of SchemaStore), then
// for the promises this project makes about it: nightly and on demand, secrets only from the
// repository's secrets, one job per connection given (its scripts run here with stand-ins for npx and
// npm), every report published, the Allure report deployed to Pages, a job summary, never two runs at once.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { validateWorkflow } from '@action-validator/core';
import { parse } from 'yaml';
import { test, expect } from '../fixtures';
import { CREDENTIAL_VARIABLES } from '../../../support/client/credential-settings';
import { PROJECT_ROOT } from '../../../support/report/paths';

const FILE = path.join(PROJECT_ROOT, '.github/workflows/nightly.yml');
const TEXT = fs.readFileSync(FILE, 'utf8');
const SECRETS = ['API_BASE_URL', 'STORAGE_CONNECTION_ID', 'IMS_CLIENT_ID', 'IMS_CLIENT_SECRET', 'IMS_AUTHORITY'];

interface Step {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
  'continue-on-error'?: boolean;
}
interface Job {
  needs?: string | string[];
  if?: string;
  env?: Record<string, string>;
  outputs?: Record<string, string>;
  permissions?: Record<string, string>;
  environment?: string | { name: string; url?: string };
  strategy?: { matrix?: { shard?: unknown } };
  steps: Step[];
}
interface Workflow {
  on: { schedule?: { cron: string }[]; workflow_dispatch?: unknown };
  concurrency?: { group?: string; 'cancel-in-progress'?: boolean };
  permissions?: Record<string, string>;
  jobs: Record<string, Job>;
}

const workflow = parse(TEXT) as Workflow;
const jobs = Object.entries(workflow.jobs);
const steps = (job: Job, uses: string) => job.steps.filter(step => step.uses?.startsWith(`${uses}@`));
const runs = (job: Job) => job.steps.map(step => step.run ?? '').join('\n');
const nameOf = (wanted: Job) => jobs.find(([, job]) => job === wanted)![0];
const needsOf = (job: Job) => ([] as string[]).concat(job.needs ?? []);
const shardJob = jobs.find(([, job]) => job.strategy?.matrix?.shard)?.[1];
const countJob = jobs.find(([, job]) => job.outputs && /GITHUB_OUTPUT/.test(runs(job)))?.[1];
const mergeJob = jobs.find(([, job]) => /playwright merge-reports/.test(runs(job)))?.[1];
const pagesJob = jobs.find(([, job]) => steps(job, 'actions/deploy-pages').length)?.[1];

/** Runs a step's script as GitHub's runners do (bash -eo pipefail), with npx and npm replaced by stand-ins that print their arguments. */
function runStep(script: string, env: Record<string, string>) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'workflow-step-'));
  for (const tool of ['npx', 'npm']) fs.writeFileSync(path.join(dir, tool), `#!/bin/sh\necho "${tool} $*"\n`, { mode: 0o755 });
  const output = path.join(dir, 'github-output'),
    summary = path.join(dir, 'step-summary');
  const run = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], {
    env: { PATH: `${dir}:${process.env.PATH}`, GITHUB_OUTPUT: output, GITHUB_STEP_SUMMARY: summary, ...env },
    encoding: 'utf8',
  });
  const read = (file: string) => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '');
  const result = { status: run.status, log: run.stdout + run.stderr, output: read(output), summary: read(summary) };
  fs.rmSync(dir, { recursive: true, force: true });
  return result;
}

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

test("secrets come only from the repository's secrets, as environment of the test jobs (and the ids' count)", () => {
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
  // The job that counts the connections sees their ids and nothing else.
  expect(countJob, 'a job that outputs the shards').toBeDefined();
  expect(JSON.stringify(countJob).match(/secrets\.\w+/g)).toEqual(['secrets.STORAGE_CONNECTION_ID']);
  expect(runs(countJob!), 'no secret expanded into a script').not.toContain('secrets.');
  for (const job of [mergeJob, pagesJob]) expect(JSON.stringify(job), `${nameOf(job!)} needs no secret`).not.toContain('secrets.');
});

test('one job per connection given: one id runs the whole suite unsharded, n ids run n shards', () => {
  const count = countJob!.steps.find(step => step.run?.includes('GITHUB_OUTPUT'))!;
  expect(count.env?.STORAGE_CONNECTION_ID).toBe('${{ secrets.STORAGE_CONNECTION_ID }}');
  expect(countJob!.outputs).toEqual({
    shards: `\${{ steps.${count.id}.outputs.shards }}`,
    total: `\${{ steps.${count.id}.outputs.total }}`,
  });
  const ids = ['QurbbkUxZn53inead22erEDtZqmMJMx_v6B5ntdUflc', 'JMYcIA2PuSlo4E5m38j5Zlrrr3NHyZD-j7ATWgbT5Fs', 'third-connection-id'];
  for (const [given, total] of [
    [ids[0]!, 1],
    [ids.join(','), 3],
    [` ${ids[0]} , ${ids[1]} ,`, 2],
  ] as const) {
    const run = runStep(count.run!, { STORAGE_CONNECTION_ID: given });
    expect(run.status, run.log).toBe(0);
    expect(run.output.split('\n').filter(Boolean).sort()).toEqual(
      [`shards=${JSON.stringify(Array.from({ length: total }, (_, i) => i + 1))}`, `total=${total}`].sort(),
    );
    for (const id of ids) expect(run.log + run.output, 'the ids stay out of the log and the outputs').not.toContain(id);
  }
  const none = runStep(count.run!, { STORAGE_CONNECTION_ID: ' ' });
  expect(none.status, 'no connection: the run stops with the fix').not.toBe(0);
  expect(none.log).toMatch(/^::error::STORAGE_CONNECTION_ID .*set/m);

  // The test job takes its matrix from those outputs and passes --shard only when there are shards.
  expect(needsOf(shardJob!)).toContain(nameOf(countJob!));
  expect(shardJob!.strategy!.matrix!.shard).toBe(`\${{ fromJSON(needs.${nameOf(countJob!)}.outputs.shards) }}`);
  const tests = shardJob!.steps.find(step => /npx playwright test/.test(step.run ?? ''))!;
  expect(tests.env).toEqual({ SHARD: '${{ matrix.shard }}', SHARDS: `\${{ needs.${nameOf(countJob!)}.outputs.total }}` });
  const argsOf = (shard: number, shards: number) => runStep(tests.run!, { SHARD: String(shard), SHARDS: String(shards) }).log.trim();
  expect(argsOf(1, 1)).toBe('npx playwright test');
  expect(argsOf(2, 3)).toBe('npx playwright test --shard=2/3');
  expect(argsOf(4, 4)).toBe('npx playwright test --shard=4/4');
  // The blob reporter comes from playwright.config.ts when PLAYWRIGHT_BLOB_OUTPUT_DIR is set (the configured reporters all run).
  expect(tests.run, 'no --reporter that would replace the configured ones').not.toContain('--reporter');
  expect(shardJob!.env!.PLAYWRIGHT_BLOB_OUTPUT_DIR, 'the blob report folder').toBeTruthy();
});

test('each shard uploads its own artifacts and the merge takes them all, also after failures', () => {
  const uploads = steps(shardJob!, 'actions/upload-artifact').map(step => step.with!);
  const downloads = steps(mergeJob!, 'actions/download-artifact').map(step => step.with!);
  for (const expected of [shardJob!.env!.PLAYWRIGHT_BLOB_OUTPUT_DIR, 'reports/allure-results']) {
    const upload = uploads.find(u => u.path === expected);
    expect(upload, `${expected} is uploaded`).toBeDefined();
    expect(upload!.name).toContain('${{ matrix.shard }}');
    const download = downloads.find(d =>
      [1, 2, 3, 4].every(shard => globMatches(String(d.pattern), String(upload!.name).replace('${{ matrix.shard }}', String(shard)))),
    );
    expect(download, `the merge job downloads every shard's ${expected}`).toMatchObject({ 'merge-multiple': true });
  }
  expect(needsOf(mergeJob!)).toContain(nameOf(shardJob!));
  expect(mergeJob!.if, 'the reports are merged also when shards fail').toMatch(/!cancelled\(\)|always\(\)/);
});

test("the merge job publishes one Playwright report, the drift, and one Allure report with earlier nights' history", () => {
  const script = runs(mergeJob!);
  const merge = /npx playwright merge-reports --reporter (\S+) \.\/all-blob-reports/.exec(script);
  expect(merge, 'merge-reports of every blob').not.toBeNull();
  const reporters = merge![1]!.split(',');
  expect(reporters).toContain('html');
  const drift = reporters.find(reporter => reporter.endsWith('contract-reporter.ts'));
  expect(drift && fs.existsSync(path.join(PROJECT_ROOT, drift)), 'the drift reporter reads every shard').toBe(true);
  expect(mergeJob!.env?.CONFORMANCE_REPORTS_DIR).toBe('reports');
  expect(script).toMatch(/npx allure generate reports\/allure-results/);
  const order = mergeJob!.steps.map(step => step.uses?.split('@')[0] ?? step.run?.split(' ').slice(0, 3).join(' '));
  const merged = order.indexOf('npx playwright merge-reports'),
    generate = order.indexOf('npx allure generate');
  for (const history of ['reports/allure-history.jsonl', 'reports/drift-history.json']) {
    const at = (uses: string) => mergeJob!.steps.findIndex(step => step.uses?.startsWith(`${uses}@`) && step.with?.path === history);
    const [restore, save] = [at('actions/cache/restore'), at('actions/cache/save')];
    expect(restore, `${history}: restored, then used, then saved`).toBeGreaterThanOrEqual(0);
    expect([restore < merged, restore < generate, generate < save, merged < save]).toEqual([true, true, true, true]);
    const prefix = String(mergeJob!.steps[restore]!.with!['restore-keys']);
    expect(String(mergeJob!.steps[save]!.with!.key).startsWith(prefix) && prefix.length > 0, 'the newest history of an earlier run').toBe(
      true,
    );
  }
  const published = steps(mergeJob!, 'actions/upload-artifact').map(step => String(step.with!.path));
  expect(published).toEqual(expect.arrayContaining(['reports/allure-report', 'reports/playwright-report']));
  expect(published.join('\n')).toMatch(/reports\/summary\.md[\s\S]*reports\/drift\.json|reports\/drift\.json[\s\S]*reports\/summary\.md/);
});

test('the Allure report is deployed to GitHub Pages by a job of its own, with only the permissions Pages needs', () => {
  const upload = mergeJob!.steps.findIndex(step => step.uses?.startsWith('actions/upload-pages-artifact@'));
  expect(upload, 'the report job uploads the site').toBeGreaterThan(
    mergeJob!.steps.findIndex(step => /allure generate/.test(step.run ?? '')),
  );
  expect(mergeJob!.steps[upload]!.with?.path).toBe('reports/allure-report');
  expect(pagesJob, 'a job deploying to Pages').toBeDefined();
  expect(needsOf(pagesJob!)).toContain(nameOf(mergeJob!));
  expect(pagesJob!.if, 'deployed also after failed checks, once the report is made').toMatch(
    /!cancelled\(\).*needs\.\w+\.result == 'success'/,
  );
  expect(pagesJob!.permissions).toEqual({ pages: 'write', 'id-token': 'write' });
  expect(typeof pagesJob!.environment === 'object' ? pagesJob!.environment.name : pagesJob!.environment).toBe('github-pages');
  const deploy = steps(pagesJob!, 'actions/deploy-pages')[0]!;
  expect(pagesJob!.environment).toMatchObject({ url: `\${{ steps.${deploy.id}.outputs.page_url }}` });
  expect(Object.values(workflow.permissions ?? {}), 'the other jobs cannot write').not.toContain('write');
  for (const [name, job] of jobs.filter(([, job]) => job !== pagesJob))
    expect(Object.values(job.permissions ?? {}), `${name} cannot write`).not.toContain('write');
});

test("the report job writes the run's summary, with the Pages URL, to the run's page", () => {
  const configure = steps(mergeJob!, 'actions/configure-pages')[0]!;
  expect(configure.id, 'configure-pages gives the site URL').toBeTruthy();
  expect(configure['continue-on-error'], 'a repository without Pages still gets its summary').toBe(true);
  const summary = mergeJob!.steps.find(step => /npm run --silent summary/.test(step.run ?? ''))!;
  expect(summary, 'a step runs npm run summary').toBeDefined();
  expect(summary.if, 'also after failed checks').toMatch(/!cancelled\(\)|always\(\)/);
  expect(Object.values(summary.env ?? {})).toContain(`\${{ steps.${configure.id}.outputs.base_url }}`);
  const variable = Object.keys(summary.env!)[0]!;
  const url = 'https://example.github.io/conformance';
  const linked = runStep(summary.run!, { [variable]: url });
  expect(linked.status, linked.log).toBe(0);
  expect(linked.summary.trim()).toBe(`npm run --silent summary -- reports --report-url ${url}`);
  expect(runStep(summary.run!, { [variable]: '' }).summary.trim(), 'no Pages yet: no link').toBe('npm run --silent summary -- reports');
  const scripts = (JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> })
    .scripts;
  expect(scripts.summary).toMatch(/scripts\/summary\.ts/);
});

test('every job that runs npm installs with npm ci on Node 20 and every action is pinned to a version', () => {
  for (const [name, job] of jobs) {
    if (/\bnp[mx] /.test(runs(job))) {
      expect(steps(job, 'actions/setup-node')[0]?.with?.['node-version'], name).toBe(20);
      expect(runs(job), name).toMatch(/^npm ci\b/m);
    }
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
