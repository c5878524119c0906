// Tokens for unattended runs: OAuth2 client credentials (a "service app") instead of a pasted
// API_ACCESS_TOKEN. The settings are validated like the rest of the configuration; the token endpoint
// is found by OpenID discovery on the authority unless IMS_TOKEN_URL gives it; one token is shared by
// every worker of a run through a private file and refreshed, by one process only, before it expires.
// No error message ever carries the client secret, the token or the Basic header.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError } from './config-error';

export class CredentialsError extends Error {
  override name = 'CredentialsError';
}

export interface CredentialSettings {
  clientId: string;
  clientSecret: string;
  /** The authority without a trailing slash, e.g. https://ims.bentley.com. */
  authority: string;
  /** The token endpoint when given directly (IMS_TOKEN_URL); undefined: found by discovery. */
  tokenUrl?: string;
  /** Space-separated scopes. */
  scope: string;
}

/** A bearer token and when it stops being valid (epoch milliseconds). */
export interface AccessToken {
  accessToken: string;
  expiresAt: number;
}

export const DEFAULT_AUTHORITY = 'https://ims.bentley.com';
export const DEFAULT_SCOPE = 'itwin-platform';
export const CREDENTIAL_VARIABLES = ['IMS_CLIENT_ID', 'IMS_CLIENT_SECRET', 'IMS_AUTHORITY', 'IMS_TOKEN_URL', 'IMS_SCOPE'] as const;
/** The variable through which global setup tells the workers where the run's token is kept. */
export const TOKEN_FILE_VARIABLE = 'CONFORMANCE_TOKEN_FILE';
/** Refresh a token this long before it expires (the platform's advice: a minute). */
export const DEFAULT_REFRESH_MARGIN_MS = 60_000;
/** How long one request to the authority may take. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 15_000;

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** An https URL, or http on this machine only (a local fake); no query, fragment or credentials. */
function parseEndpoint(variable: string, raw: string, example: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`${variable} "${raw}" is not a URL: set it to e.g. ${example}.`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname)))
    throw new ConfigError(`${variable} "${raw}" must be an https URL (http only on 127.0.0.1 or localhost), since the client secret is sent to it: set it to e.g. ${example}.`);
  if (url.search || url.hash || url.username || url.password)
    throw new ConfigError(`${variable} must be a plain URL without query, fragment or credentials: set it to e.g. ${example}.`);
  return url.href;
}

/**
 * Validates the client-credentials settings. Undefined when neither IMS_CLIENT_ID nor IMS_CLIENT_SECRET
 * is set (the run uses API_ACCESS_TOKEN or the embedded mock); throws ConfigError with one line naming
 * the variable and the fix. Messages never contain the secret.
 */
export function readCredentialSettings(env: NodeJS.ProcessEnv = process.env): CredentialSettings | undefined {
  const clientId = env.IMS_CLIENT_ID || undefined;
  const clientSecret = env.IMS_CLIENT_SECRET || undefined;
  if (!clientId && !clientSecret) {
    for (const name of ['IMS_AUTHORITY', 'IMS_TOKEN_URL', 'IMS_SCOPE'] as const) {
      if (env[name]) throw new ConfigError(`${name} is set but IMS_CLIENT_ID and IMS_CLIENT_SECRET are not: set both to the service app's credentials, or unset ${name}.`);
    }
    return undefined;
  }
  if (!clientSecret) throw new ConfigError('IMS_CLIENT_ID is set but IMS_CLIENT_SECRET is not: set IMS_CLIENT_SECRET to the service app\'s secret, or unset IMS_CLIENT_ID.');
  if (!clientId) throw new ConfigError('IMS_CLIENT_SECRET is set but IMS_CLIENT_ID is not: set IMS_CLIENT_ID to the service app\'s client id, or unset IMS_CLIENT_SECRET.');
  if (/\s/.test(clientId)) throw new ConfigError('IMS_CLIENT_ID contains white space: set it to the client id alone, on one line.');
  if (/\s/.test(clientSecret)) throw new ConfigError('IMS_CLIENT_SECRET contains white space: set it to the secret alone, on one line (no quotes or line break copied with it).');
  const authority = parseEndpoint('IMS_AUTHORITY', env.IMS_AUTHORITY || DEFAULT_AUTHORITY, DEFAULT_AUTHORITY).replace(/\/+$/, '');
  const tokenUrl = env.IMS_TOKEN_URL ? parseEndpoint('IMS_TOKEN_URL', env.IMS_TOKEN_URL, `${DEFAULT_AUTHORITY}/connect/token`) : undefined;
  const scope = (env.IMS_SCOPE ?? '').trim().replace(/\s+/g, ' ') || DEFAULT_SCOPE;
  // RFC 6749 3.3: scope tokens are printable ASCII without space, " and \.
  if (!/^[\x21\x23-\x5B\x5D-\x7E]+( [\x21\x23-\x5B\x5D-\x7E]+)*$/.test(scope))
    throw new ConfigError(`IMS_SCOPE "${scope}" is not a list of scopes: set it to space-separated scopes, e.g. ${DEFAULT_SCOPE}.`);
  return { clientId, clientSecret, authority, tokenUrl, scope };
}

export interface RequestOptions {
  /** How long one request may take (default 15 s). */
  timeoutMs?: number;
}

/** Why a request got no answer, in a few words: "connection refused", "no answer within 15 s". */
function failureOf(error: unknown, timeoutMs: number): string {
  const err = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (err.name === 'TimeoutError' || err.name === 'AbortError') return `no answer within ${timeoutMs / 1000} s`;
  const code = err.cause?.code;
  const known: Record<string, string> = { ECONNREFUSED: 'connection refused', ENOTFOUND: 'host not found', ECONNRESET: 'connection reset', EAI_AGAIN: 'host name lookup failed' };
  return (code && (known[code] ?? code)) || err.cause?.message || err.message || String(error);
}

interface Answer {
  status: number;
  ok: boolean;
  json: unknown;
  isJson: boolean;
  contentType: string;
}

/** One request, its body read within the same timeout; the reason in a few words when no answer came. */
async function send(url: string, init: RequestInit, timeoutMs: number): Promise<Answer | { failure: string }> {
  try {
    const response = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    const contentType = response.headers.get('content-type') ?? 'no content-type';
    const text = await response.text();
    let json: unknown;
    let isJson = true;
    try {
      json = JSON.parse(text);
    } catch {
      isJson = false;
    }
    return { status: response.status, ok: response.ok, json, isJson, contentType };
  } catch (error) {
    return { failure: failureOf(error, timeoutMs) };
  }
}

/** Finds the token endpoint from `{authority}/.well-known/openid-configuration`. */
export async function discoverTokenEndpoint(authority: string, options: RequestOptions = {}): Promise<string> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const url = `${authority.replace(/\/+$/, '')}/.well-known/openid-configuration`;
  const answer = await send(url, { headers: { accept: 'application/json' } }, timeoutMs);
  if ('failure' in answer)
    throw new CredentialsError(`the authority ${authority} could not be reached for OpenID discovery (${answer.failure}): check IMS_AUTHORITY, or set IMS_TOKEN_URL.`);
  const { json, isJson, contentType } = answer;
  if (!answer.ok)
    throw new CredentialsError(`OpenID discovery at ${url} answered ${answer.status}: check IMS_AUTHORITY, or set IMS_TOKEN_URL.`);
  if (!isJson)
    throw new CredentialsError(`OpenID discovery at ${url} answered with something that is not JSON (${contentType}): check IMS_AUTHORITY, or set IMS_TOKEN_URL.`);
  const endpoint = (json as { token_endpoint?: unknown } | null)?.token_endpoint;
  if (typeof endpoint !== 'string' || !endpoint)
    throw new CredentialsError(`OpenID discovery at ${url} names no token_endpoint: check IMS_AUTHORITY, or set IMS_TOKEN_URL.`);
  try {
    return parseEndpoint('token_endpoint', endpoint, `${DEFAULT_AUTHORITY}/connect/token`);
  } catch {
    throw new CredentialsError(`OpenID discovery at ${url} names a token_endpoint the secret must not be sent to (${JSON.stringify(endpoint.slice(0, 200))}, not an https URL): check IMS_AUTHORITY, or set IMS_TOKEN_URL.`);
  }
}

/** RFC 6749 2.3.1: the client id and secret are form-encoded before they are joined and base64-encoded. */
function basicAuthorization(clientId: string, clientSecret: string): string {
  const encode = (value: string) => new URLSearchParams({ v: value }).toString().slice(2);
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(clientSecret)}`).toString('base64')}`;
}

/** One line of the server's own words, at most 200 characters, with every secret taken out. */
function scrub(text: string, secrets: readonly string[]): string {
  let out = text.replace(/\s+/g, ' ').trim();
  for (const secret of secrets) if (secret) out = out.split(secret).join('<redacted>');
  return out.length > 200 ? `${out.slice(0, 199)}…` : out;
}

/**
 * Gets a token with the client-credentials grant: the endpoint from IMS_TOKEN_URL or discovery, the
 * client id and secret in HTTP Basic auth. Every failure is a CredentialsError of one line that says
 * what to check and carries no secret.
 */
export async function fetchClientCredentialsToken(settings: CredentialSettings, options: RequestOptions = {}): Promise<AccessToken> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const tokenUrl = settings.tokenUrl ?? (await discoverTokenEndpoint(settings.authority, options));
  const where = settings.tokenUrl ? 'IMS_TOKEN_URL' : 'IMS_AUTHORITY';
  const authorization = basicAuthorization(settings.clientId, settings.clientSecret);
  const secrets = [settings.clientSecret, authorization, authorization.slice('Basic '.length)];
  const started = Date.now();
  const answer = await send(tokenUrl, {
    method: 'POST',
    headers: { authorization, accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope: settings.scope }).toString(),
    // A redirect would resend the credentials somewhere else: refuse it.
    redirect: 'manual',
  }, timeoutMs);
  if ('failure' in answer)
    throw new CredentialsError(`the token endpoint ${tokenUrl} could not be reached (${scrub(answer.failure, secrets)}): check ${where}.`);
  const { json, isJson, contentType } = answer;
  const body = (json ?? {}) as { access_token?: unknown; expires_in?: unknown; token_type?: unknown; error?: unknown; error_description?: unknown };
  if (!answer.ok) {
    const code = typeof body.error === 'string' ? scrub(body.error, secrets) : undefined;
    const detail = typeof body.error_description === 'string' && body.error_description ? `, "${scrub(body.error_description, secrets)}"` : '';
    const what = `${answer.status}${code ? ` ${code}` : ''}${detail}`;
    if (answer.status >= 300 && answer.status < 400)
      throw new CredentialsError(`the token endpoint ${tokenUrl} redirected (${answer.status}) instead of answering: set IMS_TOKEN_URL to the endpoint itself.`);
    if (code === 'invalid_scope')
      throw new CredentialsError(`the token endpoint ${tokenUrl} refused the scope "${settings.scope}" (${what}): check IMS_SCOPE and the scopes the service app was given.`);
    if (answer.status === 401 || ['invalid_client', 'unauthorized_client', 'invalid_grant'].includes(code ?? ''))
      throw new CredentialsError(`the token endpoint ${tokenUrl} refused the client credentials (${what}): check IMS_CLIENT_ID and IMS_CLIENT_SECRET.`);
    throw new CredentialsError(`the token endpoint ${tokenUrl} answered ${what}: check ${where}, or try again later.`);
  }
  if (!isJson)
    throw new CredentialsError(`the token endpoint ${tokenUrl} answered ${answer.status} with something that is not JSON (${scrub(contentType, secrets)}): check ${where}.`);
  if (typeof body.access_token !== 'string' || !body.access_token || /\s/.test(body.access_token))
    throw new CredentialsError(`the token endpoint ${tokenUrl} answered ${answer.status} without an access_token: check ${where}.`);
  if (typeof body.token_type === 'string' && body.token_type.toLowerCase() !== 'bearer')
    throw new CredentialsError(`the token endpoint ${tokenUrl} gave a token of type "${scrub(body.token_type, secrets)}", not Bearer: check ${where}.`);
  // RFC 6749 makes expires_in optional; the platform's tokens live about an hour.
  const expiresIn = body.expires_in === undefined ? 3600 : Number(body.expires_in);
  if (!Number.isFinite(expiresIn) || expiresIn <= 0)
    throw new CredentialsError(`the token endpoint ${tokenUrl} answered an expires_in that is not a positive number of seconds: check ${where}.`);
  return { accessToken: body.access_token, expiresAt: started + expiresIn * 1000 };
}

/** What the shared file holds: the token, when it expires, and when it was obtained (epoch ms). */
interface StoredToken extends AccessToken {
  obtainedAt: number;
}

export interface SharedTokenOptions {
  /** Where the run's token is kept; its folder must exist and be private (see createTokenFile). */
  file: string;
  /** Gets a new token, e.g. `() => fetchClientCredentialsToken(settings)`. */
  fetchToken: () => Promise<AccessToken>;
  /** Refresh this long before expiry (default 60 s; at most half the token's lifetime is kept back). */
  refreshMarginMs?: number;
  /** A lock older than this is taken to be left by a crashed process (default 2 minutes). */
  lockStaleMs?: number;
  /** Longest wait for another process's refresh (default: lockStaleMs + 10 s). */
  lockWaitMs?: number;
}

const isMissing = (error: unknown) => (error as NodeJS.ErrnoException).code === 'ENOENT';
const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

/**
 * One token for the whole run, shared by every worker process through a file (mode 0600). `get()`
 * answers from memory or the file while the token is valid for more than the margin; otherwise one
 * process refreshes it under a lock file created with O_EXCL, and the others wait and read its result.
 * Concurrent calls in one process share one refresh.
 */
export class SharedToken {
  private readonly lockFile: string;
  private readonly marginMs: number;
  private readonly staleMs: number;
  private readonly waitMs: number;
  private cached?: StoredToken;
  private refreshing?: Promise<StoredToken>;

  constructor(private readonly options: SharedTokenOptions) {
    this.lockFile = `${options.file}.lock`;
    this.marginMs = options.refreshMarginMs ?? DEFAULT_REFRESH_MARGIN_MS;
    this.staleMs = options.lockStaleMs ?? 120_000;
    this.waitMs = options.lockWaitMs ?? this.staleMs + 10_000;
  }

  /** The bearer token, valid for more than the margin (or, just fetched, for as long as it lives). */
  async get(): Promise<string> {
    return (await this.getToken()).accessToken;
  }

  async getToken(): Promise<AccessToken> {
    if (this.cached && this.isFresh(this.cached)) return this.cached;
    this.refreshing ??= this.refresh().finally(() => (this.refreshing = undefined));
    const token = await this.refreshing;
    this.cached = token;
    return token;
  }

  /** Valid for more than the margin, or than half its lifetime for tokens shorter than twice the margin. */
  private isFresh(token: StoredToken, now = Date.now()): boolean {
    const keepBack = Math.min(this.marginMs, (token.expiresAt - token.obtainedAt) / 2);
    return now < token.expiresAt - keepBack;
  }

  private readStored(): StoredToken | undefined {
    try {
      const value = JSON.parse(fs.readFileSync(this.options.file, 'utf8')) as Partial<StoredToken>;
      if (typeof value.accessToken === 'string' && typeof value.expiresAt === 'number' && typeof value.obtainedAt === 'number')
        return value as StoredToken;
    } catch {
      // Missing or half-written by a crashed process: treated as no token.
    }
    return undefined;
  }

  private async refresh(): Promise<StoredToken> {
    const stored = this.readStored();
    if (stored && this.isFresh(stored)) return stored;
    const release = await this.lock();
    try {
      // Another process may have refreshed it while this one waited for the lock.
      const current = this.readStored();
      if (current && this.isFresh(current)) return current;
      const obtainedAt = Date.now();
      const token = await this.options.fetchToken();
      const next: StoredToken = { accessToken: token.accessToken, expiresAt: token.expiresAt, obtainedAt };
      this.write(next);
      return next;
    } finally {
      release();
    }
  }

  /** Writes the whole file at once (a temporary file renamed over it), readable by this user only. */
  private write(token: StoredToken): void {
    const temporary = `${this.options.file}.${process.pid}.${crypto.randomUUID()}.tmp`;
    fs.writeFileSync(temporary, JSON.stringify(token), { mode: 0o600, flag: 'wx' });
    fs.renameSync(temporary, this.options.file);
  }

  /** Takes the lock file (O_EXCL), breaking it when its holder is gone or it is older than lockStaleMs. */
  private async lock(): Promise<() => void> {
    const mine = `${process.pid} ${os.hostname()} ${crypto.randomUUID()}`;
    const deadline = Date.now() + this.waitMs;
    for (let delay = 10; ; delay = Math.min(delay * 2, 200)) {
      try {
        fs.writeFileSync(this.lockFile, mine, { mode: 0o600, flag: 'wx' });
        return () => this.unlock(mine);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      this.breakIfStale();
      if (Date.now() > deadline)
        throw new CredentialsError(`another process has held the token lock ${this.lockFile} for over ${Math.round(this.waitMs / 1000)} s: remove that file if no run is in progress.`);
      await sleep(delay);
    }
  }

  private unlock(mine: string): void {
    try {
      if (fs.readFileSync(this.lockFile, 'utf8') === mine) fs.unlinkSync(this.lockFile);
    } catch (error) {
      if (!isMissing(error)) throw error;
    }
  }

  private breakIfStale(): void {
    let holder: string;
    let age: number;
    try {
      holder = fs.readFileSync(this.lockFile, 'utf8');
      age = Date.now() - fs.statSync(this.lockFile).mtimeMs;
    } catch (error) {
      if (isMissing(error)) return;
      throw error;
    }
    const [pid, host] = holder.split(' ');
    const holderGone = host === os.hostname() && !isAlive(Number(pid));
    // A lock file still empty was just created and not yet written: only age makes it stale.
    if (!(holder && holderGone) && age <= this.staleMs) return;
    // Move it aside first (atomic), then make sure the file moved is the one judged stale: if another
    // process broke it and took a new lock in between, put that one back.
    const aside = `${this.lockFile}.${crypto.randomUUID()}.stale`;
    try {
      fs.renameSync(this.lockFile, aside);
    } catch (error) {
      if (isMissing(error)) return;
      throw error;
    }
    if (fs.readFileSync(aside, 'utf8') !== holder) {
      try {
        fs.linkSync(aside, this.lockFile);
      } catch {
        // A third process holds a fresh lock already; the refresh is double-checked under the lock.
      }
    }
    fs.unlinkSync(aside);
  }
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Makes a private folder (mode 0700) in the system's temporary folder and names the token file in it.
 * `remove()` deletes the folder with the token; call it in global teardown.
 */
export function createTokenFile(): { file: string; remove: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'conformance-token-'));
  fs.chmodSync(dir, 0o700);
  return { file: path.join(dir, 'token.json'), remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/**
 * For workers: the run's shared token when global setup set one up (TOKEN_FILE_VARIABLE set and the
 * IMS_* settings present), else undefined (the run uses API_ACCESS_TOKEN or the embedded mock).
 */
export function sharedTokenFromEnvironment(env: NodeJS.ProcessEnv = process.env, options: Omit<SharedTokenOptions, 'file' | 'fetchToken'> = {}): SharedToken | undefined {
  const file = env[TOKEN_FILE_VARIABLE];
  const settings = readCredentialSettings(env);
  if (!file || !settings) return undefined;
  return new SharedToken({ ...options, file, fetchToken: () => fetchClientCredentialsToken(settings) });
}
