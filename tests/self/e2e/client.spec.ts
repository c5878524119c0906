// The typed client is the one place that sends requests: it must send bodies byte for byte, the
// recommended Accept header always, the credentials asked for, wait out a 429 by its retry-after (and
// hand back one it cannot trust), give up at its deadline, and, with the fixtures' recording layer,
// record each exchange with the credentials redacted.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { test, expect } from '../fixtures';
import { recordingHooks } from '../../../support/checks/recorder';
import { NO_BODY, raw, StorageConnectionsClient, TransportError } from '../../../support/client/client';
import { RECOMMENDED_ACCEPT } from '../../../support/contract/operation';
import { registerSecret } from '../../../support/report/secrets';

const TOKEN = 'secret-token-for-client-test';
registerSecret(TOKEN);

interface Received {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A server that records what it receives and answers with the scripted statuses, then 200. */
async function recordingServer(script: { status: number; headers?: Record<string, string> }[] = []) {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', chunk => (body += chunk));
    req.on('end', () => {
      received.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      const next = script.shift() ?? { status: 200 };
      res
        .writeHead(next.status, { 'content-type': 'application/json', ...next.headers })
        .end('{"error":{"code":"RateLimitExceeded","message":"m"}}');
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new StorageConnectionsClient({
    baseUrl,
    token: () => Promise.resolve(TOKEN),
    deadlineMs: 10_000,
    maxResponseBytes: 1 << 20,
  });
  return { received, client, close: () => server.close() };
}

test('bodies are sent byte for byte, with the recommended Accept header and the credentials asked for', async () => {
  const server = await recordingServer();
  const api = server.client;
  await api.update('abc', raw('{"displayName": '));
  await api.update('abc', raw('\ufeff{"a":1}'), { credentials: 'none' });
  await api.update('abc', { displayName: 'ü' }, { credentials: { authorization: 'Basic eDp5' } });
  await api.update('abc', NO_BODY);
  await api.get('a b');
  server.close();
  expect(server.received.map(r => r.body)).toEqual(['{"displayName": ', '\ufeff{"a":1}', '{"displayName":"ü"}', '', '']);
  expect(server.received.map(r => r.headers.accept)).toEqual(Array(5).fill(RECOMMENDED_ACCEPT));
  expect(server.received.map(r => r.headers.authorization)).toEqual([
    `Bearer ${TOKEN}`,
    undefined,
    'Basic eDp5',
    `Bearer ${TOKEN}`,
    `Bearer ${TOKEN}`,
  ]);
  expect(server.received.map(r => `${r.method} ${r.url}`)).toEqual([
    ...Array(4).fill('PUT /synchronization/imodels/storageconnections/abc'),
    'GET /synchronization/imodels/storageconnections/a%20b',
  ]);
});

test('a 429 outside the probe waits retry-after, shows the wait, and retries', async ({}, testInfo) => {
  const server = await recordingServer([{ status: 429, headers: { 'retry-after': '1' } }]);
  const api = server.client.withHooks(recordingHooks(testInfo, () => {}));
  const started = Date.now();
  const response = await api.update('abc', { displayName: 'x' });
  server.close();
  expect(response.status).toBe(200);
  expect(response.throttleWaits).toEqual([1]);
  // Timers may fire a millisecond or so early; 950 ms still proves the 1 s wait happened.
  expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  expect(server.received).toHaveLength(2);
  expect(testInfo.annotations).toContainEqual({ type: 'throttled', description: expect.stringContaining('waited retry-after 1 s') });
});

test('recorded exchanges never hold the token', async ({}, testInfo) => {
  const server = await recordingServer();
  const api = server.client.withHooks(recordingHooks(testInfo, () => {}));
  await api.update('abc', { displayName: 'x', accessToken: 'secret-token-for-client-test' });
  server.close();
  const recorded = testInfo.attachments.map(a => a.body?.toString() ?? '').join('\n');
  expect(recorded).toContain('"authorization": "Bearer <redacted>"');
  expect(recorded).toContain('"accessToken": "<redacted>"');
  expect(recorded).not.toContain('secret-token-for-client-test');
});

test('a 429 whose retry-after cannot be trusted is handed back, not retried', async () => {
  for (const headers of [{} as Record<string, string>, { 'retry-after': '0.5' }, { 'retry-after': 'soon' }, { 'retry-after': '3600' }]) {
    const server = await recordingServer([{ status: 429, headers }]);
    const response = await server.client.update('abc', { displayName: 'x' });
    server.close();
    expect(response.status, JSON.stringify(headers)).toBe(429);
    expect(server.received, JSON.stringify(headers)).toHaveLength(1);
  }
});

test('a target that does not answer is a transport error at the deadline, with the time it took', async () => {
  const sockets = new Set<import('node:net').Socket>();
  const silent = http.createServer(() => {});
  silent.on('connection', socket => sockets.add(socket));
  await new Promise<void>(resolve => silent.listen(0, '127.0.0.1', resolve));
  const client = new StorageConnectionsClient({
    baseUrl: `http://127.0.0.1:${(silent.address() as AddressInfo).port}`,
    token: () => Promise.resolve(TOKEN),
    deadlineMs: 300,
    maxResponseBytes: 1 << 20,
  });
  const started = Date.now();
  const error = await client.get('abc').then(
    () => undefined,
    (e: unknown) => e as Error,
  );
  for (const socket of sockets) socket.destroy();
  silent.close();
  expect(error).toBeInstanceOf(TransportError);
  expect(error!.message).toMatch(
    /^transport error on GET http:\/\/127\.0\.0\.1:\d+\/synchronization\/imodels\/storageconnections\/abc after \d+ ms: no answer within 0.3 s$/,
  );
  expect(Date.now() - started).toBeLessThan(2_000);
});
