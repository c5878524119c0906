// Runs against a target given by URL, as the nightly job runs against dev-api: the connection is
// restored after Ctrl-C, and after a kill by the next run (from the record written before the first
// change); a token obtained with client credentials is shared and refreshed mid-run, and with it each
// cause of the 401 runs or skips with its reason as it would against dev-api; the request budget
// holds; and two shards, merged, give the same tests and verdicts as one run.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import * as jose from 'jose';
import { test, expect } from './fixtures';
import { readJsonReport, runConformance, type ConformanceRun, type TestVerdict } from './helpers/child-run';
import { PROJECT_ROOT } from '../../support/report/paths';
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
      expect(killed.output).toMatch(/Live target \S+: the plan of this run\n {2}connection +\S+: updated by the checks/);
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

/** Each token the fake endpoint issued: its scope and when it expires (epoch ms, from its exp claim). */
type Issued = Map<string, { scope: string; expiresAt: number }>;

/**
 * A fake token endpoint for client credentials standing in for the platform's authority: it checks the
 * client's credentials and hands out JWTs the mock signs (so the mock validates them as its own), for
 * the scope asked for, living `lifetimeSeconds`.
 */
async function fakeTokenEndpoint(mock: StorageConnectionMock, secret: string, lifetimeSeconds: number, issued: Issued) {
  const server = http.createServer((req, res) => {
    const expected = `Basic ${Buffer.from(`conformance-client:${secret}`).toString('base64')}`;
    if (req.headers.authorization !== expected)
      return void res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"invalid_client"}');
    let form = '';
    req.on('data', chunk => (form += chunk));
    req.on('end', () => {
      const scope = new URLSearchParams(form).get('scope') ?? '';
      void mock.issueToken({ scope, lifetimeSeconds }).then(({ access_token, expires_in }) => {
        issued.set(access_token, { scope, expiresAt: jose.decodeJwt(access_token).exp! * 1000 });
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ access_token, token_type: 'Bearer', expires_in }));
      });
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/connect/token`, close: () => server.close() };
}

/** The verdict of the check whose title ends with `title`. */
function verdictOf(run: ConformanceRun, title: string): TestVerdict {
  const found = run.tests.find(t => t.title.endsWith(title));
  if (!found) throw new Error(`no check titled "${title}" in the run`);
  return found;
}

const skipReason = (verdict: TestVerdict) => verdict.annotations.find(a => a.type === 'skip')?.description ?? '';

test('a token from client credentials is shared by the run and refreshed before it expires; the 401 causes run or skip with their reasons', async () => {
  const secret = `client-secret-${Date.now()}`;
  let expiredUses = 0;
  const issued: Issued = new Map();
  // Counts requests sent with a token the fake endpoint issued that had expired (the mock refuses them itself).
  const countExpired: Behaviour = (request, next) => {
    const token = request.headers['authorization']?.replace(/^Bearer /, '') ?? '';
    const expiresAt = issued.get(token)?.expiresAt;
    if (expiresAt !== undefined && expiresAt <= Date.now()) expiredUses++;
    return next();
  };
  const mock = await StorageConnectionMock.create({ behaviour: countExpired });
  const endpoint = await fakeTokenEndpoint(mock, secret, 4, issued);
  const env = {
    API_BASE_URL: mock.url,
    STORAGE_CONNECTION_ID: mock.connectionId,
    IMS_CLIENT_ID: 'conformance-client',
    IMS_CLIENT_SECRET: secret,
    IMS_TOKEN_URL: endpoint.url,
  };
  try {
    const run = await runConformance({
      reportsDir: test.info().outputPath('credentials'),
      env: { ...env, RATE_LIMIT_PROBE_MAX_REQUESTS: '400', IMS_OTHER_SCOPE: 'conformance-other-api' },
    });
    expect(run.exitCode, run.output).toBe(0);
    expect(expiredUses, 'requests sent with an expired token').toBe(0);
    const scopes = [...issued.values()].map(token => token.scope);
    expect(
      scopes.filter(scope => scope === 'itwin-platform').length,
      'tokens issued during a run longer than one token lives',
    ).toBeGreaterThan(1);
    expect(scopes, 'one token for IMS_OTHER_SCOPE, for the missing-scope check').toContain('conformance-other-api');
    expect(run.output).not.toContain(secret);

    // A live target: what only the embedded mock can issue is skipped with the reason; every other cause runs.
    const onlyTheMock = /^only the embedded mock issues tokens on request \(.+\); a live target's authority does not$/;
    const expected: [string, 'passed' | RegExp][] = [
      ["a token from another issuer, signed with the suite's own key, gets 401", 'passed'],
      ["a token the target's authority signed for another issuer gets 401", onlyTheMock],
      ["the target's own token with its signature altered gets 401", 'passed'],
      ["the target's own claims, unsigned (alg: none), get 401", 'passed'],
      ["an expired token of the target's authority gets 401", onlyTheMock],
      ['an expired token signed by the suite gets 401', 'passed'],
      ['a token without the itwin-platform scope gets 401', 'passed'],
      ["two Authorization headers, the valid token's first, gets 401", 'passed'],
      ["two Authorization headers, the valid token's second, gets 401", 'passed'],
      ['the valid token followed by a space and more text gets 401', 'passed'],
      ['a space inside the valid token gets 401', 'passed'],
      ['a non-ASCII character inside the valid token gets 401', 'passed'],
      ['the valid token without the Bearer scheme gets 401', 'passed'],
      ['the scheme name in lower case ("bearer") with the valid token is accepted (advisory)', 'passed'],
    ];
    for (const [title, outcome] of expected) {
      const verdict = verdictOf(run, title);
      if (outcome === 'passed') expect(verdict.status, title).toBe('passed');
      else expect([verdict.status, skipReason(verdict)], title).toEqual(['skipped', expect.stringMatching(outcome)]);
    }
    expect(verdictOf(run, 'a token without the itwin-platform scope gets 401').annotations).toContainEqual({
      type: 'token',
      description: 'obtained with the run\'s client credentials for IMS_OTHER_SCOPE "conformance-other-api"',
    });

    // Without IMS_OTHER_SCOPE the missing-scope check says what to set.
    const without = await runConformance({ reportsDir: test.info().outputPath('no-other-scope'), env, args: ['--grep', '@missing-scope'] });
    expect(without.exitCode, without.output).toBe(0);
    const skipped = verdictOf(without, 'a token without the itwin-platform scope gets 401');
    expect(skipped.status).toBe('skipped');
    expect(skipReason(skipped)).toMatch(/^IMS_OTHER_SCOPE is not set: set it to a scope the service app holds other than itwin-platform/);
  } finally {
    endpoint.close();
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
