// Runs against a target given by URL, as the nightly job runs against dev-api: the connection is
// restored after Ctrl-C, and after a kill by the next run (from the record written before the first
// change); a token obtained with client credentials is shared and refreshed mid-run; the request
// budget holds; and two shards, merged, give the same tests and verdicts as one run.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { test, expect } from './fixtures';
import { readJsonReport, runConformance, type ConformanceRun, type TestVerdict } from '../../support/run/child-run';
import { PROJECT_ROOT } from '../../support/run/paths';
import { recordFileOf } from '../../support/run/state-record';
import { StorageConnectionMock, type Behaviour } from '../../mock/server';

const liveEnv = (mock: StorageConnectionMock, extra: Record<string, string> = {}) => ({
  API_BASE_URL: mock.url,
  API_ACCESS_TOKEN: mock.token,
  STORAGE_CONNECTION_ID: mock.connectionId,
  ...extra,
});

/** Calls `onRename` once, when the mock has stored a displayName other than the seed's. */
function onFirstRename(onRename: () => void): Behaviour {
  let fired = false;
  return (request, next, context) => {
    const before = context.store.get(request.connectionId ?? '')?.displayName;
    const response = next();
    const after = context.store.get(request.connectionId ?? '')?.displayName;
    if (!fired && response.status === 200 && before !== after) {
      fired = true;
      onRename();
    }
    return response;
  };
}

test.describe('interrupted runs', () => {
  test('Ctrl-C mid-run: the run itself restores the connection', async () => {
    let interrupt = () => {};
    const mock = await StorageConnectionMock.create({ behaviour: onFirstRename(() => interrupt()) });
    try {
      const original = mock.connection();
      const run = await runConformance({
        reportsDir: test.info().outputPath('sigint'),
        env: liveEnv(mock),
        onStart: ({ signal }) => (interrupt = () => signal('SIGINT')),
      });
      expect(run.exitCode, run.output).not.toBe(0);
      expect(run.output).toMatch(/Teardown: the connection (was restored to|is in) its original state/);
      expect(mock.connection()).toEqual(original);
      expect(fs.readdirSync(path.join(test.info().outputPath('sigint'), 'state')), 'no record left').toEqual([]);
    } finally {
      await mock.stop();
    }
  });

  test('a killed run: the next run restores the connection from the record', async () => {
    let kill = () => {};
    const mock = await StorageConnectionMock.create({ behaviour: onFirstRename(() => kill()) });
    const stateDir = test.info().outputPath('state');
    try {
      const original = mock.connection();
      const killed = await runConformance({
        reportsDir: test.info().outputPath('killed'),
        env: liveEnv(mock, { CONFORMANCE_STATE_DIR: stateDir }),
        onStart: ({ signal }) => (kill = () => signal('SIGKILL')),
      });
      expect(killed.exitCode).not.toBe(0);
      expect(killed.output).toMatch(/Live target \S+: this run will update connection/);
      expect(mock.connection()?.displayName, 'the kill left the connection changed').not.toBe(original?.displayName);
      expect(fs.readdirSync(stateDir), 'the record of the original state').toHaveLength(1);

      mock.setBehaviour(undefined);
      const next = await runConformance({
        reportsDir: test.info().outputPath('next'),
        env: liveEnv(mock, { CONFORMANCE_STATE_DIR: stateDir }),
        args: ['--grep', '404'],
      });
      expect(next.exitCode, next.output).toBe(0);
      expect(next.output).toMatch(/Recovered: the run of .+ did not finish; connection \S+ was restored to its recorded original state/);
      expect(mock.connection()).toEqual(original);
      expect(fs.readdirSync(stateDir), 'the record is removed once restored').toEqual([]);
    } finally {
      await mock.stop();
    }
  });
});

test('a second run on a connection that a running run holds is refused before any request', async () => {
  const mock = await StorageConnectionMock.create();
  const stateDir = test.info().outputPath('state');
  try {
    const first = await runConformance({
      reportsDir: test.info().outputPath('first'),
      env: liveEnv(mock, { CONFORMANCE_STATE_DIR: stateDir }),
      args: ['--grep', '404'],
    });
    expect(first.exitCode, first.output).toBe(0);
    // Pretend the first run is still going: its record names a live process on this host (this one).
    const [name] = fs.readdirSync(stateDir);
    expect(name, 'no record is left by a finished run').toBeUndefined();
    const file = path.join(stateDir, 'held.json');
    const recordOf = (run: string) => ({
      baseUrl: mock.url,
      connectionId: mock.connectionId,
      original: {},
      startedAt: run,
      pid: process.pid,
      host: os.hostname(),
    });
    fs.writeFileSync(file, JSON.stringify(recordOf('2026-11-29T00:00:00.000Z')));
    fs.renameSync(file, path.join(stateDir, recordName(mock)));
    mock.reset();
    const second = await runConformance({
      reportsDir: test.info().outputPath('second'),
      env: liveEnv(mock, { CONFORMANCE_STATE_DIR: stateDir }),
      args: ['--grep', '404'],
    });
    expect(second.exitCode).toBe(2);
    expect(second.output).toMatch(
      new RegExp(`Setup error: another run \\(pid ${process.pid}, started 2026-11-29T00:00:00.000Z\\) is using connection`),
    );
    expect(mock.requestCount.total, 'requests sent by the refused run').toBe(0);
  } finally {
    await mock.stop();
  }
});

test('a token from client credentials is shared by the run and refreshed before it expires', async () => {
  const issued = new Map<string, number>();
  const secret = `client-secret-${Date.now()}`;
  const tokenServer = http.createServer((req, res) => {
    const expected = `Basic ${Buffer.from(`conformance-client:${secret}`).toString('base64')}`;
    if (req.headers.authorization !== expected)
      return void res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"invalid_client"}');
    const token = `issued-token-${issued.size + 1}`;
    issued.set(token, Date.now() + 4_000);
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ access_token: token, token_type: 'Bearer', expires_in: 4 }));
  });
  await new Promise<void>(resolve => tokenServer.listen(0, '127.0.0.1', resolve));
  let expiredUses = 0;
  // The mock takes any unexpired token the fake endpoint issued as its own.
  const acceptIssued: Behaviour = (request, next, context) => {
    const token = request.headers['authorization']?.replace(/^Bearer /, '') ?? '';
    const expiresAt = issued.get(token);
    if (expiresAt !== undefined && expiresAt < Date.now()) expiredUses++;
    return expiresAt !== undefined && expiresAt >= Date.now()
      ? next({ ...request, headers: { ...request.headers, authorization: `Bearer ${context.token}` } })
      : next();
  };
  const mock = await StorageConnectionMock.create({ behaviour: acceptIssued });
  try {
    const run = await runConformance({
      reportsDir: test.info().outputPath('credentials'),
      env: {
        API_BASE_URL: mock.url,
        STORAGE_CONNECTION_ID: mock.connectionId,
        RATE_LIMIT_PROBE_MAX_REQUESTS: '400',
        IMS_CLIENT_ID: 'conformance-client',
        IMS_CLIENT_SECRET: secret,
        IMS_TOKEN_URL: `http://127.0.0.1:${(tokenServer.address() as AddressInfo).port}/connect/token`,
      },
    });
    expect(run.exitCode, run.output).toBe(0);
    expect(expiredUses, 'requests sent with an expired token').toBe(0);
    expect(issued.size, 'tokens issued during a run longer than one token lives').toBeGreaterThan(1);
    expect(run.output).not.toContain(secret);
  } finally {
    tokenServer.close();
    await mock.stop();
  }
});

test("the request budget stops the run's requests, and the connection is still restored", async () => {
  const mock = await StorageConnectionMock.create();
  try {
    const original = mock.connection();
    const run = await runConformance({
      reportsDir: test.info().outputPath('budget'),
      env: liveEnv(mock, { CONFORMANCE_REQUEST_BUDGET: '25' }),
    });
    expect(run.exitCode).toBe(1);
    expect(run.tests.filter(t => t.status === 'failed').length, 'at most the one check that hit the budget fails').toBeLessThanOrEqual(1);
    expect(run.tests.filter(t => t.status === 'skipped').length, 'the checks after it are skipped').toBeGreaterThan(30);
    expect(run.output).toMatch(/the run's request budget of 25 was spent before every check ran \(\d+ refused\)/);
    expect(run.output).toMatch(/25 of 25 budgeted requests sent/);
    expect(mock.connection()).toEqual(original);
  } finally {
    await mock.stop();
  }
});

/** Runs Playwright directly (blob shards, merge-reports), returning when it exits. */
function playwright(args: string[], env: Record<string, string>): Promise<number> {
  const child = spawn(process.execPath, [require.resolve('@playwright/test/cli'), ...args], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, API_BASE_URL: '', API_ACCESS_TOKEN: '', STORAGE_CONNECTION_ID: '', MOCK_BEHAVIOUR: '', ...env },
    stdio: 'ignore',
  });
  return new Promise(resolve => child.on('close', code => resolve(code ?? 1)));
}

test('two shards, merged, give the same tests and verdicts as one run', async () => {
  const dir = test.info().outputPath('shards');
  const all = path.join(dir, 'all-blob-reports');
  const [single, ...shards] = await Promise.all([
    runConformance({ reportsDir: path.join(dir, 'single') }),
    ...[1, 2].map(shard =>
      playwright(['test', `--shard=${shard}/2`, '--reporter=blob'], {
        CONFORMANCE_REPORTS_DIR: path.join(dir, `shard-${shard}`),
        PLAYWRIGHT_BLOB_OUTPUT_DIR: path.join(dir, `blob-${shard}`),
      }),
    ),
  ]);
  expect(shards).toEqual([0, 0]);
  fs.mkdirSync(all, { recursive: true });
  for (const shard of [1, 2])
    for (const file of fs.readdirSync(path.join(dir, `blob-${shard}`)))
      fs.copyFileSync(path.join(dir, `blob-${shard}`, file), path.join(all, file));
  const mergedJson = path.join(dir, 'merged.json');
  expect(await playwright(['merge-reports', '--reporter=json', all], { PLAYWRIGHT_JSON_OUTPUT_NAME: mergedJson })).toBe(0);
  const merged: ConformanceRun = { ...single, tests: readJsonReport(mergedJson) };
  const verdicts = (run: ConformanceRun) => run.tests.map((t: TestVerdict) => `${t.title}: ${t.status}`).sort();
  expect(single.exitCode, single.output).toBe(0);
  expect(verdicts(merged)).toEqual(verdicts(single));
});

/** The record file name global setup uses for the mock's connection (support/state-record.ts). */
function recordName(mock: StorageConnectionMock): string {
  return path.basename(recordFileOf(mock.url, mock.connectionId));
}
