// The embedded mock is a product part: it keeps the document's contract on its own (these checks do
// not go through the conformance suite) and its rate limit answers with an honest retry-after.
import { test, expect } from '../../support/fixtures';
import { StorageConnectionMock } from '../../mock/server';
import { RateLimiter } from '../../mock/rate-limit';

let mock: StorageConnectionMock;
test.beforeAll(async () => { mock = await StorageConnectionMock.create({ rateLimit: { limit: 3, windowSeconds: 1 } }); });
test.afterAll(async () => { await mock.stop(); });
test.beforeEach(() => mock.reset());

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
  const cases: [Promise<Response>, number, string][] = [
    [put('{"displayName":"x"}', null), 401, 'HeaderNotFound'],
    [put('{"displayName":"x"}', 'Bearer wrong'), 401, 'InvalidAuthorizationToken'],
    [put('{"displayName":"x"}', null, 'a'.repeat(43)), 401, 'HeaderNotFound'],
    [put('{"displayName":"x"}', `Bearer ${mock.token}`, 'b'.repeat(43)), 404, 'StorageConnectionNotFound'],
  ];
  for (const [pending, status, code] of cases) {
    const response = await pending;
    expect(response.status).toBe(status);
    const body = (await response.json()) as { connection?: object; error?: { code?: string } };
    await expect(body).toMatchSchema('ErrorResponse');
    expect(body.error?.code).toBe(code);
  }
  const refused = await put('{"displayName":"partial","authenticationType":"Admin"}');
  expect(refused.status).toBe(422);
  expect(((await refused.json()) as { error: { details: unknown } }).error.details).toEqual([expect.objectContaining({ code: 'InvalidValue', target: 'authenticationType' })]);
  expect(mock.connection()).toEqual(before);
  expect(mock.connectionCount).toBe(1);
});

test('past the limit it answers 429 with retry-after, and after waiting that long it answers again', async () => {
  for (let i = 0; i < 3; i++) expect((await put('{}')).status).toBe(200);
  const throttled = await put('{}');
  expect(throttled.status).toBe(429);
  expect(throttled.headers.get('retry-after')).toBe('1');
  await expect(await throttled.json()).toMatchSchema('ErrorResponse');
  await new Promise(resolve => setTimeout(resolve, 1000));
  expect((await put('{}')).status).toBe(200);
});

test('the rate limiter counts per client and tells the whole seconds left in the window', () => {
  let now = 0;
  const limiter = new RateLimiter({ limit: 2, windowSeconds: 5 }, () => now);
  expect([limiter.take('a'), limiter.take('a'), limiter.take('b')].every(r => r.allowed)).toBe(true);
  now = 1_200;
  expect(limiter.take('a')).toEqual({ allowed: false, retryAfterSeconds: 4 });
  now = 4_999;
  expect(limiter.take('a')).toEqual({ allowed: false, retryAfterSeconds: 1 });
  now = 5_000;
  expect(limiter.take('a')).toEqual({ allowed: true });
});
