// The mock's rate limit (mock/rate-limit.ts): a fixed window per client, whose tier is the client_id of
// its token; the retry-after is the whole seconds left in the window.
import * as jose from 'jose';
import { test, expect } from '../fixtures';
import { LOWEST_TIER_CLIENT_ID, MOCK_RATE_LIMIT, RateLimiter } from '../../../mock/rate-limit';

/** An unsigned token of this client (the limiter reads the claim; the operation has verified the signature). */
const tokenOf = (clientId: string) => `Bearer ${new jose.UnsecuredJWT({ client_id: clientId }).encode()}`;

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

test("a client named in the tiers gets its tier's limit and window; every other client, and a token that is no JWT, the default", () => {
  let now = 0;
  const limiter = new RateLimiter({ limit: 100, windowSeconds: 60, tiers: { small: { limit: 2, windowSeconds: 3 } } }, () => now);
  expect(limiter.tierOf(tokenOf('small'))).toEqual({ limit: 2, windowSeconds: 3 });
  expect(limiter.tierOf(tokenOf('another'))).toMatchObject({ limit: 100, windowSeconds: 60 });
  expect(limiter.tierOf('Bearer opaque-token')).toMatchObject({ limit: 100, windowSeconds: 60 });
  const small = tokenOf('small');
  expect([limiter.take(small), limiter.take(small)].every(r => r.allowed)).toBe(true);
  expect(limiter.take(small)).toEqual({ allowed: false, retryAfterSeconds: 3 });
  expect(limiter.take(tokenOf('another')), 'windows are per client').toEqual({ allowed: true });
  now = 3_000;
  expect(limiter.take(small)).toEqual({ allowed: true });
});

test("the embedded mock's lowest tier is reached by one burst of the probe (16 at a time); the run's tier is far above a run", () => {
  const lowest = MOCK_RATE_LIMIT.tiers![LOWEST_TIER_CLIENT_ID]!;
  expect(lowest.limit).toBeLessThan(16);
  expect(lowest.limit, 'above the bound of the self-test that skips the probe (8)').toBeGreaterThan(8);
  expect(MOCK_RATE_LIMIT.limit / MOCK_RATE_LIMIT.windowSeconds, "the run's tier, per second").toBeGreaterThanOrEqual(60);
});
