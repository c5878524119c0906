// Starts what the run is pointed at and gets its token: the embedded mock (started for the run), Prism
// (TARGET_PROFILE=prism without a URL), or the live target of API_BASE_URL with API_ACCESS_TOKEN or a
// token from client credentials. One connection per shard, so shards never race.
import fs from 'node:fs';
import path from 'node:path';
import type { FullConfig } from '@playwright/test';
import { behaviourNamed } from '../../mock/behaviours';
import { StorageConnectionMock } from '../../mock/server';
import { ClientCredentialsToken } from '../client/token';
import type { SuiteConfig } from './config';
import { SetupError } from './original-state';
import { reportPaths } from '../report/paths';
import { startPrism } from './prism';
import { PROFILES } from './profiles';

export interface StartedTarget {
  baseUrl: string;
  connectionId: string;
  isEmbeddedMock: boolean;
  /** The token valid now; with client credentials refreshed before it expires. */
  token: () => Promise<string>;
  /** With client credentials: the current token's lifetime. */
  tokenLifetime?: () => { expiresAt?: number; obtainedAt?: number };
  stop: () => Promise<void>;
}

/** The connection this run (or this shard of it) may change. */
function connectionFor(ids: readonly string[], shard: FullConfig['shard']): string {
  if (!shard || shard.total === 1) return ids[0]!;
  if (ids.length < shard.total)
    throw new SetupError(
      `this is shard ${shard.current} of ${shard.total} but STORAGE_CONNECTION_ID names ${ids.length} connection(s): give one per shard, comma-separated, so shards never change the same connection at once.`,
    );
  return ids[shard.current - 1]!;
}

const fixed = (token: string) => () => Promise.resolve(token);

export async function startTarget(config: SuiteConfig, shard: FullConfig['shard']): Promise<StartedTarget> {
  if (config.baseUrl) {
    const connectionId = connectionFor(config.connectionIds!, shard);
    const common = { baseUrl: config.baseUrl, connectionId, isEmbeddedMock: false, stop: async () => {} };
    if (!config.credentials) return { ...common, token: fixed(config.accessToken!) };
    // The token request is bounded like every other (CONFORMANCE_REQUEST_DEADLINE_SECONDS).
    const source = new ClientCredentialsToken(config.credentials, undefined, { timeoutMs: config.requestDeadlineSeconds * 1000 });
    return {
      ...common,
      token: () => source.get(),
      tokenLifetime: () => ({ expiresAt: source.current?.expiresAt, obtainedAt: source.current?.obtainedAt }),
    };
  }
  if (config.profile === 'prism') {
    const prism = await startPrism();
    const { env } = PROFILES.prism;
    return {
      baseUrl: prism.url,
      connectionId: env.STORAGE_CONNECTION_ID,
      isEmbeddedMock: false,
      token: fixed(env.API_ACCESS_TOKEN),
      stop: prism.stop,
    };
  }
  const mock = await StorageConnectionMock.create({
    behaviour: behaviourNamed(config.mockBehaviour)?.behaviour,
    latencyMs: config.mockLatencyMs,
  });
  return {
    baseUrl: mock.url,
    connectionId: mock.connectionId,
    isEmbeddedMock: true,
    token: fixed(mock.token),
    stop: async () => {
      const { mockRequests } = reportPaths(config.reportsDir);
      fs.mkdirSync(path.dirname(mockRequests), { recursive: true });
      fs.writeFileSync(mockRequests, JSON.stringify({ requests: mock.requestCount.total }) + '\n');
      console.log(`The embedded mock received ${mock.requestCount.total} requests.`);
      await mock.stop();
    },
  };
}
