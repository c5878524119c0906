// What a Playwright process of the suite pays before its first check (issue 22, "cheap failures"):
//   - imports: playwright.config.ts (which the runner and every worker load) and then
//     support/checks/fixtures.ts (which every spec file loads), each timed in a fresh node process
//     under tsx, with the modules it loaded; the median of the rounds;
//   - worker starts in a real run: from a run's JSON report, the gap between one check's end and the
//     next one's start, where the next runs in a new worker (Playwright starts one after each failed
//     check: the old one's teardown, a process, the config, the spec file and the worker fixtures)
//     next to where it runs in the same worker.
// `npx tsx scripts/bench/startup.ts` prints both (BENCH_RUNS rounds, default 5; the worker figure from
// one failing run of the suite, scripts/bench/failing-run.ts); `npm run bench` has the same rows.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { CONFIG_VARIABLES } from '../../support/run/config';
import { PROJECT_ROOT } from '../../support/report/paths';
import { runConformance } from '../../tests/self/helpers/child-run';
import { FAILING_RUN_FAULTS } from './failing-run';
import { median } from './runs';

export interface ImportTimes {
  /** Milliseconds to require playwright.config.ts, then support/checks/fixtures.ts after it: wall time, and CPU time (user + system, steadier on a busy machine). */
  configMs: number;
  fixturesMs: number;
  configCpuMs: number;
  fixturesCpuMs: number;
  /** Then the first validation against a schema (a check's first response): with lazy validators, their load is here. */
  firstValidationMs: number;
  /** Modules in the require cache after each (node_modules included). */
  configModules: number;
  fixturesModules: number;
}

/** Runs in the fresh process: the two requires, timed, as one line of JSON. */
const IMPORT_PROBE = `
const cpu = since => { const { user, system } = process.cpuUsage(since); return (user + system) / 1000; };
const started = performance.now();
const startedCpu = process.cpuUsage();
require('./playwright.config.ts');
const configMs = performance.now() - started;
const configCpuMs = cpu(startedCpu);
const configModules = Object.keys(require.cache).length;
const after = performance.now();
const afterCpu = process.cpuUsage();
require('./support/checks/fixtures.ts');
const fixturesMs = performance.now() - after;
const fixturesCpuMs = cpu(afterCpu);
const fixturesModules = Object.keys(require.cache).length;
const beforeValidation = performance.now();
require('./support/contract/schemas.ts').violationsOf('StorageConnectionResponse', {});
const firstValidationMs = performance.now() - beforeValidation;
console.log(JSON.stringify({ configMs, fixturesMs, configCpuMs, fixturesCpuMs, firstValidationMs, configModules, fixturesModules }));
`;

/** One round: a fresh node process with tsx's require hook, against the embedded mock's configuration (env, as a child run has it). */
export function importRound(env: Record<string, string> = {}): ImportTimes {
  const blank = Object.fromEntries(CONFIG_VARIABLES.map(name => [name, '']));
  const child = spawnSync(process.execPath, ['--require', 'tsx/cjs', '-e', IMPORT_PROBE], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, ...blank, ...env },
    encoding: 'utf8',
  });
  const line = child.stdout.trim().split('\n').at(-1) ?? '';
  if (child.status !== 0 || !line.startsWith('{'))
    throw new Error(`the import probe exited ${child.status}:\n${child.stderr.slice(-2000)}`);
  return JSON.parse(line) as ImportTimes;
}

export interface WorkerGaps {
  /** Workers the run started. */
  workers: number;
  /** Gaps between a check's end and the next one's start, in milliseconds: into a new worker, and within one. */
  newWorker: number[];
  sameWorker: number[];
}

/** The gaps of a run, from its JSON report (Playwright's results carry their worker, start and duration). */
export function workerGaps(resultsFile: string): WorkerGaps {
  interface Suite {
    specs?: { tests: { results: { workerIndex: number; startTime: string; duration: number }[] }[] }[];
    suites?: Suite[];
  }
  const results = (suite: Suite): { workerIndex: number; startTime: string; duration: number }[] => [
    ...(suite.specs ?? []).flatMap(spec => spec.tests.flatMap(test => test.results)),
    ...(suite.suites ?? []).flatMap(results),
  ];
  const all = (JSON.parse(fs.readFileSync(resultsFile, 'utf8')) as { suites: Suite[] }).suites
    .flatMap(results)
    // Skipped checks that never ran have no worker.
    .filter(r => r.workerIndex >= 0)
    .map(r => ({ worker: r.workerIndex, start: Date.parse(r.startTime), end: Date.parse(r.startTime) + r.duration }))
    .sort((a, b) => a.start - b.start);
  const gaps: WorkerGaps = { workers: new Set(all.map(r => r.worker)).size, newWorker: [], sameWorker: [] };
  for (let index = 1; index < all.length; index++) {
    const [previous, next] = [all[index - 1]!, all[index]!];
    (next.worker === previous.worker ? gaps.sameWorker : gaps.newWorker).push(next.start - previous.end);
  }
  return gaps;
}

/** The suite once against the failing run's faults, with its gaps. */
export async function failingRunGaps(reportsDir: string): Promise<WorkerGaps & { failed: number; wallMs: number }> {
  const run = await runConformance({ reportsDir, behaviour: FAILING_RUN_FAULTS.join(',') });
  const file = path.join(run.reportsDir, 'results.json');
  if (run.exitCode !== 1 || !fs.existsSync(file))
    throw new Error(`the failing run exited ${run.exitCode}, not 1:\n${run.output.slice(-2000)}`);
  return { ...workerGaps(file), failed: run.failed, wallMs: run.wallMs };
}

/** The startup figures as rows of the bench table: medians of `imports` rounds, and the gaps of one run. */
export function startupRows(imports: ImportTimes[], withBehaviour: ImportTimes[], gaps: WorkerGaps): [string, string][] {
  const ms = (value: number) => `${Math.round(value)} ms`;
  const worker = median(gaps.newWorker);
  const same = median(gaps.sameWorker);
  return [
    [
      'import playwright.config.ts (fresh node + tsx; the runner and each worker)',
      `${ms(median(imports.map(i => i.configMs)))}, CPU ${ms(median(imports.map(i => i.configCpuMs)))} (${median(imports.map(i => i.configModules))} modules)`,
    ],
    [
      '  then support/checks/fixtures.ts (each spec file)',
      `${ms(median(imports.map(i => i.fixturesMs)))}, CPU ${ms(median(imports.map(i => i.fixturesCpuMs)))} (${median(imports.map(i => i.fixturesModules))} modules in all)`,
    ],
    ["  then the first validation against a schema (a check's first response)", ms(median(imports.map(i => i.firstValidationMs)))],
    [
      '  playwright.config.ts with MOCK_BEHAVIOUR set (a kill-matrix run)',
      `${ms(median(withBehaviour.map(i => i.configMs)))}, CPU ${ms(median(withBehaviour.map(i => i.configCpuMs)))}`,
    ],
    [
      `one worker start in a failing run: gap into a new worker / within one (median, ${gaps.newWorker.length} / ${gaps.sameWorker.length} gaps)`,
      `${ms(worker)} / ${ms(same)}`,
    ],
  ];
}

async function main(): Promise<void> {
  const runs = Number(process.env.BENCH_RUNS || 5);
  const imports: ImportTimes[] = [];
  const withBehaviour: ImportTimes[] = [];
  for (let index = 0; index < runs; index++) {
    imports.push(importRound());
    withBehaviour.push(importRound({ MOCK_BEHAVIOUR: FAILING_RUN_FAULTS.join(',') }));
  }
  const gaps = await failingRunGaps(path.join(PROJECT_ROOT, 'reports', 'bench', 'startup'));
  for (const [name, value] of startupRows(imports, withBehaviour, gaps)) console.log(`${name}: ${value}`);
  console.log(`(the failing run: ${gaps.failed} checks failed, ${gaps.workers} workers, ${(gaps.wallMs / 1000).toFixed(1)} s)`);
}

if (require.main === module)
  main().catch(error => {
    console.error(`Startup benchmark failed: ${(error as Error).message}`);
    process.exit(1);
  });
