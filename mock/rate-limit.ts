// A fixed-window rate limit per client, as the platform's gateway applies it: past `limit` requests
// in a window, requests get 429 with `retry-after`, the whole seconds until the window ends.
export interface RateLimitOptions {
  /** Requests allowed per window and client. */
  limit: number;
  windowSeconds: number;
}

export class RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    readonly options: RateLimitOptions,
    private readonly now = () => Date.now(),
  ) {}

  /** Counts one request of `client`; returns the seconds to wait when it is over the limit. */
  take(client: string): { allowed: true } | { allowed: false; retryAfterSeconds: number } {
    const now = this.now();
    const windowMs = this.options.windowSeconds * 1000;
    let window = this.windows.get(client);
    if (!window || now - window.start >= windowMs) {
      window = { start: now, count: 0 };
      this.windows.set(client, window);
    }
    window.count += 1;
    if (window.count <= this.options.limit) return { allowed: true };
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((window.start + windowMs - now) / 1000)) };
  }

  reset(): void {
    this.windows.clear();
  }
}
