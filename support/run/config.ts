// The suite's configuration, read once per process from the environment and `.env` (dotenv) and
// validated before any request: a wrong value stops the run with one line naming the variable and
// the fix. suiteConfig() is its one owner; global setup turns it into the run's target.
import { registerSecret } from '../report/secrets';
import { ConfigError } from '../client/config-error';
import { CREDENTIAL_VARIABLES, readCredentialSettings, type CredentialSettings } from '../client/credential-settings';
import { loadDotEnv } from './dotenv';
import { NETWORK_VARIABLES, networkIfSet, proxySecrets, readNetworkSettings, type NetworkSettings } from '../client/network-settings';
import type { ProfileName } from './profiles';
import {
  parseBaseUrl,
  parseToken,
  parseConnectionIds,
  parseBudget,
  parseProfile,
  parseBehaviour,
  parseReadLag,
  parseWhole,
  parseSeed,
  parseGeneratedCases,
  parseProbeMax,
} from './config-parsers';

export { ConfigError, loadDotEnv };

export interface SuiteConfig {
  /** Target base URL without a trailing slash; undefined means "start the embedded mock" (or Prism, with that profile). */
  baseUrl?: string;
  /** A token given as it is (API_ACCESS_TOKEN) ... */
  accessToken?: string;
  /** ... or client credentials to obtain one (IMS_*). */
  credentials?: CredentialSettings;
  /** Connections the suite may update: one per shard of a sharded run. */
  connectionIds?: string[];
  /** Most requests the 429 probe may send; 0 turns it off. Undefined: the default for the target. */
  probeMaxRequests?: number;
  /** How long a read-back may lag a write before the write counts as lost (CONFORMANCE_READ_LAG_SECONDS). */
  readLagSeconds?: number;
  /** Longest wait for one answer, body included (CONFORMANCE_REQUEST_DEADLINE_SECONDS, default 30). */
  requestDeadlineSeconds?: number;
  /** Transport failures in a row after which the target counts as unresponsive (CONFORMANCE_UNRESPONSIVE_AFTER, default 3). */
  unresponsiveAfter?: number;
  /** The largest response body read whole (CONFORMANCE_MAX_RESPONSE_BYTES, default 10 MiB). */
  maxResponseBytes?: number;
  /** Most requests the whole run may send, the probe's included. Undefined: the default for the target. */
  requestBudget?: number;
  /** What kind of stand-in the target is (run/profiles.ts), if not the real API or the embedded mock. */
  profile?: ProfileName;
  /** A named fault or variant of the embedded mock (MOCK_BEHAVIOUR). */
  mockBehaviour?: string;
  /** The seed of the generated checks (CONFORMANCE_SEED); undefined: a new one each run. */
  seed?: number;
  /** Cases per generated property (CONFORMANCE_GENERATED_CASES); 0 turns them off. Undefined: the default for the target. */
  generatedCases?: number;
  /** The proxy and the extra CA certificates every request goes with (run/network-settings.ts); undefined: none of them is set. */
  network?: NetworkSettings;
}

/** Every variable the suite reads (the self-tests blank them to keep a developer's .env out). */
export const CONFIG_VARIABLES = [
  'API_BASE_URL',
  'API_ACCESS_TOKEN',
  'STORAGE_CONNECTION_ID',
  'RATE_LIMIT_PROBE_MAX_REQUESTS',
  'CONFORMANCE_REQUEST_BUDGET',
  'TARGET_PROFILE',
  'MOCK_BEHAVIOUR',
  'CONFORMANCE_READ_LAG_SECONDS',
  'CONFORMANCE_REQUEST_DEADLINE_SECONDS',
  'CONFORMANCE_UNRESPONSIVE_AFTER',
  'CONFORMANCE_MAX_RESPONSE_BYTES',
  'CONFORMANCE_SEED',
  'CONFORMANCE_GENERATED_CASES',
  ...CREDENTIAL_VARIABLES,
  ...NETWORK_VARIABLES,
] as const;
/** Default bound of the 429 probe against the embedded mock: five trials of a burst past its limit of 60 per second. */
export const MOCK_PROBE_MAX_REQUESTS = 800;
/** Default request budget of a run against a live target, besides the probe's own bound. */
export const LIVE_REQUEST_BUDGET = 300;

/** Validates the environment; throws ConfigError with a one-line message on the first bad value. */
export function readConfig(env: NodeJS.ProcessEnv = process.env): SuiteConfig {
  const probeMaxRequests = parseProbeMax(env.RATE_LIMIT_PROBE_MAX_REQUESTS);
  const readLagSeconds = parseReadLag(env.CONFORMANCE_READ_LAG_SECONDS);
  const transport = {
    requestDeadlineSeconds: parseWhole(
      'CONFORMANCE_REQUEST_DEADLINE_SECONDS',
      env.CONFORMANCE_REQUEST_DEADLINE_SECONDS,
      1,
      600,
      'the longest wait for one answer in seconds (default 30)',
    ),
    unresponsiveAfter: parseWhole(
      'CONFORMANCE_UNRESPONSIVE_AFTER',
      env.CONFORMANCE_UNRESPONSIVE_AFTER,
      1,
      100,
      'the transport failures in a row after which the target counts as unresponsive (default 3)',
    ),
    maxResponseBytes: parseWhole(
      'CONFORMANCE_MAX_RESPONSE_BYTES',
      env.CONFORMANCE_MAX_RESPONSE_BYTES,
      1024,
      1_073_741_824,
      'the largest response body to read whole, in bytes (default 10485760)',
    ),
  };
  const requestBudget = parseBudget(env.CONFORMANCE_REQUEST_BUDGET);
  const generated = { seed: parseSeed(env.CONFORMANCE_SEED), generatedCases: parseGeneratedCases(env.CONFORMANCE_GENERATED_CASES) };
  const profile = parseProfile(env.TARGET_PROFILE);
  const credentials = readCredentialSettings(env);
  const mockBehaviour = parseBehaviour(env.MOCK_BEHAVIOUR);
  const network = networkIfSet(readNetworkSettings(env));
  if (!env.API_BASE_URL) {
    for (const name of ['API_ACCESS_TOKEN', 'STORAGE_CONNECTION_ID', 'IMS_CLIENT_ID'] as const) {
      if (env[name])
        throw new ConfigError(
          `${name} is set but API_BASE_URL is not: set API_BASE_URL to the target, or unset ${name} to use the embedded ${profile ?? 'mock'}.`,
        );
    }
    return { probeMaxRequests, requestBudget, profile, mockBehaviour, readLagSeconds, ...transport, ...generated, network };
  }
  if (env.MOCK_BEHAVIOUR)
    throw new ConfigError(
      'MOCK_BEHAVIOUR is set but so is API_BASE_URL, and a behaviour applies to the embedded mock only: unset MOCK_BEHAVIOUR (or API_BASE_URL).',
    );
  if (requestBudget !== undefined && probeMaxRequests !== undefined && requestBudget < probeMaxRequests)
    throw new ConfigError(
      `CONFORMANCE_REQUEST_BUDGET ${requestBudget} is below RATE_LIMIT_PROBE_MAX_REQUESTS ${probeMaxRequests}: set the budget above the probe's bound, or lower the bound.`,
    );
  if (credentials && env.API_ACCESS_TOKEN)
    throw new ConfigError(
      'API_ACCESS_TOKEN and IMS_CLIENT_ID are both set: unset one of them (a token, or client credentials to obtain one).',
    );
  return {
    baseUrl: parseBaseUrl(env.API_BASE_URL),
    ...(credentials ? { credentials } : { accessToken: parseToken(env.API_ACCESS_TOKEN) }),
    connectionIds: parseConnectionIds(env.STORAGE_CONNECTION_ID),
    probeMaxRequests,
    readLagSeconds,
    ...transport,
    requestBudget,
    profile,
    ...generated,
    network,
  };
}

let loaded: SuiteConfig | undefined;

/**
 * The configuration of this process, read and validated on first use (`.env` included) and kept; its
 * secrets are registered for redaction. Throws ConfigError with a one-line message.
 */
export function suiteConfig(): SuiteConfig {
  if (loaded) return loaded;
  loadDotEnv();
  loaded = readConfig();
  registerSecret(loaded.accessToken);
  registerSecret(loaded.credentials?.clientSecret);
  for (const secret of loaded.network ? proxySecrets(loaded.network) : []) registerSecret(secret);
  return loaded;
}
