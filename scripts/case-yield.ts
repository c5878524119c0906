// `npx tsx scripts/case-yield.ts` (npm run case-yield): what the generated checks find per request, to set
// their default case count (CONFORMANCE_GENERATED_CASES) by measurement (issue 22). For each fault of the
// embedded mock whose caughtBy names a generated check (@generated, @generated-update, @generated-invalid),
// and for the mock with no fault (the control: it must pass, and its count is what a passing run costs),
// it runs tests/conformance/generated.spec.ts alone at each case count and each fixed seed, and counts the
// runs in which one of the three generated checks failed, and the requests the mock received.
// Seeds and counts are fixed so the study replays; CASE_YIELD_SEEDS and CASE_YIELD_COUNTS (comma-separated)
// override them, CASE_YIELD_MAX_MINUTES (default 20) bounds the time: no run starts after it, and the table
// says how many seeds each cell got. Two child runs at most at once. The table is printed and written to
// reports/case-yield.md. Only 127.0.0.1 is contacted: runConformance blanks the live-target variables.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BEHAVIOURS } from '../mock/behaviours';
import { PROPERTY_KEYS } from '../support/generate/cases';
import { PROJECT_ROOT } from '../support/report/paths';
import { runConformance, type ConformanceRun } from '../tests/self/helpers/child-run';

const SPEC = 'tests/conformance/generated.spec.ts';
const OUT_DIR = path.join(PROJECT_ROOT, 'reports', 'case-yield');
const TABLE_FILE = path.join(PROJECT_ROOT, 'reports', 'case-yield.md');
/** The seeds of the study: fixed, so that it replays. */
const SEEDS = [1, 7, 42, 1009, 31337, 271828, 20261130, 987654321];
const COUNTS = [1, 2, 5, 10, 15, 20, 40];
const CONCURRENCY = 2;
/** A run that broke for a reason of its own (no tests collected, e.g. a compile error mid-edit) is retried after this. */
const RETRY_AFTER_MS = 60_000;
const RETRIES = 3;
/** The control row: the mock with no fault. */
const NONE = '(no fault)';

const GENERATED_TAGS = ['@generated', '@generated-update', '@generated-invalid'];
const FAULTS = Object.entries(BEHAVIOURS)
  .filter(([, entry]) => entry.kind === 'fault' && (entry.caughtBy ?? []).some(tag => GENERATED_TAGS.includes(tag)))
  .map(([name]) => name);

/** A comma-separated list of whole numbers, or the fallback when unset. */
function numbers(name: string, fallback: number[]): number[] {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const values = raw.split(',').map(value => value.trim());
  if (values.some(value => !/^\d+$/.test(value))) throw new Error(`${name} "${raw}" is not a comma-separated list of whole numbers.`);
  return values.map(Number);
}

interface Job {
  fault: string;
  cases: number;
  seed: number;
}

interface Outcome extends Job {
  /** The generated checks that failed (their PROPERTY_KEYS). */
  caughtBy: string[];
  requests: number;
  wallMs: number;
}

const CHECK_NAMES = Object.values(PROPERTY_KEYS);

/** One child run, retried when it broke for a reason unrelated to the fault. */
async function runJob(job: Job, slot: number): Promise<Outcome> {
  for (let attempt = 0; ; attempt++) {
    const run: ConformanceRun = await runConformance({
      reportsDir: path.join(OUT_DIR, `slot-${slot}`),
      behaviour: job.fault === NONE ? '' : job.fault,
      env: { CONFORMANCE_GENERATED_CASES: String(job.cases), CONFORMANCE_SEED: String(job.seed) },
      args: [SPEC],
    });
    const printed = /The embedded mock received (\d+) requests/.exec(run.output)?.[1];
    const requests = run.mockRequests ?? (printed === undefined ? undefined : Number(printed));
    const broken = run.tests.length !== CHECK_NAMES.length || (job.cases > 0 && run.skipped > 0) || requests === undefined;
    if (!broken) {
      const failed = run.tests.filter(test => ['failed', 'timedOut', 'interrupted'].includes(test.status));
      const caughtBy = CHECK_NAMES.filter(name => failed.some(test => test.title.includes(`› ${name}:`)));
      return { ...job, caughtBy, requests: requests!, wallMs: run.wallMs };
    }
    const why = `${run.tests.length} tests, exit ${run.exitCode}: ${run.output.trim().split('\n').slice(-3).join(' | ')}`;
    if (attempt >= RETRIES) throw new Error(`the run ${JSON.stringify(job)} broke ${RETRIES + 1} times (${why})`);
    console.error(`the run ${JSON.stringify(job)} broke (${why}); retrying in ${RETRY_AFTER_MS / 1000} s`);
    await new Promise(resolve => setTimeout(resolve, RETRY_AFTER_MS));
  }
}

const mean = (values: number[]) => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : NaN);
const short = (name: string) => name.replace('generated ', '').replace('bodies that are not a JSON object', 'not objects');

function table(outcomes: Outcome[], counts: number[], seeds: number[], overhead: number, minutes: number): string {
  const cell = (fault: string, cases: number) => outcomes.filter(o => o.fault === fault && o.cases === cases);
  const rate = (runs: Outcome[]) => runs.filter(o => o.caughtBy.length).length / runs.length;
  const lines = [
    `# Generated checks: detections per case count`,
    ``,
    `${new Date().toISOString()}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}; \`npx tsx scripts/case-yield.ts\`, ${minutes.toFixed(1)} min of runs.`,
    `Each cell: runs of \`${SPEC}\` alone (three generated checks) in which a generated check failed, out of the seeds run;`,
    `seeds ${seeds.join(', ')} (CONFORMANCE_SEED), CONFORMANCE_GENERATED_CASES = the column.`,
    ``,
    `| fault | caught by | ${counts.map(n => `${n} cases`).join(' | ')} |`,
    `| --- | --- | ${counts.map(() => '---:').join(' | ')} |`,
  ];
  for (const fault of [...FAULTS, NONE]) {
    const by = CHECK_NAMES.filter(name => outcomes.some(o => o.fault === fault && o.caughtBy.includes(name))).map(short);
    const cells = counts.map(n => cell(fault, n)).map(runs => `${runs.filter(o => o.caughtBy.length).length}/${runs.length}`);
    lines.push(`| ${fault} | ${by.join(', ') || '—'} | ${cells.join(' | ')} |`);
  }
  const passing = counts.map(n => mean(cell(NONE, n).map(o => o.requests)));
  const all = counts.map(n => mean(outcomes.filter(o => o.cases === n).map(o => o.requests)));
  const caught = counts.map(n => FAULTS.reduce((sum, fault) => sum + rate(cell(fault, n)), 0));
  const row = (label: string, values: string[]) => `| ${label} | | ${values.join(' | ')} |`;
  lines.push(
    row(
      '**requests of a passing run** (mean, no fault)',
      passing.map(v => v.toFixed(1)),
    ),
    row(
      'requests of a run, all rows (mean, shrinking included)',
      all.map(v => v.toFixed(1)),
    ),
    row(
      `**faults caught per run** (of ${FAULTS.length}, sum of the rates)`,
      caught.map(v => v.toFixed(2)),
    ),
    row(
      '**detections per 100 requests** (of a passing run)',
      caught.map((v, i) => ((100 * v) / passing[i]!).toFixed(2)),
    ),
    row(
      'wall time of a run (mean, s)',
      counts.map(n => (mean(outcomes.filter(o => o.cases === n).map(o => o.wallMs)) / 1000).toFixed(1)),
    ),
    ``,
    `The requests are the mock's count printed by each run ("The embedded mock received N requests"), the run's setup`,
    `included: ${overhead} with CONFORMANCE_GENERATED_CASES=0. The row ${NONE} is the control: a generated check failing there is not a detection.`,
  );
  return lines.join('\n') + '\n';
}

async function main(): Promise<void> {
  const seeds = numbers('CASE_YIELD_SEEDS', SEEDS);
  const counts = numbers('CASE_YIELD_COUNTS', COUNTS);
  const maxMinutes = numbers('CASE_YIELD_MAX_MINUTES', [20])[0]!;
  const started = Date.now();
  const deadline = started + maxMinutes * 60_000;
  const overhead = (await runJob({ fault: NONE, cases: 0, seed: seeds[0]! }, 0)).requests;
  // Seed by seed, so that a study cut short by the deadline has the same seeds in every cell.
  const jobs: Job[] = seeds.flatMap(seed => counts.flatMap(cases => [...FAULTS, NONE].map(fault => ({ fault, cases, seed }))));
  console.log(`${jobs.length} runs: faults ${FAULTS.join(', ')} and ${NONE}; counts ${counts.join(', ')}; seeds ${seeds.join(', ')}`);
  const outcomes: Outcome[] = [];
  let next = 0;
  const worker = async (slot: number) => {
    while (next < jobs.length && Date.now() < deadline) {
      const job = jobs[next++]!;
      const outcome = await runJob(job, slot);
      outcomes.push(outcome);
      console.log(
        `[${outcomes.length}/${jobs.length}] ${job.fault} cases=${job.cases} seed=${job.seed}: ${outcome.caughtBy.map(short).join(', ') || 'passed'}, ${outcome.requests} requests, ${(outcome.wallMs / 1000).toFixed(1)} s`,
      );
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, (_, slot) => worker(slot)));
  if (next < jobs.length) console.log(`stopped at the deadline (${maxMinutes} min): ${jobs.length - next} runs not started`);
  const markdown = table(outcomes, counts, seeds, overhead, (Date.now() - started) / 60_000);
  fs.mkdirSync(path.dirname(TABLE_FILE), { recursive: true });
  fs.writeFileSync(TABLE_FILE, markdown);
  fs.writeFileSync(path.join(OUT_DIR, 'outcomes.json'), JSON.stringify(outcomes, null, 2));
  console.log(`\n${markdown}\nWritten to ${path.relative(PROJECT_ROOT, TABLE_FILE)}.`);
}

main().catch(error => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
