// Every variable the suite reads, which of them hold a secret, and every default, in one place:
// support/run/config.ts resolves the configuration from them, the parsers quote the defaults in their
// one-line messages, and .env.example and docs/configuration.md describe the same values.
import { DEFAULT_AUTHORITY, DEFAULT_SCOPE } from '../client/credential-settings';

/** A default that depends on the target: the embedded mock (known limits, started for the run) or anything else. */
export interface ByTarget {
  readonly mock: number;
  readonly other: number;
}

export const DEFAULTS = Object.freeze({
  /** Most requests the 429 probe may send: five trials of a burst past the mock's limit; off elsewhere (RATE_LIMIT_PROBE_MAX_REQUESTS). */
  probeMaxRequests: Object.freeze({ mock: 800, other: 0 }) as ByTarget,
  /** Requests a run against anything but the embedded mock may send besides the probe's bound (CONFORMANCE_REQUEST_BUDGET); the mock: no bound. */
  requestBudgetBesidesProbe: 300,
  /** How long a read-back may lag a write before the write counts as lost, in seconds (CONFORMANCE_READ_LAG_SECONDS). */
  readLagSeconds: 3,
  /** Longest wait for one answer, body included, in seconds (CONFORMANCE_REQUEST_DEADLINE_SECONDS); the token endpoint's too. */
  requestDeadlineSeconds: 30,
  /** Transport failures in a row after which the target counts as unresponsive (CONFORMANCE_UNRESPONSIVE_AFTER). */
  unresponsiveAfter: 3,
  /** The largest response body read whole, in bytes (CONFORMANCE_MAX_RESPONSE_BYTES). */
  maxResponseBytes: 10 * 1024 * 1024,
  /**
   * Most requests the run sends in any minute (CONFORMANCE_RATE_PER_MINUTE): against anything but the
   * embedded mock, safely under the platform's lowest tier, about 500 a minute (../shared/reference/platform-notes.md);
   * against the mock, under the tier of its run token (5000 a minute, mock/rate-limit.ts). The 429 probe alone goes past it, by design.
   */
  ratePerMinute: Object.freeze({ mock: 4000, other: 400 }) as ByTarget,
  /** Most requests in flight at once, for the checks that cannot disturb each other (CONFORMANCE_CONCURRENCY). */
  concurrency: 8,
  /** Delay the embedded mock adds to each answer of the operation, in milliseconds (MOCK_LATENCY_MS): a live round trip, for the bench. */
  mockLatencyMs: 0,
  /** Most requests a run against the embedded mock sends with the defaults, the probe's included: what its closing line measures against. */
  mockRunRequests: 300,
  /** Cases per generated property (CONFORMANCE_GENERATED_CASES); the mock's 15 keep its run within mockRunRequests (docs/checks.md). */
  generatedCases: Object.freeze({ mock: 15, other: 5 }) as ByTarget,
  /** The authority and the scope of client credentials (IMS_AUTHORITY, IMS_SCOPE). */
  imsAuthority: DEFAULT_AUTHORITY,
  imsScope: DEFAULT_SCOPE,
  /** Where the reports go, from the project's root (CONFORMANCE_REPORTS_DIR). */
  reportsDir: 'reports',
  /** The drift history, in the reports folder (CONFORMANCE_DRIFT_HISTORY). */
  driftHistoryFile: 'drift-history.json',
  /** Where a live connection's original state is recorded during a run, from the project's root (CONFORMANCE_STATE_DIR). */
  stateDir: '.conformance-state',
  /** The file of variables read besides the environment, from the working folder (CONFORMANCE_ENV_FILE). */
  envFile: '.env',
});

/** Set by npm run conformance, which writes the Allure report after the run and prints its path then. */
export const REPORT_PRINTED_AFTER = 'CONFORMANCE_REPORT_PRINTED_AFTER';

/**
 * Every variable the suite reads, and what of its value is secret: 'value' (never printed, registered
 * for redaction), 'password' (a proxy URL's password and user:password), or false. The self-tests blank
 * them all in their child runs, to keep a developer's .env out.
 */
export const VARIABLES = {
  API_BASE_URL: false,
  API_ACCESS_TOKEN: 'value',
  STORAGE_CONNECTION_ID: false,
  TARGET_PROFILE: false,
  MOCK_BEHAVIOUR: false,
  MOCK_LATENCY_MS: false,
  RATE_LIMIT_PROBE_MAX_REQUESTS: false,
  CONFORMANCE_REQUEST_BUDGET: false,
  CONFORMANCE_READ_LAG_SECONDS: false,
  CONFORMANCE_RATE_PER_MINUTE: false,
  CONFORMANCE_CONCURRENCY: false,
  CONFORMANCE_REQUEST_DEADLINE_SECONDS: false,
  CONFORMANCE_UNRESPONSIVE_AFTER: false,
  CONFORMANCE_MAX_RESPONSE_BYTES: false,
  CONFORMANCE_SEED: false,
  CONFORMANCE_GENERATED_CASES: false,
  IMS_CLIENT_ID: false,
  IMS_CLIENT_SECRET: 'value',
  IMS_AUTHORITY: false,
  IMS_TOKEN_URL: false,
  IMS_SCOPE: false,
  IMS_OTHER_SCOPE: false,
  https_proxy: 'password',
  HTTPS_PROXY: 'password',
  http_proxy: 'password',
  HTTP_PROXY: 'password',
  no_proxy: false,
  NO_PROXY: false,
  CONFORMANCE_CA_FILE: false,
  CONFORMANCE_REPORTS_DIR: false,
  CONFORMANCE_DRIFT_HISTORY: false,
  CONFORMANCE_STATE_DIR: false,
  CONFORMANCE_ENV_FILE: false,
  [REPORT_PRINTED_AFTER]: false,
} as const satisfies Record<string, 'value' | 'password' | false>;

export type Variable = keyof typeof VARIABLES;

/** The names of every variable the suite reads. */
export const CONFIG_VARIABLES = Object.keys(VARIABLES) as Variable[];

/** The variables whose value, or a part of it, is a secret. */
export const SECRET_VARIABLES = CONFIG_VARIABLES.filter(name => VARIABLES[name]);
