// Bad input to the tool stops it before any request, with one line that names the variable and the
// fix, end to end on the real command (unit/config.spec.ts checks the parsers): a local server stands
// for the live target and counts requests. A 5xx where the connection should be is no setup error.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { test, expect } from '../fixtures';
import { PROJECT_ROOT, reportPaths } from '../../../support/report/paths';

/** Runs the real conformance command with `env`; a local server stands for the live target and counts requests. */
async function runWith(env: NodeJS.ProcessEnv, status = 500): Promise<{ code: number; output: string; requests: number }> {
  let requests = 0;
  const server = http.createServer((_, res) => {
    requests++;
    res.writeHead(status).end();
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const child = spawn('npm', ['run', '--silent', 'conformance'], {
    cwd: PROJECT_ROOT,
    env: {
      ...process.env,
      API_BASE_URL: url,
      API_ACCESS_TOKEN: 'token-for-config-test',
      STORAGE_CONNECTION_ID: 'abc',
      CONFORMANCE_REPORTS_DIR: test.info().outputPath('reports'),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', chunk => (output += chunk));
  child.stderr.on('data', chunk => (output += chunk));
  const code = await new Promise<number>(resolve => child.on('close', c => resolve(c ?? 1)));
  server.close();
  return { code, output: output.trim(), requests };
}

test.describe('the conformance command', () => {
  test('a live target with no token stops before any request, in one line', async () => {
    const run = await runWith({ API_ACCESS_TOKEN: '' });
    expect(run.code).toBe(2);
    expect(run.output).toMatch(/^Configuration error: API_ACCESS_TOKEN is not set but API_BASE_URL is: set it/);
    expect(run.output.split('\n')).toHaveLength(1);
    expect(run.requests).toBe(0);
  });

  test('a base URL that is not a URL stops before any request', async () => {
    const run = await runWith({ API_BASE_URL: 'dev-api.bentley.com' });
    expect(run.code).toBe(2);
    expect(run.output).toMatch(/^Configuration error: API_BASE_URL "dev-api.bentley.com" is not a URL/);
  });

  // A 5xx where the connection should be is a broken contract, not a configuration problem: the run
  // goes on to report it as a failed check, in a complete set of reports, and changes nothing.
  test('a target that answers 500 to every read yields a failed check and every report, not a setup error', async () => {
    const run = await runWith({}, 500);
    expect(run.code).toBe(1);
    expect(run.output).not.toContain('Setup error');
    expect(run.output).toContain("The connection's state could not be read (GET answered 500, an empty PUT 500)");
    const reports = reportPaths(test.info().outputPath('reports'));
    const junit = fs.readFileSync(reports.junit, 'utf8');
    expect(junit).toMatch(/failures="1"/);
    expect(junit).toContain('the connection under test reads back as the documented connection');
    expect(fs.existsSync(path.join(reports.allureReport, 'index.html')), 'the Allure report').toBe(true);
    expect(fs.existsSync(path.join(reports.playwrightReport, 'index.html')), 'the Playwright report').toBe(true);
    expect(run.requests, 'setup reads twice, the check once; nothing is written').toBe(3);
  });

  test('a malformed .env stops before any request', async () => {
    const file = test.info().outputPath('malformed.env');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, 'API_ACCESS_TOKEN: abc\n');
    const run = await runWith({ CONFORMANCE_ENV_FILE: file, API_ACCESS_TOKEN: '' });
    expect(run.code).toBe(2);
    expect(run.output).toMatch(/^Configuration error: \.env line 1 is not KEY=value/);
    expect(run.requests).toBe(0);
  });

  test('a target that rejects the token stops the run with one line and no test', async () => {
    const run = await runWith({}, 401);
    expect(run.code).toBe(2);
    const lines = run.output.split('\n');
    expect(lines[0], 'what the run was about to do, printed before the first request').toMatch(
      /^Live target http:\/\/127\.0\.0\.1:\d+: the plan of this run$/,
    );
    expect(lines[1]).toMatch(/^ {2}connection +abc: updated by the checks/);
    expect(lines[3], 'the pace, under the lowest tier').toMatch(
      /^ {2}pace +at most 400 requests a minute \(CONFORMANCE_RATE_PER_MINUTE\), 8 at once/,
    );
    expect(lines.slice(6)).toEqual([
      expect.stringMatching(/^Setup error: the target rejected the token \(401\): set API_ACCESS_TOKEN to a fresh token/),
    ]);
    expect(run.output).not.toContain('token-for-config-test');
    expect(run.output).not.toMatch(/passed|failed/);
  });
});
