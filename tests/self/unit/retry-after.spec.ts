// The retry-after of a 503 (support/client/throttle.ts): delay-seconds, or an HTTP-date counted from the
// response's own Date (else this machine's clock), rounded up, within the bound; anything else is unusable.
import { test, expect } from '../fixtures';
import { unavailableRetryAfterSeconds } from '../../../support/client/throttle';

test("an HTTP-date retry-after is counted from the response's own Date, rounded up, within the bound", () => {
  const date = 'Wed, 02 Dec 2026 01:00:00 GMT';
  const wait = (retryAfter: string, headers: Record<string, string> = { date }) =>
    unavailableRetryAfterSeconds({ headers: { ...headers, 'retry-after': retryAfter }, json: undefined });
  expect(wait('Wed, 02 Dec 2026 01:00:02 GMT')).toBe(2);
  expect(wait('Wed, 02 Dec 2026 00:59:00 GMT'), 'a date already past: come back now').toBe(0);
  expect(wait('Wed, 02 Dec 2026 01:30:00 GMT'), 'past the 90 s bound').toBeUndefined();
  expect(wait('2026-12-02T01:00:02Z'), 'not an HTTP-date').toBeUndefined();
  expect(wait('0.5'), 'not whole seconds').toBeUndefined();
  expect(wait('7'), 'delay-seconds').toBe(7);
  const now = Date.parse(date);
  expect(
    unavailableRetryAfterSeconds({ headers: { 'retry-after': 'Wed, 02 Dec 2026 01:00:03 GMT' }, json: undefined }, undefined, now),
  ).toBe(3);
});
