// The client-credentials settings (IMS_*) of an unattended run, validated like the rest of the
// configuration: one line naming the variable and the fix, never the secret.
import { ConfigError } from './config-error';

export interface CredentialSettings {
  clientId: string;
  clientSecret: string;
  /** The authority without a trailing slash, e.g. https://ims.bentley.com. */
  authority: string;
  /** The token endpoint when given directly (IMS_TOKEN_URL); undefined: found by discovery. */
  tokenUrl?: string;
  /** Space-separated scopes. */
  scope: string;
  /** Another scope the service app holds, without itwin-platform (IMS_OTHER_SCOPE): for the 401 check of a missing scope. */
  otherScope?: string;
}

export const DEFAULT_AUTHORITY = 'https://ims.bentley.com';
export const DEFAULT_SCOPE = 'itwin-platform';
export const CREDENTIAL_VARIABLES = [
  'IMS_CLIENT_ID',
  'IMS_CLIENT_SECRET',
  'IMS_AUTHORITY',
  'IMS_TOKEN_URL',
  'IMS_SCOPE',
  'IMS_OTHER_SCOPE',
] as const;

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);
/** RFC 6749 3.3: scope tokens are printable ASCII without space, " and \, separated by single spaces. */
const SCOPES = /^[\x21\x23-\x5B\x5D-\x7E]+( [\x21\x23-\x5B\x5D-\x7E]+)*$/;

/** An https URL, or http on this machine only (a local fake); no query, fragment or credentials. */
export function parseEndpoint(variable: string, raw: string, example: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`${variable} "${raw}" is not a URL: set it to e.g. ${example}.`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname)))
    throw new ConfigError(
      `${variable} "${raw}" must be an https URL (http only on 127.0.0.1 or localhost), since the client secret is sent to it: set it to e.g. ${example}.`,
    );
  if (url.search || url.hash || url.username || url.password)
    throw new ConfigError(`${variable} must be a plain URL without query, fragment or credentials: set it to e.g. ${example}.`);
  return url.href;
}

/**
 * Undefined when neither IMS_CLIENT_ID nor IMS_CLIENT_SECRET is set (the run uses API_ACCESS_TOKEN or
 * the embedded mock); throws ConfigError with one line naming the variable and the fix. run/config.ts
 * passes the suite's variables.
 */
export function readCredentialSettings(env: NodeJS.ProcessEnv): CredentialSettings | undefined {
  const clientId = env.IMS_CLIENT_ID || undefined;
  const clientSecret = env.IMS_CLIENT_SECRET || undefined;
  if (!clientId && !clientSecret) {
    for (const name of ['IMS_AUTHORITY', 'IMS_TOKEN_URL', 'IMS_SCOPE', 'IMS_OTHER_SCOPE'] as const) {
      if (env[name])
        throw new ConfigError(
          `${name} is set but IMS_CLIENT_ID and IMS_CLIENT_SECRET are not: set both to the service app's credentials, or unset ${name}.`,
        );
    }
    return undefined;
  }
  if (!clientSecret)
    throw new ConfigError(
      "IMS_CLIENT_ID is set but IMS_CLIENT_SECRET is not: set IMS_CLIENT_SECRET to the service app's secret, or unset IMS_CLIENT_ID.",
    );
  if (!clientId)
    throw new ConfigError(
      "IMS_CLIENT_SECRET is set but IMS_CLIENT_ID is not: set IMS_CLIENT_ID to the service app's client id, or unset IMS_CLIENT_SECRET.",
    );
  if (/\s/.test(clientId)) throw new ConfigError('IMS_CLIENT_ID contains white space: set it to the client id alone, on one line.');
  if (/\s/.test(clientSecret))
    throw new ConfigError(
      'IMS_CLIENT_SECRET contains white space: set it to the secret alone, on one line (no quotes or line break copied with it).',
    );
  const authority = parseEndpoint('IMS_AUTHORITY', env.IMS_AUTHORITY || DEFAULT_AUTHORITY, DEFAULT_AUTHORITY).replace(/\/+$/, '');
  const tokenUrl = env.IMS_TOKEN_URL ? parseEndpoint('IMS_TOKEN_URL', env.IMS_TOKEN_URL, `${DEFAULT_AUTHORITY}/connect/token`) : undefined;
  const scope = (env.IMS_SCOPE ?? '').trim().replace(/\s+/g, ' ') || DEFAULT_SCOPE;
  if (!SCOPES.test(scope))
    throw new ConfigError(`IMS_SCOPE "${scope}" is not a list of scopes: set it to space-separated scopes, e.g. ${DEFAULT_SCOPE}.`);
  const otherScope = (env.IMS_OTHER_SCOPE ?? '').trim().replace(/\s+/g, ' ') || undefined;
  if (otherScope !== undefined && !SCOPES.test(otherScope))
    throw new ConfigError(
      `IMS_OTHER_SCOPE "${otherScope}" is not a list of scopes: set it to a scope the service app holds other than ${DEFAULT_SCOPE}, or unset it.`,
    );
  if (otherScope?.split(' ').includes(DEFAULT_SCOPE))
    throw new ConfigError(
      `IMS_OTHER_SCOPE "${otherScope}" includes ${DEFAULT_SCOPE}, so its token could not show a missing scope: set it to another scope the service app holds, or unset it.`,
    );
  return { clientId, clientSecret, authority, tokenUrl, scope, ...(otherScope && { otherScope }) };
}
