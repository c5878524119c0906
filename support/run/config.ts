// The suite's configuration: read from the environment and the env file (`.env`), validated before any
// request, resolved (every default filled in, from config-defaults.ts) and frozen. A wrong value stops
// the run with one line naming the variable and the fix. This module is the only reader of the suite's
// variables: the rest of the suite receives values from it (the client and the reporters as options,
// the workers what global setup publishes, run/target.ts).
import path from 'node:path';
import { ConfigError } from '../client/config-error';
import { readCredentialSettings, type CredentialSettings } from '../client/credential-settings';
import { useNetworkSettings } from '../client/network';
import { DIRECT, networkIfSet, proxySecrets, readNetworkSettings, type NetworkSettings } from '../client/network-settings';
import { PROJECT_ROOT } from '../report/paths';
import { registerSecret } from '../report/secrets';
import { CONFIG_VARIABLES, DEFAULTS, REPORT_PRINTED_AFTER } from './config-defaults';
import * as parse from './config-parsers';
import { readDotEnv } from './dotenv';
import type { ProfileName } from './profiles';

export { ConfigError, CONFIG_VARIABLES, DEFAULTS, readDotEnv };

export interface OutputPaths {
  /** Where the reports go (CONFORMANCE_REPORTS_DIR), absolute. */
  readonly reportsDir: string;
  /** The drift history read and written at the end of a run (CONFORMANCE_DRIFT_HISTORY), absolute. */
  readonly driftHistoryFile: string;
}

export interface SuiteConfig extends OutputPaths {
  /** Target base URL without a trailing slash; undefined: a target started for the run (the embedded mock, or Prism). */
  readonly baseUrl?: string;
  /** The embedded mock is started for the run: no API_BASE_URL, and not the prism profile. */
  readonly embeddedMock: boolean;
  /** A live target (API_BASE_URL without TARGET_PROFILE): the run prints its plan and records the connection's original state. */
  readonly live: boolean;
  /** A token given as it is (API_ACCESS_TOKEN): secret ... */
  readonly accessToken?: string;
  /** ... or client credentials to obtain one (IMS_*): the client secret is secret. */
  readonly credentials?: Readonly<CredentialSettings>;
  /** Connections the suite may update: one per shard of a sharded run (a live target only). */
  readonly connectionIds?: readonly string[];
  /** Most requests the 429 probe may send; 0 when it is off. */
  readonly probeMaxRequests: number;
  /** Most requests the whole run may send, the probe's included; undefined: no bound (the embedded mock's default). */
  readonly requestBudget?: number;
  /** How long a read-back may lag a write before the write counts as lost. */
  readonly readLagSeconds: number;
  /** Longest wait for one answer, body included (the token endpoint's too). */
  readonly requestDeadlineSeconds: number;
  /** Transport failures in a row after which the target counts as unresponsive. */
  readonly unresponsiveAfter: number;
  /** Most requests the run sends in any minute (the 429 probe's burst aside). */
  readonly ratePerMinute: number;
  /** Most requests in flight at once. */
  readonly concurrency: number;
  /** Delay the embedded mock adds to each answer of the operation, in milliseconds. */
  readonly mockLatencyMs: number;
  /** The largest response body read whole; a larger one is a finding. */
  readonly maxResponseBytes: number;
  /** What kind of stand-in the target is (run/profiles.ts), if not the real API or the embedded mock. */
  readonly profile?: ProfileName;
  /** A named fault or variant of the embedded mock (MOCK_BEHAVIOUR). */
  readonly mockBehaviour?: string;
  /** The seed of the generated checks (CONFORMANCE_SEED); undefined: global setup draws one for the run. */
  readonly seed?: number;
  /** Cases per generated property; 0 turns them off. */
  readonly generatedCases: number;
  /** The proxy and the extra CA certificates (client/network-settings.ts); undefined: none is set. Proxy passwords are secret. */
  readonly network?: NetworkSettings;
  /** Where a live connection's original state is recorded during a run (CONFORMANCE_STATE_DIR), absolute. */
  readonly stateDir: string;
  /** npm run conformance prints the report's path after the run (CONFORMANCE_REPORT_PRINTED_AFTER). */
  readonly reportPrintedAfter: boolean;
}

/** The output paths alone, which nothing can make invalid: merge-reports and the scripts around a run need no target. */
export function readOutputPaths(env: NodeJS.ProcessEnv): OutputPaths {
  const reportsDir = path.resolve(PROJECT_ROOT, env.CONFORMANCE_REPORTS_DIR || DEFAULTS.reportsDir);
  const driftHistoryFile = path.resolve(PROJECT_ROOT, env.CONFORMANCE_DRIFT_HISTORY || path.join(reportsDir, DEFAULTS.driftHistoryFile));
  return { reportsDir, driftHistoryFile };
}

function readTransport(env: NodeJS.ProcessEnv) {
  const whole = (variable: string, min: number, max: number, what: string, fallback: number) =>
    parse.parseWhole(variable, env[variable], min, max, `${what} (default ${fallback})`) ?? fallback;
  return {
    readLagSeconds: parse.parseReadLag(env.CONFORMANCE_READ_LAG_SECONDS) ?? DEFAULTS.readLagSeconds,
    requestDeadlineSeconds: whole(
      'CONFORMANCE_REQUEST_DEADLINE_SECONDS',
      1,
      600,
      'the longest wait for one answer in seconds',
      DEFAULTS.requestDeadlineSeconds,
    ),
    unresponsiveAfter: whole(
      'CONFORMANCE_UNRESPONSIVE_AFTER',
      1,
      100,
      'the transport failures in a row after which the target counts as unresponsive',
      DEFAULTS.unresponsiveAfter,
    ),
    concurrency: whole('CONFORMANCE_CONCURRENCY', 1, 64, 'the most requests in flight at once', DEFAULTS.concurrency),
    mockLatencyMs: whole(
      'MOCK_LATENCY_MS',
      0,
      10_000,
      'the delay the embedded mock adds to each answer, in milliseconds',
      DEFAULTS.mockLatencyMs,
    ),
    maxResponseBytes: whole(
      'CONFORMANCE_MAX_RESPONSE_BYTES',
      1024,
      1_073_741_824,
      'the largest response body to read whole, in bytes',
      DEFAULTS.maxResponseBytes,
    ),
  };
}

/** The target's part: the URL and its credentials, or the embedded mock (or Prism); refuses a mixture. */
function readTarget(
  env: NodeJS.ProcessEnv,
  read: { profile?: ProfileName; budget?: number; probe?: number; credentials?: CredentialSettings },
): Pick<SuiteConfig, 'baseUrl' | 'accessToken' | 'credentials' | 'connectionIds'> {
  const { profile, budget, probe, credentials } = read;
  if (!env.API_BASE_URL) {
    for (const name of ['API_ACCESS_TOKEN', 'STORAGE_CONNECTION_ID', 'IMS_CLIENT_ID'] as const) {
      if (env[name])
        throw new ConfigError(
          `${name} is set but API_BASE_URL is not: set API_BASE_URL to the target, or unset ${name} to use the embedded ${profile ?? 'mock'}.`,
        );
    }
    return {};
  }
  if (env.MOCK_BEHAVIOUR)
    throw new ConfigError(
      'MOCK_BEHAVIOUR is set but so is API_BASE_URL, and a behaviour applies to the embedded mock only: unset MOCK_BEHAVIOUR (or API_BASE_URL).',
    );
  if (env.MOCK_LATENCY_MS)
    throw new ConfigError(
      'MOCK_LATENCY_MS is set but so is API_BASE_URL, and the delay applies to the embedded mock only: unset MOCK_LATENCY_MS (or API_BASE_URL).',
    );
  if (budget !== undefined && probe !== undefined && budget < probe)
    throw new ConfigError(
      `CONFORMANCE_REQUEST_BUDGET ${budget} is below RATE_LIMIT_PROBE_MAX_REQUESTS ${probe}: set the budget above the probe's bound, or lower the bound.`,
    );
  if (credentials && env.API_ACCESS_TOKEN)
    throw new ConfigError(
      'API_ACCESS_TOKEN and IMS_CLIENT_ID are both set: unset one of them (a token, or client credentials to obtain one).',
    );
  return {
    baseUrl: parse.parseBaseUrl(env.API_BASE_URL),
    ...(credentials ? { credentials } : { accessToken: parse.parseToken(env.API_ACCESS_TOKEN) }),
    connectionIds: parse.parseConnectionIds(env.STORAGE_CONNECTION_ID),
  };
}

/** Validates and resolves `env` (the variables as the suite sees them); throws ConfigError with a one-line message on the first bad value. */
export function readConfig(env: NodeJS.ProcessEnv): SuiteConfig {
  const probe = parse.parseProbeMax(env.RATE_LIMIT_PROBE_MAX_REQUESTS);
  const transport = readTransport(env);
  const budget = parse.parseBudget(env.CONFORMANCE_REQUEST_BUDGET);
  const seed = parse.parseSeed(env.CONFORMANCE_SEED);
  const cases = parse.parseGeneratedCases(env.CONFORMANCE_GENERATED_CASES);
  const profile = parse.parseProfile(env.TARGET_PROFILE);
  const credentials = readCredentialSettings(env);
  const mockBehaviour = parse.parseBehaviour(env.MOCK_BEHAVIOUR);
  const network = networkIfSet(readNetworkSettings(env));
  const target = readTarget(env, { profile, budget, probe, credentials });
  const embeddedMock = !target.baseUrl && profile !== 'prism';
  const byTarget = (defaults: { mock: number; other: number }) => (embeddedMock ? defaults.mock : defaults.other);
  const probeMaxRequests = probe ?? byTarget(DEFAULTS.probeMaxRequests);
  const config: SuiteConfig = {
    ...target,
    embeddedMock,
    live: !!target.baseUrl && !profile,
    probeMaxRequests,
    requestBudget: budget ?? (embeddedMock ? undefined : DEFAULTS.requestBudgetBesidesProbe + probeMaxRequests),
    ...transport,
    profile,
    mockBehaviour,
    seed,
    generatedCases: cases ?? byTarget(DEFAULTS.generatedCases),
    ratePerMinute:
      parse.parseWhole(
        'CONFORMANCE_RATE_PER_MINUTE',
        env.CONFORMANCE_RATE_PER_MINUTE,
        1,
        100_000,
        `the most requests the run sends in any minute (default ${DEFAULTS.ratePerMinute.other}, ${DEFAULTS.ratePerMinute.mock} against the embedded mock)`,
      ) ?? byTarget(DEFAULTS.ratePerMinute),
    network,
    ...readOutputPaths(env),
    stateDir: path.resolve(PROJECT_ROOT, env.CONFORMANCE_STATE_DIR || DEFAULTS.stateDir),
    reportPrintedAfter: !!env[REPORT_PRINTED_AFTER],
  };
  return deepFreeze(config);
}

/**
 * The variables as the suite sees them: the environment's, over those of the env file
 * (CONFORMANCE_ENV_FILE, default .env), which stay out of process.env. A variable set in the
 * environment, even to nothing, wins over the file's. Throws ConfigError on a malformed file.
 */
export function suiteEnvironment(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const file = path.resolve(process.cwd(), env.CONFORMANCE_ENV_FILE || DEFAULTS.envFile);
  return { ...readDotEnv(file), ...env };
}

/** The secret values of a configuration: the token, the client secret, the proxies' passwords (as user:password too). */
export function secretsOf(config: SuiteConfig): string[] {
  return [config.accessToken, config.credentials?.clientSecret, ...(config.network ? proxySecrets(config.network) : [])].filter(
    (value): value is string => !!value,
  );
}

let loaded: SuiteConfig | undefined;

/**
 * The configuration of this process, read on first use and kept: its secrets are registered for
 * redaction, and its network settings given to the client's dispatcher. Throws ConfigError with a
 * one-line message. (Workers load playwright.config.ts, which calls this too, on the same environment.)
 */
export function suiteConfig(): SuiteConfig {
  if (loaded) return loaded;
  loaded = readConfig(suiteEnvironment());
  for (const secret of secretsOf(loaded)) registerSecret(secret);
  useNetworkSettings(loaded.network ?? DIRECT);
  return loaded;
}

/**
 * Where this run's reports go, for merge-reports and the scripts around a run: the output paths alone.
 * A malformed env file is the run's own one-line error, so here the environment alone answers then.
 */
export function outputPaths(): OutputPaths {
  if (loaded) return loaded;
  try {
    return readOutputPaths(suiteEnvironment());
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return readOutputPaths(process.env);
  }
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}
