// One parser per configuration variable: each turns the raw value into a typed one, or throws a
// ConfigError of one line naming the variable and the fix. support/run/config.ts puts them together.
// (The mock's catalogue is loaded only to judge a MOCK_BEHAVIOUR that is set: the runner and every
// worker read the configuration, and a run without one needs none of the mock's faults.)
import { ConfigError } from '../client/config-error';
import { DEFAULTS } from './config-defaults';
import { PROFILES, type ProfileName } from './profiles';

export function parseBaseUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(
      `API_BASE_URL "${raw}" is not a URL: set it to e.g. https://dev-api.bentley.com, or unset it to use the embedded mock.`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new ConfigError(`API_BASE_URL "${raw}" must use http or https: set it to e.g. https://dev-api.bentley.com.`);
  if (url.protocol === 'http:' && !['localhost', '127.0.0.1', '[::1]'].includes(url.hostname))
    throw new ConfigError(
      `API_BASE_URL "${raw}" is plain http to a remote host, so the token would travel unencrypted: set it to the https URL (plain http is for localhost only).`,
    );
  if (url.search || url.hash || url.username || url.password)
    throw new ConfigError(
      `API_BASE_URL must be a plain base URL without query, fragment or credentials: set it to e.g. https://dev-api.bentley.com.`,
    );
  return url.href.replace(/\/+$/, '');
}

export function parseToken(raw: string | undefined): string {
  if (!raw)
    throw new ConfigError(
      'API_ACCESS_TOKEN is not set but API_BASE_URL is: set it to a bearer token for the target (without the word Bearer), or set IMS_CLIENT_ID and IMS_CLIENT_SECRET to obtain one.',
    );
  if (/^bearer\s/i.test(raw))
    throw new ConfigError('API_ACCESS_TOKEN starts with "Bearer": set it to the token alone, without the word Bearer.');
  if (/\s/.test(raw)) throw new ConfigError('API_ACCESS_TOKEN contains white space: set it to the token alone, on one line.');
  return raw;
}

export function parseConnectionIds(raw: string | undefined): string[] {
  if (!raw)
    throw new ConfigError(
      'STORAGE_CONNECTION_ID is not set but API_BASE_URL is: set it to the id of a connection the suite may update (it is restored afterwards).',
    );
  const ids = raw.split(',').map(id => id.trim());
  // Ids are opaque (any length; 43 base64url characters in the document's examples, UUIDs elsewhere):
  // only what a URL path segment holds unescaped is taken, which keeps out pasted URLs and quotes.
  for (const id of ids) {
    if (!/^[A-Za-z0-9._~-]+$/.test(id))
      throw new ConfigError(
        `STORAGE_CONNECTION_ID "${raw}" is not a connection id or a comma-separated list of them (letters, digits, -, _, . and ~ only): copy the id from the connection's URL.`,
      );
  }
  if (new Set(ids).size !== ids.length)
    throw new ConfigError('STORAGE_CONNECTION_ID names a connection twice: set it to distinct ids, one connection per shard.');
  return ids;
}

export function parseBudget(raw: string | undefined): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > 1_000_000)
    throw new ConfigError(
      `CONFORMANCE_REQUEST_BUDGET "${raw}" is not a whole number from 1 to 1000000: set it to the most requests the run may send.`,
    );
  return Number(raw);
}

export function parseProfile(raw: string | undefined): ProfileName | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (!(raw in PROFILES))
    throw new ConfigError(
      `TARGET_PROFILE "${raw}" is not a known profile: set it to one of ${Object.keys(PROFILES).join(', ')}, or unset it.`,
    );
  return raw as ProfileName;
}

export function parseBehaviour(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { behaviourNamed } = require('../../mock/behaviours') as typeof import('../../mock/behaviours');
  try {
    behaviourNamed(raw);
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
  return raw;
}

export function parseReadLag(raw: string | undefined): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d+(\.\d+)?$/.test(raw) || Number(raw) > 60)
    throw new ConfigError(
      `CONFORMANCE_READ_LAG_SECONDS "${raw}" is not a number of seconds from 0 to 60: set it to how long a read may lag a write (default ${DEFAULTS.readLagSeconds}).`,
    );
  return Number(raw);
}

/** A whole number from `min` to `max`, or undefined when unset; `what` says what it is, for the one-line error. */
export function parseWhole(variable: string, raw: string | undefined, min: number, max: number, what: string): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max)
    throw new ConfigError(`${variable} "${raw}" is not a whole number from ${min} to ${max}: set it to ${what}.`);
  return Number(raw);
}

/** fast-check's seeds are 32-bit integers. */
export function parseSeed(raw: string | undefined): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (!/^-?\d+$/.test(raw) || Number(raw) < -2147483648 || Number(raw) > 2147483647)
    throw new ConfigError(
      `CONFORMANCE_SEED "${raw}" is not a whole number from -2147483648 to 2147483647: set it to the seed a run printed (Seed: N) to replay its generated cases, or unset it for a new seed.`,
    );
  return Number(raw);
}

export function parseGeneratedCases(raw: string | undefined): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d+$/.test(raw) || Number(raw) > 10_000)
    throw new ConfigError(
      `CONFORMANCE_GENERATED_CASES "${raw}" is not a whole number from 0 to 10000: set it to the cases each generated check sends (default ${DEFAULTS.generatedCases.mock} against the embedded mock, ${DEFAULTS.generatedCases.other} elsewhere), or 0 to turn them off.`,
    );
  return Number(raw);
}

export function parseProbeMax(raw: string | undefined): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d+$/.test(raw) || Number(raw) > 100_000)
    throw new ConfigError(
      `RATE_LIMIT_PROBE_MAX_REQUESTS "${raw}" is not a whole number from 0 to 100000: set it to the most requests the 429 probe may send, or 0 to turn it off.`,
    );
  return Number(raw);
}
