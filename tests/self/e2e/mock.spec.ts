// The embedded mock is a product part: it keeps the document's contract on its own (these checks do
// not go through the conformance suite), its rate limit answers with an honest retry-after, per client
// tier, it issues and validates tokens like the platform's authority, and with latencyMs it delays each
// answer as a network would, requests in flight at once side by side.
import crypto from 'node:crypto';
import http from 'node:http';
import * as jose from 'jose';
import { test, expect } from '../fixtures';
import { BEHAVIOURS } from '../../../mock/behaviours';
import type { StorageConnectionMock } from '../../../mock/server';
import { LOWEST_TIER_CLIENT_ID, MOCK_RATE_LIMIT } from '../../../mock/rate-limit';

const LIMIT = 3;
test.use({ mockOptions: { rateLimit: { limit: LIMIT, windowSeconds: 1 } } });
/** The test's mock (the mock fixture), for the helpers below. */
let mock: StorageConnectionMock;
test.beforeEach(({ mock: started }) => {
  mock = started;
});

function put(body: string, authorization: string | null = `Bearer ${mock.token}`, id = mock.connectionId) {
  return fetch(`${mock.url}/synchronization/imodels/storageconnections/${encodeURIComponent(id)}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', ...(authorization && { authorization }) },
    body,
  });
}

test('an update is applied, echoed as a schema-valid connection, and kept', async () => {
  const response = await put('{"displayName":"renamed","authenticationType":"Service"}');
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  const body = (await response.json()) as { connection?: object; error?: { code?: string } };
  await expect(body).toMatchSchema('StorageConnectionResponse');
  expect(body.connection).toMatchObject({ id: mock.connectionId, displayName: 'renamed', authenticationType: 'Service' });
  expect(mock.connection()).toMatchObject({ displayName: 'renamed', authenticationType: 'Service' });
});

test('documented refusals carry the documented codes and change nothing', async () => {
  const before = mock.connection();
  // The document names no code for an invalid token: only the status and the Error Response are checked.
  const cases: [Promise<Response>, number, string | undefined][] = [
    [put('{"displayName":"x"}', null), 401, 'HeaderNotFound'],
    [put('{"displayName":"x"}', 'Bearer wrong'), 401, undefined],
    [put('{"displayName":"x"}', null, 'a'.repeat(43)), 401, 'HeaderNotFound'],
    [put('{"displayName":"x"}', `Bearer ${mock.token}`, 'b'.repeat(43)), 404, 'StorageConnectionNotFound'],
  ];
  for (const [pending, status, code] of cases) {
    const response = await pending;
    expect(response.status).toBe(status);
    const body = (await response.json()) as { connection?: object; error?: { code?: string } };
    await expect(body).toMatchSchema('ErrorResponse');
    if (code) expect(body.error?.code).toBe(code);
  }
  const refused = await put('{"displayName":"partial","authenticationType":"Admin"}');
  expect(refused.status).toBe(422);
  expect(((await refused.json()) as { error: { details: unknown } }).error.details).toEqual([
    expect.objectContaining({ code: 'InvalidValue', target: 'authenticationType' }),
  ]);
  expect(mock.connection()).toEqual(before);
  expect(mock.connectionCount).toBe(1);
});

test('past the limit it answers 429 with retry-after, and after waiting that long it answers again', async () => {
  // The limit is per 1 s window, and requests under load may straddle two windows: send until the
  // first 429 (bounded), and require at least `limit` successes before it.
  const statuses: number[] = [];
  let throttled: Response | undefined;
  while (!throttled && statuses.length < 10) {
    const response = await put('{}');
    statuses.push(response.status);
    if (response.status === 429) throttled = response;
    else await response.text();
  }
  expect(throttled, `statuses: ${statuses.join(', ')}`).toBeDefined();
  const before = statuses.slice(0, -1);
  expect(before.length).toBeGreaterThanOrEqual(LIMIT);
  expect(before).toEqual(Array(before.length).fill(200));
  expect(throttled!.headers.get('retry-after')).toBe('1');
  await expect(await throttled!.json()).toMatchSchema('ErrorResponse');
  await new Promise(resolve => setTimeout(resolve, 1000));
  expect((await put('{}')).status).toBe(200);
});

test.describe('the default limit, per client tier', () => {
  test.use({ mockOptions: {} });

  test("the run's own token is not throttled by a burst; a token of the lowest tier is, with the seconds left", async () => {
    const burst = async (authorization: string, count: number) => {
      const statuses = await Promise.all(Array.from({ length: count }, () => put('{}', authorization).then(r => r.status)));
      return statuses.filter(status => status === 429).length;
    };
    expect(await burst(`Bearer ${mock.token}`, 100), "429s to the run's own token").toBe(0);
    const lowest = (await mock.issueToken({ clientId: LOWEST_TIER_CLIENT_ID })).access_token;
    // The tier's own figures (mock/rate-limit.ts), so that a change of tier changes this test with it.
    const tier = MOCK_RATE_LIMIT.tiers![LOWEST_TIER_CLIENT_ID]!;
    expect(await burst(`Bearer ${lowest}`, tier.limit), `the first ${tier.limit} of the lowest tier`).toBe(0);
    const throttled = await put('{}', `Bearer ${lowest}`);
    expect(throttled.status).toBe(429);
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(throttled.headers.get('retry-after'))).toBeLessThanOrEqual(tier.windowSeconds);
    expect(await burst(`Bearer ${mock.token}`, 1), "the run's own token is still served").toBe(0);
  });
});

test('a request aborted mid-body is dropped quietly and the mock keeps serving', async () => {
  const failures: unknown[] = [];
  const record = (error: unknown) => failures.push(error);
  process.on('unhandledRejection', record);
  process.on('uncaughtException', record);
  try {
    const { hostname, port } = new URL(mock.url);
    const req = http.request({
      host: hostname,
      port,
      method: 'PUT',
      path: `/synchronization/imodels/storageconnections/${encodeURIComponent(mock.connectionId)}`,
      headers: { 'content-type': 'application/json', 'content-length': '1000', authorization: `Bearer ${mock.token}` },
    });
    const closed = new Promise<void>(resolve => req.on('close', resolve));
    req.on('error', () => {}); // the client side of the abort is expected
    await new Promise<void>(resolve => req.write('{"displayName":"half', () => resolve()));
    await new Promise(resolve => setTimeout(resolve, 100)); // let the mock start reading the body
    req.destroy();
    await closed;
    await new Promise(resolve => setTimeout(resolve, 100)); // let the mock meet the abort
    const response = await put('{"displayName":"after the abort"}');
    expect(response.status).toBe(200);
    expect(mock.connection()).toMatchObject({ displayName: 'after the abort' });
    expect(mock.requestCount.total).toBe(1); // the aborted request never reached the operation
  } finally {
    process.off('unhandledRejection', record);
    process.off('uncaughtException', record);
  }
  expect(failures).toEqual([]);
});

test('a behaviour that throws gets a 500 and the mock keeps serving', async () => {
  mock.setBehaviour(() => {
    throw new Error('boom');
  });
  try {
    const failed = await put('{}');
    expect(failed.status).toBe(500);
    expect(await failed.text()).toContain('mock failure: Error: boom');
  } finally {
    mock.setBehaviour(undefined);
  }
  expect((await put('{}')).status).toBe(200);
});

test.describe('the mock as its own authority: signed tokens, validated like the platform', () => {
  const otherKey = () => jose.generateKeyPair('RS256');

  test('its token is an RS256 JWT that its published key verifies, with issuer, audience, scope and expiry', async () => {
    const discovery = (await (await fetch(`${mock.url}/.well-known/openid-configuration`)).json()) as { issuer: string; jwks_uri: string };
    expect(discovery.issuer).toBe(mock.url);
    const { payload, protectedHeader } = await jose.jwtVerify(mock.token, jose.createRemoteJWKSet(new URL(discovery.jwks_uri)), {
      issuer: discovery.issuer,
      audience: 'itwin-platform',
      algorithms: ['RS256'],
    });
    expect(protectedHeader.kid).toBeTruthy();
    expect(payload.scope).toEqual(['itwin-platform']);
    expect(payload.exp! - payload.iat!).toBe(24 * 3600);
  });

  test('each cause of the 401 is refused, and a token that breaks none is taken', async () => {
    const [header, payload, signature] = mock.token.split('.') as [string, string, string];
    const flipped = Buffer.from(signature, 'base64url');
    flipped[0]! ^= 1;
    const { privateKey } = await otherKey();
    const claims = jose.decodeJwt(mock.token);
    const foreign = await new jose.SignJWT({ ...claims }).setProtectedHeader({ alg: 'RS256', kid: 'other' }).sign(privateKey);
    const issued = async (request: object) => (await mock.issueToken(request)).access_token;
    const refused: [string, string][] = [
      ['another issuer, same key', `Bearer ${await issued({ issuer: 'https://other.invalid' })}`],
      ['the same claims, another key', `Bearer ${foreign}`],
      ['an altered signature', `Bearer ${header}.${payload}.${flipped.toString('base64url')}`],
      ['alg: none', `Bearer ${jose.base64url.encode('{"alg":"none"}')}.${payload}.`],
      ['expired', `Bearer ${await issued({ lifetimeSeconds: 60, issuedSecondsAgo: 120 })}`],
      ['another scope', `Bearer ${await issued({ scope: 'other-api' })}`],
      ['text after the token', `Bearer ${mock.token} more`],
      ['a space inside', `Bearer ${mock.token.slice(0, 50)} ${mock.token.slice(50)}`],
      ['no scheme', mock.token],
      ['an opaque token', 'Bearer wrong'],
    ];
    for (const [what, authorization] of refused) expect((await put('{"displayName":"x"}', authorization)).status, what).toBe(401);
    expect(mock.connection()?.displayName, 'no refused request wrote').not.toBe('x');
    const accepted: [string, string][] = [
      ['its own token', `Bearer ${mock.token}`],
      ['the scheme in lower case', `bearer ${mock.token}`],
      ['a token it issued with itwin-platform among other scopes', `Bearer ${await issued({ scope: 'other-api itwin-platform' })}`],
    ];
    for (const [what, authorization] of accepted) expect((await put('{}', authorization)).status, what).toBe(200);
  });

  test('two Authorization headers are refused, whichever holds the valid token', async () => {
    const { hostname, port } = new URL(mock.url);
    for (const lines of [
      [`Bearer ${mock.token}`, 'Bearer wrong'],
      ['Bearer wrong', `Bearer ${mock.token}`],
      [`Bearer ${mock.token}`, `Bearer ${mock.token}`],
    ]) {
      const status = await new Promise<number>((resolve, reject) => {
        const req = http.request({
          host: hostname,
          port,
          method: 'PUT',
          path: `/synchronization/imodels/storageconnections/${encodeURIComponent(mock.connectionId)}`,
          headers: { 'content-type': 'application/json', authorization: lines as unknown as string },
        });
        req.on('error', reject);
        req.on('response', res => resolve(res.resume().statusCode ?? 0));
        req.end('{}');
      });
      expect(status, lines.map(line => (line.includes(mock.token) ? 'valid' : line)).join(' + ')).toBe(401);
    }
  });

  test('POST /_mock/tokens issues what it is asked for, and refuses what it cannot read', async () => {
    const ask = (body: string) => fetch(`${mock.url}/_mock/tokens`, { method: 'POST', body });
    const response = await ask('{"scope":"a b","lifetimeSeconds":60,"issuedSecondsAgo":120}');
    expect(response.status).toBe(201);
    const issued = (await response.json()) as { access_token: string; expires_in: number; token_type: string };
    expect(issued).toMatchObject({ token_type: 'Bearer', expires_in: -60 });
    expect(jose.decodeJwt(issued.access_token)).toMatchObject({ scope: ['a', 'b'], iss: mock.url });
    for (const bad of ['[]', '{"lifetimeSeconds":-1}', '{"scope":""}', '{"admin":true}', 'x'])
      expect((await ask(bad)).status, bad).toBe(400);
    expect(mock.requestCount.total, 'helper requests are not requests of the operation').toBe(0);
  });
});

test.describe('behaviours of issue 18', () => {
  const request = (target: StorageConnectionMock, id: string, init: { query?: string; headers?: Record<string, string> } = {}) =>
    fetch(`${target.url}/synchronization/imodels/storageconnections/${encodeURIComponent(id)}${init.query ?? ''}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', ...init.headers },
      body: '{"displayName":"behaviour test"}',
    });
  /** The test's mock, answering from now on with the named behaviour of mock/behaviours.ts. */
  const withBehaviour = async (name: string, use: (target: StorageConnectionMock) => Promise<void>) => {
    mock.setBehaviour(BEHAVIOURS[name]!.behaviour);
    await use(mock);
  };
  const auth = (target: StorageConnectionMock) => ({ authorization: `Bearer ${target.token}` });

  test.describe('uuid-ids', () => {
    // Its seed (a UUID connection) is made when the mock starts.
    test.use({ mockOptions: { behaviour: BEHAVIOURS['uuid-ids']!.behaviour } });

    test('uuid-ids seeds a UUID connection, compares UUIDs without case and refuses ids of another shape with 422', async () => {
      await withBehaviour('uuid-ids', async target => {
        expect(target.connectionId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
        expect((await request(target, target.connectionId.toUpperCase(), { headers: auth(target) })).status).toBe(200);
        expect((await request(target, crypto.randomUUID(), { headers: auth(target) })).status).toBe(404);
        expect((await request(target, 'b'.repeat(43), { headers: auth(target) })).status).toBe(422);
        expect((await request(target, 'b'.repeat(43))).status, 'authentication first').toBe(401);
      });
    });
  });

  test('a near-miss lookup fault serves the real connection for an id one character away, the default mock does not', async () => {
    const nearMiss = (id: string) => `${id.slice(0, -1)}${id.endsWith('A') ? 'B' : 'A'}`;
    expect((await request(mock, nearMiss(mock.connectionId), { headers: auth(mock) })).status).toBe(404);
    await withBehaviour('lookup-ignores-last-character', async target => {
      expect((await request(target, nearMiss(target.connectionId), { headers: auth(target) })).status).toBe(200);
      expect(target.connection()?.displayName).toBe('behaviour test');
    });
  });

  test('the token in the query or a cookie is no credential to the default mock, but is to the faults that take it', async () => {
    const token = { query: `?access_token=${mock.token}`, cookie: { cookie: `access_token=${mock.token}` } };
    expect((await request(mock, mock.connectionId, { query: token.query })).status).toBe(401);
    expect((await request(mock, mock.connectionId, { headers: token.cookie })).status).toBe(401);
    await withBehaviour('token-in-query-accepted', async target => {
      expect((await request(target, target.connectionId, { query: `?access_token=${target.token}` })).status).toBe(200);
    });
    await withBehaviour('token-in-cookie-accepted', async target => {
      expect((await request(target, target.connectionId, { headers: { cookie: `a=b; access_token=${target.token}` } })).status).toBe(200);
    });
  });
});

test.describe('latency (MOCK_LATENCY_MS)', () => {
  const LATENCY = 300;
  test.use({ mockOptions: { latencyMs: LATENCY } });

  test('each answer of the operation waits the latency, requests in flight at once wait it side by side', async () => {
    // Bounds that hold on a busy machine: lower bounds, and one time against another measured here.
    let started = Date.now();
    for (const name of ['a', 'b', 'c']) expect((await put(`{"displayName":"${name}"}`)).status).toBe(200);
    const oneAfterAnother = Date.now() - started;
    expect(oneAfterAnother, 'three one after another').toBeGreaterThanOrEqual(3 * LATENCY - 5);
    started = Date.now();
    const answers = await Promise.all(['d', 'e', 'f'].map(name => put(`{"displayName":"${name}"}`)));
    const together = Date.now() - started;
    expect(answers.map(answer => answer.status)).toEqual([200, 200, 200]);
    expect(together, 'three at once').toBeGreaterThanOrEqual(LATENCY - 5);
    // A queue would take three latencies at once as one after another; timers overlap, as a network does.
    expect(together, 'three at once take about one latency, not three').toBeLessThan(oneAfterAnother - LATENCY);
    // Discovery is the authority's, outside the operation: not counted (and not delayed).
    expect((await fetch(`${mock.url}/.well-known/openid-configuration`)).status).toBe(200);
    expect(mock.requestCount.total).toBe(6);
  });
});
