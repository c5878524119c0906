// The client of a run's target, as a worker builds it from what global setup published: the token
// (refreshed with the run's client credentials before it expires) and the shared request budget.
import type { Target } from '../run/target';
import { RequestBudget } from './budget';
import { StorageConnectionsClient } from './client';
import { ClientCredentialsToken } from './token';

export function clientFor(target: Target): StorageConnectionsClient {
  const credentials = target.credentials && new ClientCredentialsToken(target.credentials, { accessToken: target.token, expiresAt: target.tokenExpiresAt ?? Infinity });
  return new StorageConnectionsClient({
    baseUrl: target.baseUrl,
    token: credentials ? () => credentials.get() : () => Promise.resolve(target.token),
    budget: target.budget && new RequestBudget(target.budget.file, target.budget.limit),
  });
}
