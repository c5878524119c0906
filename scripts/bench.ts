// `npm run bench`: what a conformance run costs, as medians of BENCH_RUNS runs (default 5):
//   - wall time of the suite against the embedded mock (`playwright test`, and `npm run conformance`
//     with its JUnit, HTML and Allure reports) next to the floor: the runner starting and running one
//     empty test (scripts/bench-floor/, a folder no other run collects). The ratio is the figure to watch;
//   - the requests one run sends, split into the 429 probe and everything else;
//   - what the generated checks (tests/conformance/generated.spec.ts) add: the suite run again with
//     CONFORMANCE_GENERATED_CASES=0 (the generated checks skipped), and the requests they sent;
//   - the mock's throughput (requests/s) under a short load from a second process on loopback, bounded
//     in count and time.
// The table is printed and written to reports/bench.md, with the date and the machine.
// Only 127.0.0.1 is ever contacted; the live-target variables are blanked by runConformance.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { StorageConnectionMock } from '../mock/server';
import { runConformance } from '../tests/self/helpers/child-run';
import { PROJECT_ROOT, reportPaths } from '../support/report/paths';
import { generateAllureReport } from './report';

const RUNS = Number(process.env.BENCH_RUNS) || 5;
const BENCH_DIR = path.join(PROJECT_ROOT, 'reports', 'bench');
/** The figures of the last benchmark, as Markdown. */
const BENCH_FILE = path.join(PROJECT_ROOT, 'reports', 'bench.md');
const PLAYWRIGHT_CLI = require.resolve('@playwright/test/cli');
/** The load: at most this many requests, for at most this long, over this many keep-alive connections. */
const LOAD = { requests: 4000, maxMs: 3000, concurrency: 16 };

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

function run(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; ms: number; stdout: string }> {
  const started = Date.now();
  const child = spawn(command, args, { cwd: PROJECT_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  let stdout = '';
  child.stdout.on('data', chunk => (stdout += chunk));
  return new Promise(resolve => child.on('close', code => resolve({ code: code ?? 1, ms: Date.now() - started, stdout })));
}

async function floorRun(index: number): Promise<number> {
  const { code, ms } = await run(process.execPath, [PLAYWRIGHT_CLI, 'test', '-c', 'scripts/bench-floor/playwright.config.ts'], {
    BENCH_FLOOR_JSON: path.join(BENCH_DIR, `floor-${index}.json`),
    BENCH_FLOOR_OUTPUT: path.join(BENCH_DIR, 'floor-test-results'),
  });
  if (code !== 0) throw new Error(`the floor run failed (exit ${code})`);
  return ms;
}

interface SuiteRun {
  ms: number;
  total: number;
  probe: number;
  /** Requests the generated checks sent (their `generated` annotations). */
  generated: number;
}

async function suiteRun(
  index: number,
  reporters: 'json' | 'configured' | 'playwright',
  env: Record<string, string> = {},
): Promise<SuiteRun> {
  const name = `${reporters}${env.CONFORMANCE_GENERATED_CASES === '0' ? '-no-generated' : ''}-${index}`;
  // A user's run: the generated checks with their default cases, unless the round asks otherwise.
  const result = await runConformance({
    reportsDir: path.join(BENCH_DIR, name),
    reporters,
    env: { CONFORMANCE_GENERATED_CASES: '', ...env },
  });
  if (result.exitCode !== 0) throw new Error(`the conformance run failed (exit ${result.exitCode}):\n${result.output.slice(-2000)}`);
  const probe = result.tests.flatMap(t => t.annotations).find(a => a.type === 'probe')?.description;
  const generated = result.tests
    .flatMap(t => t.annotations)
    .filter(a => a.type === 'generated')
    .reduce((sum, a) => sum + Number(/ (\d+) requests/.exec(a.description ?? '')?.[1] ?? 0), 0);
  return { ms: result.wallMs, total: result.mockRequests ?? NaN, probe: probe ? Number(/^(\d+)/.exec(probe)?.[1]) : NaN, generated };
}

/** allure generate alone, on the results of that round's playwright run. */
async function allureRun(index: number): Promise<number> {
  const reports = reportPaths(path.join(BENCH_DIR, `playwright-${index}`));
  const started = Date.now();
  if (!generateAllureReport(reports)) throw new Error('allure generate failed');
  return Date.now() - started;
}

/** One round of load from a second process: this same file, started with --load. */
async function throughputRound(mock: StorageConnectionMock): Promise<{ rps: number; completed: number; statuses: Record<string, number> }> {
  const spec = JSON.stringify({
    url: `${mock.url}/synchronization/imodels/storageconnections/${mock.connectionId}`,
    token: mock.token,
    ...LOAD,
  });
  const { code, stdout } = await run(process.execPath, [...process.execArgv, __filename, '--load', spec]);
  if (code !== 0) throw new Error(`the load process failed (exit ${code})`);
  return JSON.parse(stdout) as { rps: number; completed: number; statuses: Record<string, number> };
}

/** The load process: PUTs of a valid update over keep-alive connections until the count or time bound. */
async function load(spec: { url: string; token: string; requests: number; maxMs: number; concurrency: number }): Promise<void> {
  const url = new URL(spec.url);
  if (url.hostname !== '127.0.0.1') throw new Error('the load only goes to 127.0.0.1');
  const agent = new http.Agent({ keepAlive: true, maxSockets: spec.concurrency });
  const body = JSON.stringify({ displayName: 'bench' });
  const statuses: Record<string, number> = {};
  let started = 0;
  let completed = 0;
  const begin = Date.now();
  const once = () =>
    new Promise<void>((resolve, reject) => {
      const request = http.request(url, {
        method: 'PUT',
        agent,
        headers: { authorization: `Bearer ${spec.token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      });
      request.on('response', response => {
        response.resume();
        response.on('end', () => {
          statuses[response.statusCode!] = (statuses[response.statusCode!] ?? 0) + 1;
          completed++;
          resolve();
        });
      });
      request.on('error', reject);
      request.end(body);
    });
  await Promise.all(
    Array.from({ length: spec.concurrency }, async () => {
      while (started < spec.requests && Date.now() - begin < spec.maxMs) {
        started++;
        await once();
      }
    }),
  );
  const seconds = (Date.now() - begin) / 1000;
  agent.destroy();
  process.stdout.write(JSON.stringify({ rps: completed / seconds, completed, statuses }));
}

async function main(): Promise<void> {
  console.log(`Benchmark: ${RUNS} runs of each, medians (BENCH_RUNS to change).`);
  const floor: number[] = [];
  const suite: SuiteRun[] = [];
  const withoutGenerated: SuiteRun[] = [];
  const npm: SuiteRun[] = [];
  const reporters: SuiteRun[] = [];
  const allure: number[] = [];
  // Interleaved, so a burst of load elsewhere on the machine spreads over all three.
  for (let index = 0; index < RUNS; index++) {
    floor.push(await floorRun(index));
    suite.push(await suiteRun(index, 'json'));
    withoutGenerated.push(await suiteRun(index, 'json', { CONFORMANCE_GENERATED_CASES: '0' }));
    npm.push(await suiteRun(index, 'configured'));
    reporters.push(await suiteRun(index, 'playwright'));
    allure.push(await allureRun(index));
    console.log(
      `  round ${index + 1}: floor ${floor.at(-1)} ms, suite ${suite.at(-1)!.ms} ms (${withoutGenerated.at(-1)!.ms} ms without the generated checks), with reporters ${reporters.at(-1)!.ms} ms, ` +
        `allure generate ${allure.at(-1)} ms, npm run conformance ${npm.at(-1)!.ms} ms`,
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
  const rps = median(rounds.map(r => r.rps));
  const rows: [string, string][] = [
    ['floor: runner + one empty test', `${(floorMs / 1000).toFixed(2)} s`],
    ['conformance suite (playwright test, JSON reporter)', `${(suiteMs / 1000).toFixed(2)} s`],
    ['ratio suite / floor', `${(suiteMs / floorMs).toFixed(2)}`],
    ['npm run conformance (+ JUnit, HTML, Allure report)', `${(npmMs / 1000).toFixed(2)} s`],
    ['ratio npm run conformance / floor', `${(npmMs / floorMs).toFixed(2)}`],
    ['  of which: the checks (suite - floor)', `${((suiteMs - floorMs) / 1000).toFixed(2)} s`],
    [
      '  of which: JUnit, HTML and Allure results reporters (playwright test, configured - suite)',
      `${((reportersMs - suiteMs) / 1000).toFixed(2)} s`,
    ],
    ['  of which: allure generate (the HTML report from the results)', `${(allureMs / 1000).toFixed(2)} s`],
    ['  of which: npm and tsx around it (the rest)', `${((npmMs - reportersMs - allureMs) / 1000).toFixed(2)} s`],
    ['requests per run: total (mock count)', `${total}`],
    ['requests per run: 429 probe', `${probe}`],
    ['requests per run: everything else', `${total - probe}`],
    ['suite without the generated checks (CONFORMANCE_GENERATED_CASES=0)', `${(withoutGeneratedMs / 1000).toFixed(2)} s`],
    ['  what the generated checks add (suite - suite without them)', `${((suiteMs - withoutGeneratedMs) / 1000).toFixed(2)} s`],
    ['  requests the generated checks send (cases, shrinking aside)', `${generated}`],
    [
      `mock throughput (PUT, ${LOAD.concurrency} keep-alive connections, <= ${LOAD.requests} requests or ${LOAD.maxMs / 1000} s)`,
      `${Math.round(rps)} requests/s`,
    ],
  ];
  const header = `figure (median of ${RUNS} runs)`;
  const width = Math.max(header.length, ...rows.map(([name]) => name.length));
  const table = [
    `| ${header.padEnd(width)} | value |`,
    `|${'-'.repeat(width + 2)}|-------|`,
    ...rows.map(([name, value]) => `| ${name.padEnd(width)} | ${value} |`),
  ];
  const load = `load statuses (last round): ${JSON.stringify(rounds.at(-1)!.statuses)}; requests per round: ${rounds.map(r => r.completed).join(', ')}`;
  console.log(`\n${table.join('\n')}\n\n${load}`);
  // The figures the docs point to (docs/development.md), with when and where they were measured.
  const machine = `${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()}`;
  const markdown = [`# Benchmark`, '', `\`npm run bench\`, ${new Date().toISOString()}, on ${machine}.`, '', ...table, '', load, ''];
  fs.writeFileSync(BENCH_FILE, markdown.join('\n'));
  console.log(`\nWritten to ${path.relative(process.cwd(), BENCH_FILE)}`);
}

const loadIndex = process.argv.indexOf('--load');
if (loadIndex >= 0) {
  load(JSON.parse(process.argv[loadIndex + 1]!)).catch(error => {
    console.error(error);
    process.exit(1);
  });
} else {
  main().catch(error => {
    console.error(`Benchmark failed: ${(error as Error).message}`);
    process.exit(1);
  });
}
