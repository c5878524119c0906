// The client of a run's target, as a worker builds it from what global setup published: the token
// (refreshed with the run's client credentials before it expires), the shared request budget and pace.
import type { Target } from './target';
import { RequestBudget } from '../client/budget';
import { StorageConnectionsClient } from '../client/client';
import { Pacer } from '../client/pacer';
import { ClientCredentialsToken } from '../client/token';

export function clientFor(target: Target): StorageConnectionsClient {
  // Without a known expiry the token counts as expired, so the worker asks for one of its own.
  const initial = { accessToken: target.token, expiresAt: target.tokenExpiresAt ?? 0, obtainedAt: target.tokenObtainedAt };
  const credentials = target.credentials && new ClientCredentialsToken(target.credentials, initial, { timeoutMs: target.deadlineMs });
  return new StorageConnectionsClient({
    baseUrl: target.baseUrl,
    token: credentials ? () => credentials.get() : () => Promise.resolve(target.token),
    budget: target.budget && new RequestBudget(target.budget.file, target.budget.limit),
    pacer: new Pacer(target.pace),
    deadlineMs: target.deadlineMs,
    maxResponseBytes: target.maxResponseBytes,
  });
}
