// The client's retry policy beyond 429: a 503 with a usable retry-after is a gateway's "come back
// later" and is waited out within the same bounds (support/client/throttle.ts), and recorded as a
// `service unavailable` annotation; every other answer stands. Also the per-request Accept, query and
// headers the checks of real clients' habits use, recorded with the token redacted.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { test, expect } from '../fixtures';
import { recordingHooks } from '../../../support/checks/recorder';
import { StorageConnectionsClient } from '../../../support/client/client';
import type { ThrottlePolicy } from '../../../support/client/throttle';
import { registerSecret } from '../../../support/report/secrets';

const TOKEN = 'secret-token-for-unavailable-test';
registerSecret(TOKEN);

interface Answer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

const HTML_503: Answer = { status: 503, headers: { 'content-type': 'text/html' }, body: '<h1>Service Unavailable</h1>' };
const unavailable = (retryAfter?: string): Answer => ({
  ...HTML_503,
  headers: { ...HTML_503.headers, ...(retryAfter && { 'retry-after': retryAfter }) },
});
const OK: Answer = { status: 200, headers: { 'content-type': 'application/json' }, body: '{"connection":{}}' };

/** A server answering with `script` in order (then 200), recording each request's URL and headers. */
async function scriptedServer(script: Answer[], throttle?: ThrottlePolicy) {
  const received: { url: string; headers: http.IncomingHttpHeaders }[] = [];
  const server = http.createServer((req, res) => {
    req.resume().on('end', () => {
      received.push({ url: req.url!, headers: req.headers });
      const answer = script.shift() ?? OK;
      res.writeHead(answer.status, answer.headers ?? {}).end(answer.body ?? '');
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new StorageConnectionsClient({
    baseUrl,
    token: () => Promise.resolve(TOKEN),
    throttle,
    deadlineMs: 10_000,
    maxResponseBytes: 1 << 20,
  });
  return { received, client, close: () => server.close() };
}

test('a 503 with retry-after is waited out, retried and recorded as service unavailable', async ({}, testInfo) => {
  const server = await scriptedServer([unavailable('1')]);
  const started = Date.now();
  const response = await server.client.withHooks(recordingHooks(testInfo, () => {})).update('abc', { displayName: 'x' });
  server.close();
  expect(response.status).toBe(200);
  expect(response.unavailableWaits).toEqual([1]);
  expect(response.throttleWaits).toEqual([]);
  expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  expect(server.received).toHaveLength(2);
  expect(testInfo.annotations).toContainEqual({
    type: 'service unavailable',
    description: '503 on PUT; waited retry-after 1 s and retried',
  });
  expect(testInfo.annotations.filter(a => a.type === 'throttled')).toEqual([]);
});

test('every other answer stands: a 503 without a usable retry-after or naming a rate limit, and any other 5xx', async () => {
  const answers: [string, Answer][] = [
    ['a 503 without retry-after', unavailable()],
    ['a 503 with retry-after 3600', unavailable('3600')],
    ['a 503 with retry-after 0.5', unavailable('0.5')],
    [
      'a 503 whose error code is RateLimitExceeded (a 429 with the wrong status)',
      { status: 503, headers: { 'retry-after': '1', 'content-type': 'application/json' }, body: '{"error":{"code":"RateLimitExceeded"}}' },
    ],
    ['a 500 with retry-after', { status: 500, headers: { 'retry-after': '1' } }],
    ['a 502 with retry-after', { status: 502, headers: { 'retry-after': '1' } }],
    ['a 504 with retry-after', { status: 504, headers: { 'retry-after': '1' } }],
  ];
  for (const [name, answer] of answers) {
    const server = await scriptedServer([answer]);
    const response = await server.client.update('abc', { displayName: 'x' });
    server.close();
    expect(response.status, name).toBe(answer.status);
    expect(server.received, name).toHaveLength(1);
  }
  const server = await scriptedServer([unavailable('1')]);
  const response = await server.client.update('abc', {}, { retryWhenUnavailable: false });
  server.close();
  expect(response.status, 'retryWhenUnavailable: false').toBe(503);
});

test('a 503 that persists is handed back after the retries, which 429s and 503s share', async () => {
  const policy = { maxRetries: 2, maxSeconds: 90 };
  const persisting = await scriptedServer([unavailable('0'), unavailable('0'), unavailable('0'), unavailable('0')], policy);
  const last = await persisting.client.update('abc', { displayName: 'x' });
  persisting.close();
  expect(last.status).toBe(503);
  expect(persisting.received, 'the first try and 2 retries').toHaveLength(3);

  const throttled = { status: 429, headers: { 'retry-after': '0' } };
  const mixed = await scriptedServer([throttled, unavailable('0'), throttled, OK], policy);
  const answer = await mixed.client.update('abc', { displayName: 'x' });
  mixed.close();
  expect(answer.status, 'one count for both').toBe(429);
  expect(answer.throttleWaits).toEqual([0]);
  expect(answer.unavailableWaits).toEqual([0]);
  expect(mixed.received).toHaveLength(3);
});

test("one request's Accept, query and headers are sent, and recorded with the token and the cookie redacted", async ({}, testInfo) => {
  const server = await scriptedServer([]);
  const api = server.client.withHooks(recordingHooks(testInfo, () => {}));
  await api.update('abc', { displayName: 'x' }, { accept: '*/*' });
  await api.update(
    'abc',
    { displayName: 'x' },
    { credentials: 'none', query: { access_token: TOKEN }, headers: { Cookie: `access_token=${TOKEN}` } },
  );
  server.close();
  expect(server.received.map(r => r.headers.accept)).toEqual(['*/*', 'application/vnd.bentley.itwin-platform.v1+json']);
  expect(server.received[1]!.url).toBe(`/synchronization/imodels/storageconnections/abc?access_token=${TOKEN}`);
  expect(server.received[1]!.headers.cookie).toBe(`access_token=${TOKEN}`);
  expect(server.received[1]!.headers.authorization).toBeUndefined();
  const recorded = testInfo.attachments.map(a => a.body?.toString() ?? '').join('\n');
  expect(recorded).toContain('storageconnections/abc?access_token=<redacted>');
  expect(recorded).toContain('"cookie": "<redacted>"');
  expect(recorded).not.toContain(TOKEN);
});
