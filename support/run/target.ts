// What the run is pointed at: decided once by global setup from the configuration, and handed to the
// worker processes (which Playwright starts with the runner's environment) in one variable. Only
// this module writes or reads that variable; the worker fixture and the redacting reporter ask it.
import type { Connection } from '../contract/connection';
import { registerSecret } from '../report/secrets';
import type { CredentialSettings } from '../client/credential-settings';
import type { ProfileName } from './profiles';

/** How the suite reads a connection back: the GET sibling, or a PUT with an empty update (setup stops a run that can do neither). */
export type ReadMethod = 'GET' | 'PUT';

export interface Target {
  baseUrl: string;
  /** The token of the run: fixed, or with client credentials the one valid at start ... */
  token: string;
  /** ... until then (epoch ms); absent: it does not expire during the run. */
  tokenExpiresAt?: number;
  /** When that token was requested (epoch ms). */
  tokenObtainedAt?: number;
  /** With client credentials: what a worker needs to refresh the token itself. */
  credentials?: CredentialSettings;
  connectionId: string;
  /** The embedded mock, started for this run. */
  isEmbeddedMock: boolean;
  /** A named fault or variant the embedded mock runs with. */
  mockBehaviour?: string;
  /** A stand-in that is neither the real API nor the embedded mock (run/profiles.ts). */
  profile?: ProfileName;
  readMethod: ReadMethod;
  /** How long a read-back may lag a write before the write counts as lost (ms). */
  readLagMs: number;
  /** Why the connection's state could not be read at setup, if it could not: only the check that reads it runs. */
  unreadable?: string;
  /** The connection as it was before the run: what the suite restores. */
  original: Connection;
  /** Most requests the 429 probe may send; 0 when it is off. */
  probeMaxRequests: number;
  /** Longest wait for one answer, body included (ms). */
  deadlineMs: number;
  /** The largest response body the client reads whole (bytes); a larger one is a finding. */
  maxResponseBytes: number;
  /** Transport failures in a row, counted through a file shared by all workers, after which the target is unresponsive. */
  breaker: { file: string; threshold: number };
  /** Where the run's findings are claimed (support/checks/findings.ts): a folder of this run's own. */
  findingsDir?: string;
  /** The run's request budget, counted through a file shared by all workers; absent: unbounded. */
  budget?: { file: string; limit: number };
  /** The seed of the generated checks (CONFORMANCE_SEED, or drawn by global setup): every worker uses the same. */
  seed?: number;
  /** Cases per generated property (CONFORMANCE_GENERATED_CASES); absent: the default for the target. */
  generatedCases?: number;
}

const VARIABLE = 'CONFORMANCE_TARGET';

export function publishTarget(target: Target): void {
  registerSecret(target.token);
  process.env[VARIABLE] = JSON.stringify(target);
}

let read: Target | undefined;

/** The target of this run, or undefined outside a conformance run (the project's own tests). */
export function publishedTarget(): Target | undefined {
  if (read || !process.env[VARIABLE]) return read;
  read = JSON.parse(process.env[VARIABLE]) as Target;
  registerSecret(read.token);
  registerSecret(read.credentials?.clientSecret);
  return read;
}
