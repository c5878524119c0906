// What the run is pointed at, decided once by global setup and handed to every worker through the
// environment (CONFORMANCE_TARGET), so all workers see the same target, token and original state.
import type { AuthenticationType } from '../mock/store';
import type { ProfileName } from './profiles';

export interface Connection {
  id?: string;
  iModelId?: string;
  iTwinId?: string;
  displayName?: string;
  authenticationType?: AuthenticationType;
  _links?: Record<string, { href?: string } | undefined>;
  [extra: string]: unknown;
}

/** How the suite reads a connection back: the GET sibling, or a PUT with an empty update (setup stops a run that can do neither). */
export type ReadMethod = 'GET' | 'PUT';

export interface Target {
  baseUrl: string;
  /** The token of the run; with client credentials, the one valid at start (workers refresh it through tokenFile). */
  token: string;
  /** With client credentials: the private file through which workers share and refresh the token. */
  tokenFile?: string;
  connectionId: string;
  /** The embedded mock, started for this run. */
  isEmbeddedMock: boolean;
  /** A stand-in that is neither the real API nor the embedded mock (support/profiles.ts). */
  profile?: ProfileName;
  readMethod: ReadMethod;
  /** The connection as it was before the run: what the suite restores. */
  original: Connection;
  /** Most requests the 429 probe may send; 0 when it is off. */
  probeMaxRequests: number;
  /** The run's request budget, counted through a file shared by all workers; absent: unbounded. */
  budget?: { file: string; limit: number };
}

const VARIABLE = 'CONFORMANCE_TARGET';

export function publishTarget(target: Target): void {
  process.env[VARIABLE] = JSON.stringify(target);
}

/** The target of this run, or undefined outside a conformance run. */
export function publishedTarget(): Target | undefined {
  return process.env[VARIABLE] ? currentTarget() : undefined;
}

export function currentTarget(): Target {
  const raw = process.env[VARIABLE];
  if (!raw) throw new Error(`${VARIABLE} is not set: run the suite through playwright.config.ts, whose global setup chooses the target.`);
  return JSON.parse(raw) as Target;
}
