// Runs the conformance suite as a child process against the embedded mock (optionally with a named
// behaviour) and returns each test's verdict: the project's own tests, the kill matrix and the
// benchmark all use it. Live-target variables are blanked so a developer's .env is never used here.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { CONFIG_VARIABLES } from '../../../support/run/config';
import { PROJECT_ROOT, reportPaths } from '../../../support/report/paths';

export interface TestVerdict {
  /** "file › describe › title" */
  title: string;
  status: 'passed' | 'failed' | 'timedOut' | 'skipped' | 'interrupted';
  /** The tags the check declared (checks/tags.ts). */
  tags: string[];
  /** The result's errors, colour codes removed, each with where it was raised when known. */
  errors: { message: string; file?: string; line?: number }[];
  annotations: { type: string; description?: string }[];
}

export interface ConformanceRun {
  exitCode: number;
  output: string;
  /** The JSON report, one verdict per check (empty with the 'configured' and 'playwright' reporters). */
  tests: TestVerdict[];
  /** Counts of the verdicts: failed includes timed out and interrupted. */
  passed: number;
  failed: number;
  skipped: number;
  /** Where the run wrote its reports (reportPaths of it). */
  reportsDir: string;
  wallMs: number;
  /** Requests the embedded mock received, when the run got that far. */
  mockRequests?: number;
}

export interface RunOptions {
  reportsDir: string;
  behaviour?: string;
  env?: Record<string, string>;
  /** Called once the run has started, with a way to send a signal to all of its processes. */
  onStart?: (run: { signal: (name: NodeJS.Signals) => void; pid: number }) => void;
  /** Extra Playwright arguments, e.g. ['--grep', '404']. */
  args?: string[];
  /**
   * Stop after this many failed tests (Playwright's --max-failures). Each failure costs a worker
   * restart, so a run against a broken server is much slower than a passing one; the kill matrix
   * caps it, since the first failures are enough to show which checks caught the fault.
   */
  maxFailures?: number;
  /**
   * 'json' (fast, the default), 'configured' (the reporters of playwright.config.ts, via npm run
   * conformance, which also generates the Allure report) or 'playwright' (those reporters, the
   * Playwright CLI alone: no npm, no Allure generation; the benchmark's breakdown).
   */
  reporters?: 'json' | 'configured' | 'playwright';
}

const PLAYWRIGHT_CLI = require.resolve('@playwright/test/cli');

interface JsonSuite {
  title: string;
  specs?: {
    title: string;
    tags?: string[];
    tests: {
      status: string;
      annotations: TestVerdict['annotations'];
      results: { status: TestVerdict['status']; errors?: { message?: string; location?: { file: string; line: number } }[] }[];
    }[];
  }[];
  suites?: JsonSuite[];
}

function collect(suite: JsonSuite, prefix: string[], into: TestVerdict[]): void {
  const path = suite.title ? [...prefix, suite.title] : prefix;
  for (const spec of suite.specs ?? []) {
    for (const test of spec.tests) {
      const result = test.results.at(-1);
      into.push({
        title: [...path, spec.title].join(' › '),
        status: result?.status ?? 'skipped',
        // The JSON reporter strips the '@' of each tag; put it back, as the checks declared them.
        tags: (spec.tags ?? []).map(tag => `@${tag}`),
        errors: (result?.errors ?? []).map(error => ({
          message: (error.message ?? '').replace(/\u001b\[[0-9;]*m/g, ''),
          file: error.location?.file,
          line: error.location?.line,
        })),
        annotations: test.annotations,
      });
    }
  }
  for (const child of suite.suites ?? []) collect(child, path, into);
}

/** Each test's verdict in a file written by Playwright's JSON reporter. */
export function readJsonReport(file: string): TestVerdict[] {
  const tests: TestVerdict[] = [];
  for (const suite of (JSON.parse(fs.readFileSync(file, 'utf8')) as { suites: JsonSuite[] }).suites) collect(suite, [], tests);
  return tests;
}

export async function runConformance(options: RunOptions): Promise<ConformanceRun> {
  const reports = reportPaths(options.reportsDir);
  fs.rmSync(reports.root, { recursive: true, force: true });
  fs.mkdirSync(reports.root, { recursive: true });
  const jsonFile = path.join(reports.root, 'results.json');
  const json = (options.reporters ?? 'json') === 'json';
  const args = [...(options.maxFailures ? [`--max-failures=${options.maxFailures}`] : []), ...(options.args ?? [])];
  const command = {
    json: [process.execPath, PLAYWRIGHT_CLI, 'test', '--reporter=json', ...args],
    playwright: [process.execPath, PLAYWRIGHT_CLI, 'test', ...args],
    configured: ['npm', 'run', '--silent', 'conformance', '--', ...args],
  }[options.reporters ?? 'json'];
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...Object.fromEntries(CONFIG_VARIABLES.map(name => [name, ''])),
    MOCK_BEHAVIOUR: options.behaviour ?? '',
    // 5 cases per generated check, not the 40 of a user's run: the self-tests start dozens of runs.
    // A test or the benchmark that wants the default sets it to ''.
    CONFORMANCE_GENERATED_CASES: '5',
    CONFORMANCE_REPORTS_DIR: reports.root,
    CONFORMANCE_STATE_DIR: path.join(reports.root, 'state'),
    PLAYWRIGHT_JSON_OUTPUT_NAME: jsonFile,
    FORCE_COLOR: '0',
    ...options.env,
  };
  const started = Date.now();
  // In a process group of its own, so that a test can interrupt the whole run as Ctrl-C or a kill would.
  const child = spawn(command[0]!, command.slice(1), { cwd: PROJECT_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  child.stdout.on('data', chunk => (output += chunk));
  child.stderr.on('data', chunk => (output += chunk));
  options.onStart?.({ signal: name => process.kill(-child.pid!, name), pid: child.pid! });
  const exitCode = await new Promise<number>(resolve => child.on('close', code => resolve(code ?? 1)));
  const wallMs = Date.now() - started;
  const tests = json && fs.existsSync(jsonFile) ? readJsonReport(jsonFile) : [];
  const mockRequests = fs.existsSync(reports.mockRequests)
    ? (JSON.parse(fs.readFileSync(reports.mockRequests, 'utf8')) as { requests: number }).requests
    : undefined;
  const count = (statuses: TestVerdict['status'][]) => tests.filter(t => statuses.includes(t.status)).length;
  return {
    exitCode,
    output,
    tests,
    passed: count(['passed']),
    failed: count(['failed', 'timedOut', 'interrupted']),
    skipped: count(['skipped']),
    reportsDir: reports.root,
    wallMs,
    mockRequests,
  };
}
