// The runs `npm run bench` (scripts/bench.ts) times: the floor, the conformance suite against the
// embedded mock (passing, with another environment or a fault composition), and allure generate.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { runConformance } from '../../tests/self/helpers/child-run';
import { PROJECT_ROOT, reportPaths } from '../../support/report/paths';
import { generateAllureReport } from '../report';

export const BENCH_DIR = path.join(PROJECT_ROOT, 'reports', 'bench');
const PLAYWRIGHT_CLI = require.resolve('@playwright/test/cli');

export const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length === 0 ? NaN : sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

export const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

export function run(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; ms: number; stdout: string }> {
  const started = Date.now();
  const child = spawn(command, args, { cwd: PROJECT_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  let stdout = '';
  child.stdout.on('data', chunk => (stdout += chunk));
  return new Promise(resolve => child.on('close', code => resolve({ code: code ?? 1, ms: Date.now() - started, stdout })));
}

/** The runner starting and running one empty test (scripts/bench-floor/); or `failing` empty tests that each fail. */
export async function floorRun(index: number, failing = 0): Promise<number> {
  const { code, ms } = await run(process.execPath, [PLAYWRIGHT_CLI, 'test', '-c', 'scripts/bench-floor/playwright.config.ts'], {
    BENCH_FLOOR_JSON: path.join(BENCH_DIR, `floor-${failing ? `failing-${index}` : index}.json`),
    BENCH_FLOOR_OUTPUT: path.join(BENCH_DIR, 'floor-test-results'),
    BENCH_FLOOR_FAILING: String(failing),
  });
  if (code !== (failing ? 1 : 0)) throw new Error(`the floor run failed (exit ${code})`);
  return ms;
}

export interface SuiteRun {
  ms: number;
  total: number;
  probe: number;
  /** Requests the generated checks sent (their `generated` annotations). */
  generated: number;
  /** Checks run, and those that failed (timed out and interrupted included) or were skipped: JSON reporter only. */
  checks: number;
  failed: number;
  skipped: number;
  /** Workers the run started (Playwright starts a new one after each failed check), and the checks' own time. */
  workers: number;
  checksMs: number;
}

/** Workers and the sum of the checks' durations, from the run's JSON report (0 without one). */
function timing(reportsDir: string): { workers: number; checksMs: number } {
  const file = path.join(reportsDir, 'results.json');
  if (!fs.existsSync(file)) return { workers: 0, checksMs: 0 };
  interface Suite {
    specs?: { tests: { results: { workerIndex: number; duration: number }[] }[] }[];
    suites?: Suite[];
  }
  const results = (suite: Suite): { workerIndex: number; duration: number }[] => [
    ...(suite.specs ?? []).flatMap(spec => spec.tests.flatMap(test => test.results)),
    ...(suite.suites ?? []).flatMap(results),
  ];
  const all = (JSON.parse(fs.readFileSync(file, 'utf8')) as { suites: Suite[] }).suites.flatMap(results);
  return { workers: new Set(all.map(r => r.workerIndex)).size, checksMs: all.reduce((sum, r) => sum + r.duration, 0) };
}

export interface SuiteRound {
  /** Names the round's reports folder, with the round's index. */
  name: string;
  reporters?: 'json' | 'configured' | 'playwright';
  env?: Record<string, string>;
  /** MOCK_BEHAVIOUR: a fault composition makes a failing run, which is expected to exit 1. */
  behaviour?: string;
}

/** One conformance run against the embedded mock: a user's run, the generated checks with their default cases. */
export async function suiteRun(index: number, { name, reporters = 'json', env = {}, behaviour }: SuiteRound): Promise<SuiteRun> {
  const result = await runConformance({
    reportsDir: path.join(BENCH_DIR, `${name}-${index}`),
    reporters,
    behaviour,
    env: { CONFORMANCE_GENERATED_CASES: '', ...env },
  });
  // A failing run exits 1 (checks failed); anything else, or no verdicts at all, is a run that did not happen.
  const expected = behaviour ? 1 : 0;
  if (result.exitCode !== expected || (behaviour && result.tests.length === 0))
    throw new Error(`the ${name} run exited ${result.exitCode}, not ${expected}:\n${result.output.slice(-2000)}`);
  const annotations = result.tests.flatMap(t => t.annotations);
  // The probe's annotations: what it bursts with, then "<n> requests sent; ..." (the count is the figure).
  const probe = annotations.find(a => a.type === 'probe' && /^\d+ requests/.test(a.description ?? ''))?.description;
  const generated = annotations
    .filter(a => a.type === 'generated')
    .reduce((sum, a) => sum + Number(/ (\d+) requests/.exec(a.description ?? '')?.[1] ?? 0), 0);
  return {
    ms: result.wallMs,
    total: result.mockRequests ?? NaN,
    probe: probe ? Number(/^(\d+)/.exec(probe)?.[1]) : NaN,
    generated,
    checks: result.tests.length,
    failed: result.failed,
    skipped: result.skipped,
    ...timing(result.reportsDir),
  };
}

/** allure generate alone, on the results of that round's `playwright` run. */
export function allureRun(index: number): number {
  const reports = reportPaths(path.join(BENCH_DIR, `playwright-${index}`));
  const started = Date.now();
  if (!generateAllureReport(reports)) throw new Error('allure generate failed');
  return Date.now() - started;
}
