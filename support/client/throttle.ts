// The one retry-after policy of the suite: a throttled request (429) waits the whole seconds its
// retry-after names and is sent again, a few times at most and never for longer than a bound. A 429
// without a usable retry-after is not retried: it is handed back, for the checks to judge.
import type { ApiResponse } from './http';

export interface ThrottlePolicy {
  /** Retries of one request after a 429. */
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

export const sleep = (ms: number) => new Promise<void>(resolve => setTimeout(resolve, ms));
