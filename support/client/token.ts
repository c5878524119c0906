// Tokens for unattended runs: OAuth2 client credentials (a "service app") instead of a pasted
// API_ACCESS_TOKEN, through oauth4webapi (discovery, the grant request and the checks of its answer).
// The token endpoint is found by OpenID discovery on the authority unless IMS_TOKEN_URL gives it.
// Every failure is one line that says what to check and carries no secret.
import * as oauth from 'oauth4webapi';
import { redactText } from '../report/redact';
import { registerSecret } from '../report/secrets';
import { DEFAULT_AUTHORITY, parseEndpoint, type CredentialSettings } from './credential-settings';
import { networkFailureOf } from './network-failure';
import { networkFetch, networkSettings } from './network';

export class CredentialsError extends Error {
  override name = 'CredentialsError';
}

/** A bearer token and when it stops being valid (epoch milliseconds). */
export interface AccessToken {
  accessToken: string;
  expiresAt: number;
  /** When it was requested (epoch milliseconds); with expiresAt, its lifetime. */
  obtainedAt?: number;
}

export interface RequestOptions {
  /** How long one request to the authority may take, its body included (default 15 s). */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 15_000;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);
/** oauth4webapi refuses plain http; a fake authority on this machine is the one exception. */
const loopbackHttp = (url: string) => new URL(url).protocol === 'http:' && LOOPBACK.has(new URL(url).hostname);

/** Why a request got no answer, in a few words: "connection refused", "no answer within 15 s". */
function failureOf(error: unknown, timeoutMs: number): string {
  for (let e = error as { name?: string; cause?: unknown } | undefined, depth = 0; e && depth < 4; e = e.cause as typeof e, depth++)
    if (e.name === 'TimeoutError' || e.name === 'AbortError') return `no answer within ${timeoutMs / 1000} s`;
  const err = error as { message?: string; cause?: { code?: string; message?: string } };
  const known: Record<string, string> = {
    ECONNREFUSED: 'connection refused',
    ENOTFOUND: 'host not found',
    ECONNRESET: 'connection reset',
    EAI_AGAIN: 'host name lookup failed',
  };
  const code = err.cause?.code;
  return (code && (known[code] ?? code)) || err.cause?.message || err.message || String(error);
}

/**
 * The one line of a request that got no answer: "(reason): fix." When the way there is at fault (a
 * certificate, the proxy, DNS) the fix names that variable instead of `where`.
 */
function unreachable(error: unknown, url: string, where: string, fix: string, timeoutMs: number, secrets: readonly string[]): string {
  const network = networkFailureOf(error, url, where, networkSettings());
  return `(${scrub(network?.reason ?? failureOf(error, timeoutMs), secrets)}): ${network?.fix ?? fix}`;
}

/** Every request to the authority goes through the suite's dispatcher (proxy, extra CA certificates). */
const THROUGH_NETWORK = { [oauth.customFetch]: networkFetch };

/** One line of the server's own words, at most 200 characters, with every secret taken out. */
function scrub(text: string, secrets: readonly string[]): string {
  const out = redactText(text.replace(/\s+/g, ' ').trim(), secrets);
  return out.length > 200 ? `${out.slice(0, 199)}…` : out;
}

const isJson = (response: Response) => /^application\/([\w.+-]+\+)?json\b/i.test(response.headers.get('content-type') ?? '');
const contentTypeOf = (response: Response) => response.headers.get('content-type') ?? 'no content-type';

/** Finds the token endpoint from `{authority}/.well-known/openid-configuration`. */
async function discoverTokenEndpoint(authority: string, options: RequestOptions = {}): Promise<string> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const issuer = new URL(authority);
  const url = `${authority.replace(/\/+$/, '')}/.well-known/openid-configuration`;
  const fix = 'check IMS_AUTHORITY, or set IMS_TOKEN_URL';
  let response: Response;
  try {
    response = await oauth.discoveryRequest(issuer, {
      signal: () => AbortSignal.timeout(timeoutMs),
      [oauth.allowInsecureRequests]: loopbackHttp(authority),
      ...THROUGH_NETWORK,
    });
  } catch (error) {
    throw new CredentialsError(
      `the authority ${authority} could not be reached for OpenID discovery ${unreachable(error, url, 'IMS_AUTHORITY', fix, timeoutMs, [])}.`,
    );
  }
  if (response.status !== 200) throw new CredentialsError(`OpenID discovery at ${url} answered ${response.status}: ${fix}.`);
  if (!isJson(response))
    throw new CredentialsError(`OpenID discovery at ${url} answered with something that is not JSON (${contentTypeOf(response)}): ${fix}.`);
  let server: oauth.AuthorizationServer;
  try {
    server = await oauth.processDiscoveryResponse(issuer, response);
  } catch (error) {
    throw new CredentialsError(`OpenID discovery at ${url} gave an unusable answer (${scrub(failureOf(error, timeoutMs), [])}): ${fix}.`);
  }
  const endpoint = server.token_endpoint;
  if (typeof endpoint !== 'string' || !endpoint) throw new CredentialsError(`OpenID discovery at ${url} names no token_endpoint: ${fix}.`);
  try {
    return parseEndpoint('token_endpoint', endpoint, `${DEFAULT_AUTHORITY}/connect/token`);
  } catch {
    throw new CredentialsError(
      `OpenID discovery at ${url} names a token_endpoint the secret must not be sent to (${JSON.stringify(endpoint.slice(0, 200))}, not an https URL): ${fix}.`,
    );
  }
}

/** Token endpoints found by discovery, by authority: a refresh does not repeat the discovery. */
const discovered = new Map<string, string>();

async function discoveredEndpoint(authority: string, options: RequestOptions): Promise<string> {
  const known = discovered.get(authority);
  if (known) return known;
  const endpoint = await discoverTokenEndpoint(authority, options);
  discovered.set(authority, endpoint);
  return endpoint;
}

/** client_secret_basic (RFC 6749 2.3.1): the id and secret form-encoded, joined and base64-encoded. */
function basicAuthorization(clientId: string, clientSecret: string): string {
  const encode = (value: string) => new URLSearchParams({ v: value }).toString().slice(2);
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(clientSecret)}`).toString('base64')}`;
}

/** The one-line reason of a refused token request, naming what to check. */
async function refusal(
  response: Response,
  tokenUrl: string,
  where: string,
  settings: CredentialSettings,
  secrets: string[],
): Promise<CredentialsError> {
  if (response.status >= 300 && response.status < 400)
    return new CredentialsError(
      `the token endpoint ${tokenUrl} redirected (${response.status}) instead of answering: set IMS_TOKEN_URL to the endpoint itself.`,
    );
  const body = ((isJson(response) ? await response.json().catch(() => ({})) : {}) ?? {}) as {
    error?: unknown;
    error_description?: unknown;
  };
  const code = typeof body.error === 'string' ? scrub(body.error, secrets) : undefined;
  const detail =
    typeof body.error_description === 'string' && body.error_description ? `, "${scrub(body.error_description, secrets)}"` : '';
  const what = `${response.status}${code ? ` ${code}` : ''}${detail}`;
  if (code === 'invalid_scope')
    return new CredentialsError(
      `the token endpoint ${tokenUrl} refused the scope "${settings.scope}" (${what}): check IMS_SCOPE and the scopes the service app was given.`,
    );
  if (response.status === 401 || ['invalid_client', 'unauthorized_client', 'invalid_grant'].includes(code ?? ''))
    return new CredentialsError(
      `the token endpoint ${tokenUrl} refused the client credentials (${what}): check IMS_CLIENT_ID and IMS_CLIENT_SECRET.`,
    );
  return new CredentialsError(`the token endpoint ${tokenUrl} answered ${what}: check ${where}, or try again later.`);
}

/** Gets a token with the client-credentials grant; every failure is a CredentialsError of one line. */
export async function fetchClientCredentialsToken(settings: CredentialSettings, options: RequestOptions = {}): Promise<AccessToken> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const tokenUrl = settings.tokenUrl ?? (await discoveredEndpoint(settings.authority, options));
  const where = settings.tokenUrl ? 'IMS_TOKEN_URL' : 'IMS_AUTHORITY';
  const authorization = basicAuthorization(settings.clientId, settings.clientSecret);
  const secrets = [settings.clientSecret, authorization, authorization.slice('Basic '.length)];
  const server: oauth.AuthorizationServer = { issuer: settings.authority, token_endpoint: tokenUrl };
  const client: oauth.Client = { client_id: settings.clientId };
  const clientAuth: oauth.ClientAuth = (_server, _client, _body, headers) => headers.set('authorization', authorization);
  const started = Date.now();
  let response: Response;
  try {
    // oauth4webapi never follows a redirect, which would resend the credentials somewhere else.
    response = await oauth.clientCredentialsGrantRequest(
      server,
      client,
      clientAuth,
      { scope: settings.scope },
      { signal: () => AbortSignal.timeout(timeoutMs), [oauth.allowInsecureRequests]: loopbackHttp(tokenUrl), ...THROUGH_NETWORK },
    );
  } catch (error) {
    throw new CredentialsError(
      `the token endpoint ${tokenUrl} could not be reached ${unreachable(error, tokenUrl, where, `check ${where}`, timeoutMs, secrets)}.`,
    );
  }
  if (!response.ok) throw await refusal(response, tokenUrl, where, settings, secrets);
  if (!isJson(response))
    throw new CredentialsError(
      `the token endpoint ${tokenUrl} answered ${response.status} with something that is not JSON (${scrub(contentTypeOf(response), secrets)}): check ${where}.`,
    );
  let result: oauth.TokenEndpointResponse;
  try {
    result = await oauth.processClientCredentialsResponse(server, client, response);
  } catch (error) {
    throw new CredentialsError(
      `the token endpoint ${tokenUrl} answered ${response.status} without a usable bearer token (${scrub(failureOf(error, timeoutMs), secrets)}): check ${where}.`,
    );
  }
  // RFC 6749 makes expires_in optional; the platform's tokens live about an hour.
  const token = { accessToken: result.access_token, expiresAt: started + (result.expires_in ?? 3600) * 1000, obtainedAt: started };
  registerSecret(token.accessToken);
  return token;
}

export interface ClientCredentialsTokenOptions extends RequestOptions {
  /** Refresh this long before expiry (default 60 s; at most half the token's lifetime is kept back). */
  refreshMarginMs?: number;
}

/**
 * The run's token in one process: `get()` answers from memory while the token is valid for more than
 * the margin, otherwise fetches a new one; concurrent callers share one request. A refresh that fails
 * while the current token is still valid keeps that token (and is tried again on the next call).
 * Global setup hands its token to the workers, so a run asks the authority once unless it outlives
 * the token.
 */
export class ClientCredentialsToken {
  current?: AccessToken;
  private readonly created = Date.now();
  private refreshing?: Promise<AccessToken>;

  constructor(
    private readonly settings: CredentialSettings,
    initial?: AccessToken,
    private readonly options: ClientCredentialsTokenOptions = {},
  ) {
    this.current = initial;
    registerSecret(initial?.accessToken);
  }

  async get(): Promise<string> {
    const current = this.current;
    if (current && this.isFresh(current)) return current.accessToken;
    this.refreshing ??= fetchClientCredentialsToken(this.settings, this.options)
      .then(token => (this.current = token))
      .finally(() => (this.refreshing = undefined));
    try {
      return (await this.refreshing).accessToken;
    } catch (error) {
      if (current && Date.now() < current.expiresAt) return current.accessToken;
      throw error;
    }
  }

  /** Valid for more than the margin, or than half its lifetime for tokens shorter than twice the margin. */
  private isFresh(token: AccessToken, now = Date.now()): boolean {
    const keepBack = Math.min(this.options.refreshMarginMs ?? 60_000, (token.expiresAt - (token.obtainedAt ?? this.created)) / 2);
    return now < token.expiresAt - keepBack;
  }
}
