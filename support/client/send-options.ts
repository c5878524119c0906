// What one request of the client may change: its credentials, its Accept, a query and extra headers,
// whether a 429 or a 503 is waited out, and the budget. Defaults make the request the document
// describes: the run's bearer token, the recommended Accept, retries within the throttle policy.
import type { Credentials } from './http';

export interface SendOptions {
  credentials?: Credentials;
  /** A throttled request waits retry-after and is sent again (default true; the 429 probe turns it off). */
  retryWhenThrottled?: boolean;
  /** A 503 with a usable retry-after is waited out and sent again (default true; throttle.ts says which 503s). */
  retryWhenUnavailable?: boolean;
  /** The Accept of this request (default: the recommended vendor type). */
  accept?: string;
  /** Query parameters of this request, e.g. a token where the document does not put one. */
  query?: Record<string, string>;
  /** Extra headers of this request (after every other, so they win), e.g. a Cookie. */
  headers?: Record<string, string>;
  /** Sent outside the run's pace (the 429 probe's burst, whose job is to go past the target's limit). */
  unpaced?: boolean;
  /** Restoring the connection is never refused for want of budget. */
  outsideBudget?: boolean;
  /**
   * Authorization sent as these separate header lines instead of `credentials` (a malformed request:
   * fetch would merge them into one, so this request goes through undici's request).
   */
  authorizationLines?: string[];
}
