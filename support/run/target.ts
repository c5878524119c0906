// What the run is pointed at: decided once by global setup from the configuration, and handed to the
// worker processes (which Playwright starts with the runner's environment). Only non-secret runtime
// data crosses in the environment (CONFORMANCE_TARGET); the token and the client secret go in a file
// of the run's own, mode 0600, in the run's temporary folder, whose path is in that data, removed at
// teardown: no dump of process.env shows them. Only this module writes or reads either; the worker
// fixture, the findings and the reporters ask publishedTarget(), which registers the secrets for redaction.
import fs from 'node:fs';
import path from 'node:path';
import type { Connection } from '../contract/connection';
import { registerSecret } from '../report/secrets';
import type { CredentialSettings } from '../client/credential-settings';
import type { PaceSettings } from '../client/pacer';
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
  /** The states the run wrote, one JSON line each, shared by all workers (support/checks/write-log.ts). */
  writesFile?: string;
  /** Where the answers of refused requests sent at once are kept for the run (support/checks/refusals.ts). */
  sentAheadDir?: string;
  /** Where the run's findings are claimed (support/checks/findings.ts): a folder of this run's own. */
  findingsDir?: string;
  /** The run's pace (CONFORMANCE_RATE_PER_MINUTE, CONFORMANCE_CONCURRENCY), its minute counted through a file shared by all workers. */
  pace: PaceSettings;
  /** The run's request budget, counted through a file shared by all workers; absent: unbounded. */
  budget?: { file: string; limit: number };
  /** The seed of the generated checks (CONFORMANCE_SEED, or drawn by global setup): every worker uses the same. */
  seed?: number;
  /** Cases per generated property (CONFORMANCE_GENERATED_CASES, or the default for the target). */
  generatedCases: number;
}

const VARIABLE = 'CONFORMANCE_TARGET';
const SECRETS_FILE = 'secrets.json';

/** The secrets of a target, kept out of the environment. */
interface Secrets {
  token: string;
  clientSecret?: string;
}

/** What crosses in the environment: the target without its secrets, and where they are. */
type Published = Omit<Target, 'token' | 'credentials'> & { credentials?: Omit<CredentialSettings, 'clientSecret'>; secretsFile: string };

let read: Target | undefined;
let secretsFile: string | undefined;

function register(target: Target): Target {
  registerSecret(target.token);
  registerSecret(target.credentials?.clientSecret);
  return target;
}

/** Publishes the target to the workers: the secrets into `runDir` (a folder of this run's own), the rest in the environment. */
export function publishTarget(target: Target, runDir: string): void {
  const { token, credentials, ...rest } = register(target);
  const file = path.join(runDir, SECRETS_FILE);
  const secrets: Secrets = { token, ...(credentials && { clientSecret: credentials.clientSecret }) };
  // wx: a file that already exists is never reused; 0600: readable by this user alone.
  fs.writeFileSync(file, JSON.stringify(secrets), { mode: 0o600, flag: 'wx' });
  secretsFile = file;
  const published: Published = { ...rest, ...(credentials && { credentials: withoutSecret(credentials) }), secretsFile: file };
  process.env[VARIABLE] = JSON.stringify(published);
  read = target;
}

function withoutSecret(settings: CredentialSettings): Omit<CredentialSettings, 'clientSecret'> {
  const copy: Partial<CredentialSettings> = { ...settings };
  delete copy.clientSecret;
  return copy as Omit<CredentialSettings, 'clientSecret'>;
}

/** Removes the file of secrets (teardown, or a setup that failed after publishing). */
export function withdrawTarget(): void {
  if (secretsFile) fs.rmSync(secretsFile, { force: true });
  secretsFile = undefined;
}

/** The target of this run, or undefined outside a conformance run (the project's own tests). */
export function publishedTarget(): Target | undefined {
  if (read || !process.env[VARIABLE]) return read;
  const { secretsFile: file, credentials, ...published } = JSON.parse(process.env[VARIABLE]) as Published;
  let secrets: Secrets;
  try {
    secrets = JSON.parse(fs.readFileSync(file, 'utf8')) as Secrets;
  } catch (error) {
    throw new Error(
      `the run's secrets could not be read from ${file} (${(error as NodeJS.ErrnoException).code ?? String(error)}): the run that published them has ended.`,
    );
  }
  const target: Target = {
    ...published,
    token: secrets.token,
    ...(credentials && { credentials: { ...credentials, clientSecret: secrets.clientSecret ?? '' } }),
  };
  read = register(target);
  return read;
}

/** The line global setup prints once the target is published. */
export function describeTarget(target: Target): string {
  const kind = target.isEmbeddedMock
    ? `embedded mock${target.mockBehaviour ? ` (behaviour ${target.mockBehaviour})` : ''} at `
    : target.profile
      ? `${target.profile} at `
      : '';
  const probe = target.probeMaxRequests ? `on, at most ${target.probeMaxRequests} requests` : 'off';
  return `Target: ${kind}${target.baseUrl}, connection ${target.connectionId} (read back with ${target.readMethod}); 429 probe ${probe}.`;
}
