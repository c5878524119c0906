// The one retry-after policy of the suite. A throttled request (429) waits the whole seconds its
// retry-after names and is sent again, a few times at most and never for longer than a bound. A 503
// Service Unavailable with a usable retry-after is RFC 9110's "come back later" (a gateway during a
// deployment or overload): it is waited out and retried within the same bounds, and the retries of one
// request count together, whatever their cause. A 429 or 503 without a usable retry-after, a 503 that
// persists past the retries, and any other 5xx are handed back, for the checks to judge.
import { ERROR_CODES, errorCodeOf, OTHER_RATE_LIMIT_CODES } from '../contract/operation';
import type { ApiResponse } from './http';

export interface ThrottlePolicy {
  /** Retries of one request after a 429 or a 503, together. */
  maxRetries: number;
  /** The longest retry-after the suite waits. */
  maxSeconds: number;
}

/** Six retries: even if other clients' traffic throttled one request in five at random, all seven tries would fail once in 78,000. */
export const DEFAULT_THROTTLE_POLICY: ThrottlePolicy = { maxRetries: 6, maxSeconds: 90 };

/** The seconds a 429 asks the client to wait, when it names a whole number within the bound. */
export function retryAfterSeconds(response: Pick<ApiResponse, 'headers'>, policy = DEFAULT_THROTTLE_POLICY): number | undefined {
  const value = response.headers['retry-after'];
  if (value === undefined || !/^\d+$/.test(value.trim())) return undefined;
  const seconds = Number(value.trim());
  return seconds <= policy.maxSeconds ? seconds : undefined;
}

/** An HTTP-date in its preferred form, e.g. `Sun, 06 Nov 1994 08:49:37 GMT` (RFC 9110, 5.6.7). */
const IMF_FIXDATE = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/;

const RATE_LIMIT_CODES: readonly unknown[] = [ERROR_CODES.rateLimited, ...OTHER_RATE_LIMIT_CODES];

/**
 * The seconds a 503 asks the client to wait, within the bound: retry-after as delay-seconds or as an
 * HTTP-date in its preferred form (RFC 9110, 10.2.3), counted from the response's own Date when it has one (the server's
 * clock), rounded up. Undefined when it has none usable, and for a 503 whose error code names a rate
 * limit: that is a throttle answered with the wrong status, for the checks (and the 429 probe) to see.
 */
export function unavailableRetryAfterSeconds(
  response: Pick<ApiResponse, 'headers' | 'json'>,
  policy = DEFAULT_THROTTLE_POLICY,
  now = Date.now(),
): number | undefined {
  if (RATE_LIMIT_CODES.includes(errorCodeOf(response.json))) return undefined;
  const value = response.headers['retry-after']?.trim();
  if (value === undefined || value === '') return undefined;
  if (/^\d+$/.test(value)) return retryAfterSeconds(response, policy);
  if (!IMF_FIXDATE.test(value)) return undefined;
  const until = Date.parse(value);
  const served = Date.parse(response.headers['date'] ?? '');
  const seconds = Math.max(0, Math.ceil((until - (Number.isNaN(served) ? now : served)) / 1000));
  return seconds <= policy.maxSeconds ? seconds : undefined;
}

/**
 * How long to wait before sending a request again, or undefined when its answer is final: a 429 unless
 * `retryWhenThrottled` is false (the 429 probe), a usable 503 unless `retryWhenUnavailable` is false.
 */
export function retryWaitOf(
  response: Pick<ApiResponse, 'status' | 'headers' | 'json'>,
  options: { retryWhenThrottled?: boolean; retryWhenUnavailable?: boolean },
  policy = DEFAULT_THROTTLE_POLICY,
): number | undefined {
  if (response.status === 429 && (options.retryWhenThrottled ?? true)) return retryAfterSeconds(response, policy);
  if (response.status === 503 && (options.retryWhenUnavailable ?? true)) return unavailableRetryAfterSeconds(response, policy);
  return undefined;
}

export const sleep = (ms: number) => new Promise<void>(resolve => setTimeout(resolve, ms));
