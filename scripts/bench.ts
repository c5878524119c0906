// `npm run bench`: what a conformance run costs, as medians of BENCH_RUNS runs (default 5, 1 for a quick look):
//   - wall time of the suite against the embedded mock (`playwright test`, and `npm run conformance`
//     with its JUnit, HTML and Allure reports) next to the floor: the runner starting and running one
//     empty test (scripts/bench-floor/, a folder no other run collects). The ratio is the figure to watch;
//   - the requests one run sends, split into the 429 probe and everything else;
//   - what the generated checks (tests/conformance/generated.spec.ts) add: the suite run again with
//     CONFORMANCE_GENERATED_CASES=0 (the generated checks skipped), and the requests they sent;
//   - a failing run: the suite against a composition of faults in which about twenty checks fail
//     (scripts/bench/failing-run.ts), its checks failed, its ratio to a passing run (target <= 1.5), and
//     where the difference goes: the workers started (one after each failure) and the checks' own time;
//     next to it, Playwright's own cost of as many failures (the floor with that many empty tests that fail),
//     which no suite on this runner can go below;
//   - the suite with MOCK_LATENCY_MS=150 (each answer of the mock 150 ms late, as over a network) and
//     its ratio to the suite at 0 ms (target <= 1.25);
//   - the mock's throughput (requests/s) under a short load from a second process on loopback, bounded
//     in count and time (scripts/bench/load.ts);
//   - what a Playwright process pays before its first check: importing playwright.config.ts and the
//     fixtures in a fresh process, and one worker start in the failing run (scripts/bench/startup.ts).
// The table is printed and written to reports/bench.md, with the date and the machine.
// Only 127.0.0.1 is ever contacted; the live-target variables are blanked by runConformance.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { StorageConnectionMock } from '../mock/server';
import { PROJECT_ROOT } from '../support/report/paths';
import { FAILING_RUN_FAULTS, FAILING_RUN_TARGET } from './bench/failing-run';
import { LOAD, throughputRound } from './bench/load';
import { allureRun, BENCH_DIR, floorRun, median, seconds, suiteRun, type SuiteRun } from './bench/runs';
import { importRound, startupRows, workerGaps, type ImportTimes } from './bench/startup';

/** A whole number of rounds from 1; unset: 5. */
function benchRuns(raw = process.env.BENCH_RUNS): number {
  if (raw === undefined || raw === '') return 5;
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > 100)
    throw new Error(`BENCH_RUNS "${raw}" is not a whole number from 1 to 100: set it to the runs of each figure (default 5).`);
  return Number(raw);
}

/** The figures of the last benchmark, as Markdown. */
const BENCH_FILE = path.join(PROJECT_ROOT, 'reports', 'bench.md');
/** The latency of the slow-network figure, and its target ratio to 0 ms (issue 22). */
const LATENCY_MS = 150;
const LATENCY_TARGET = 1.25;

async function main(): Promise<void> {
  const RUNS = benchRuns();
  console.log(`Benchmark: ${RUNS} run(s) of each, medians (BENCH_RUNS to change).`);
  const floor: number[] = [];
  const failingFloor: number[] = [];
  const suite: SuiteRun[] = [];
  const withoutGenerated: SuiteRun[] = [];
  const npm: SuiteRun[] = [];
  const reporters: SuiteRun[] = [];
  const allure: number[] = [];
  const failing: SuiteRun[] = [];
  const slow: SuiteRun[] = [];
  const imports: ImportTimes[] = [];
  const importsWithBehaviour: ImportTimes[] = [];
  // Interleaved, so a burst of load elsewhere on the machine spreads over all of them.
  for (let index = 0; index < RUNS; index++) {
    floor.push(await floorRun(index));
    suite.push(await suiteRun(index, { name: 'json' }));
    withoutGenerated.push(await suiteRun(index, { name: 'json-no-generated', env: { CONFORMANCE_GENERATED_CASES: '0' } }));
    npm.push(await suiteRun(index, { name: 'configured', reporters: 'configured' }));
    reporters.push(await suiteRun(index, { name: 'playwright', reporters: 'playwright' }));
    allure.push(allureRun(index));
    failing.push(await suiteRun(index, { name: 'failing', behaviour: FAILING_RUN_FAULTS.join(',') }));
    failingFloor.push(await floorRun(index, failing.at(-1)!.failed));
    slow.push(await suiteRun(index, { name: `latency-${LATENCY_MS}`, env: { MOCK_LATENCY_MS: String(LATENCY_MS) } }));
    imports.push(importRound());
    importsWithBehaviour.push(importRound({ MOCK_BEHAVIOUR: FAILING_RUN_FAULTS.join(',') }));
    console.log(
      `  round ${index + 1}: floor ${floor.at(-1)} ms, suite ${suite.at(-1)!.ms} ms (${withoutGenerated.at(-1)!.ms} ms without the generated checks), with reporters ${reporters.at(-1)!.ms} ms, ` +
        `allure generate ${allure.at(-1)} ms, npm run conformance ${npm.at(-1)!.ms} ms, ` +
        `failing ${failing.at(-1)!.ms} ms (${failing.at(-1)!.failed} checks failed), at ${LATENCY_MS} ms latency ${slow.at(-1)!.ms} ms`,
    );
  }

  const mock = await StorageConnectionMock.create({ rateLimit: { limit: 1e9, windowSeconds: 1 } });
  const rounds = [];
  try {
    for (let index = 0; index < RUNS; index++) rounds.push(await throughputRound(mock));
  } finally {
    await mock.stop();
  }

  const floorMs = median(floor);
  const suiteMs = median(suite.map(r => r.ms));
  const npmMs = median(npm.map(r => r.ms));
  const reportersMs = median(reporters.map(r => r.ms));
  const allureMs = median(allure);
  const total = median(suite.map(r => r.total));
  const probe = median(suite.map(r => r.probe));
  const withoutGeneratedMs = median(withoutGenerated.map(r => r.ms));
  const generated = median(suite.map(r => r.generated));
  const failingMs = median(failing.map(r => r.ms));
  const failingFloorMs = median(failingFloor);
  const slowMs = median(slow.map(r => r.ms));
  const rps = median(rounds.map(r => r.rps));
  // The gaps of every failing round together: one run has about twenty worker starts.
  const gaps = Array.from({ length: RUNS }, (_, index) => workerGaps(path.join(BENCH_DIR, `failing-${index}`, 'results.json'))).reduce(
    (all, one) => ({
      workers: all.workers + one.workers,
      newWorker: [...all.newWorker, ...one.newWorker],
      sameWorker: [...all.sameWorker, ...one.sameWorker],
    }),
  );
  const ratio = (value: number, target?: number) => `${value.toFixed(2)}${target ? ` (target <= ${target})` : ''}`;
  const rows: [string, string][] = [
    ['floor: runner + one empty test', seconds(floorMs)],
    ['conformance suite (playwright test, JSON reporter)', seconds(suiteMs)],
    ['ratio suite / floor', ratio(suiteMs / floorMs)],
    ['npm run conformance (+ JUnit, HTML, Allure report)', seconds(npmMs)],
    ['ratio npm run conformance / floor', ratio(npmMs / floorMs)],
    ['  of which: the checks (suite - floor)', seconds(suiteMs - floorMs)],
    ['  of which: JUnit, HTML and Allure results reporters (playwright test, configured - suite)', seconds(reportersMs - suiteMs)],
    ['  of which: allure generate (the HTML report from the results)', seconds(allureMs)],
    ['  of which: npm and tsx around it (the rest)', seconds(npmMs - reportersMs - allureMs)],
    ['requests per run: total (mock count)', `${total}`],
    ['requests per run: 429 probe', `${probe}`],
    ['requests per run: everything else', `${total - probe}`],
    ['suite without the generated checks (CONFORMANCE_GENERATED_CASES=0)', seconds(withoutGeneratedMs)],
    ['  what the generated checks add (suite - suite without them)', seconds(suiteMs - withoutGeneratedMs)],
    ['  requests the generated checks send (cases, shrinking aside)', `${generated}`],
    [`failing run: the suite against ${FAILING_RUN_FAULTS.length} composed faults (scripts/bench/failing-run.ts)`, seconds(failingMs)],
    [
      '  checks that failed / skipped, of all (median)',
      `${median(failing.map(r => r.failed))} / ${median(failing.map(r => r.skipped))} of ${median(failing.map(r => r.checks))}`,
    ],
    ['  ratio failing run / suite', ratio(failingMs / suiteMs, FAILING_RUN_TARGET)],
    [
      '  workers started, failing run / suite (a new one after each failed check)',
      `${median(failing.map(r => r.workers))} / ${median(suite.map(r => r.workers))}`,
    ],
    [
      "  Playwright's own cost of those failures: as many empty tests that fail, against the floor",
      `${seconds(failingFloorMs)} (${ratio(failingFloorMs / floorMs)}× the floor)`,
    ],
    [
      '  what the failing run adds over its suite, beyond that cost (failing - suite - (failing floor - floor))',
      seconds(failingMs - suiteMs - (failingFloorMs - floorMs)),
    ],
    [
      '  time in the checks themselves, failing run / suite (sum of their durations)',
      `${seconds(median(failing.map(r => r.checksMs)))} / ${seconds(median(suite.map(r => r.checksMs)))}`,
    ],
    [`suite at ${LATENCY_MS} ms latency per answer (MOCK_LATENCY_MS=${LATENCY_MS})`, seconds(slowMs)],
    [`  ratio ${LATENCY_MS} ms / 0 ms latency`, ratio(slowMs / suiteMs, LATENCY_TARGET)],
    [
      `mock throughput (PUT, ${LOAD.concurrency} keep-alive connections, <= ${LOAD.requests} requests or ${LOAD.maxMs / 1000} s)`,
      `${Math.round(rps)} requests/s`,
    ],
    ...startupRows(imports, importsWithBehaviour, gaps),
  ];
  const header = `figure (median of ${RUNS} run${RUNS === 1 ? '' : 's'})`;
  const width = Math.max(header.length, ...rows.map(([name]) => name.length));
  const valueWidth = Math.max('value'.length, ...rows.map(([, value]) => value.length));
  const table = [
    `| ${header.padEnd(width)} | ${'value'.padEnd(valueWidth)} |`,
    `|${'-'.repeat(width + 2)}|${'-'.repeat(valueWidth + 2)}|`,
    ...rows.map(([name, value]) => `| ${name.padEnd(width)} | ${value.padEnd(valueWidth)} |`),
  ];
  const load = `load statuses (last round): ${JSON.stringify(rounds.at(-1)!.statuses)}; requests per round: ${rounds.map(r => r.completed).join(', ')}`;
  const composition = `failing run: MOCK_BEHAVIOUR=${FAILING_RUN_FAULTS.join(',')}`;
  console.log(`\n${table.join('\n')}\n\n${load}\n${composition}`);
  // The figures the docs point to (docs/development.md), with when and where they were measured.
  const machine = `${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()}`;
  const markdown = [
    `# Benchmark`,
    '',
    `\`npm run bench\`, ${new Date().toISOString()}, on ${machine}.`,
    '',
    ...table,
    '',
    load,
    '',
    composition,
    '',
  ];
  fs.writeFileSync(BENCH_FILE, markdown.join('\n'));
  console.log(`\nWritten to ${path.relative(process.cwd(), BENCH_FILE)}`);
}

main().catch(error => {
  console.error(`Benchmark failed: ${(error as Error).message}`);
  process.exit(1);
});
