// A fixed-window rate limit per client, as the platform's gateway applies it per client subscription
// tier: past `limit` requests in a window, requests get 429 with `retry-after`, the whole seconds until
// the window ends. A client is a credential (the Authorization header); its tier is the client_id of its
// token: a client named in `tiers` gets that tier's limit, every other the default one.
import * as jose from 'jose';

/** Requests allowed per window and client. */
export interface RateLimitWindow {
  limit: number;
  windowSeconds: number;
}

export interface RateLimitOptions extends RateLimitWindow {
  /** The limits of other tiers, by the client_id of the token. */
  tiers?: Record<string, RateLimitWindow>;
}

/**
 * The client id of the mock's lowest tier: the embedded mock's 429 probe bursts with a token issued to
 * it (POST /_mock/tokens {"clientId": ...}), whose small limit it reaches in a few dozen requests
 * however busy the machine, while the run's own token keeps a limit the ordinary checks never reach.
 */
export const LOWEST_TIER_CLIENT_ID = 'conformance-lowest-tier-client';

/**
 * The embedded mock's limits. The run's tier: 5000 requests a minute, the platform's highest tier (a
 * whole run sends under 300). The lowest tier: 12 requests a second, which a probe sending 16 at once
 * exceeds with its first burst on any machine, and whose retry-after (1 s) costs a trial little.
 */
export const MOCK_RATE_LIMIT: RateLimitOptions = {
  limit: 5000,
  windowSeconds: 60,
  tiers: { [LOWEST_TIER_CLIENT_ID]: { limit: 12, windowSeconds: 1 } },
};

/** The client_id claim of a bearer JWT; undefined for anything else (a fixed token, say). */
function clientIdOf(authorization: string): string | undefined {
  try {
    const claim = jose.decodeJwt(authorization.replace(/^Bearer\s+/i, '')).client_id;
    return typeof claim === 'string' ? claim : undefined;
  } catch {
    return undefined;
  }
}

export class RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number; tier: RateLimitWindow }>();

  constructor(
    readonly options: RateLimitOptions,
    private readonly now = () => Date.now(),
  ) {}

  /** The limit of the client with this Authorization header. */
  tierOf(client: string): RateLimitWindow {
    const id = this.options.tiers && clientIdOf(client);
    return (id && this.options.tiers?.[id]) || this.options;
  }

  /** Counts one request of `client`; returns the seconds to wait when it is over the limit. */
  take(client: string): { allowed: true } | { allowed: false; retryAfterSeconds: number } {
    const now = this.now();
    let window = this.windows.get(client);
    if (!window || now - window.start >= window.tier.windowSeconds * 1000) {
      window = { start: now, count: 0, tier: this.tierOf(client) };
      this.windows.set(client, window);
    }
    window.count += 1;
    if (window.count <= window.tier.limit) return { allowed: true };
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((window.start + window.tier.windowSeconds * 1000 - now) / 1000)) };
  }

  reset(): void {
    this.windows.clear();
  }
}
