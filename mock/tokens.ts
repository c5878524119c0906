// The mock's authority: it issues and validates access tokens like the platform's (an OpenID Connect
// server): RS256 JWTs signed with a key generated at start and published as a JWKS through OpenID
// discovery, carrying iss, aud, scope, client_id, iat, nbf and exp. Every request's token is validated
// on all of them (jose does the cryptography and the claim checks; nothing here is hand-written crypto).
//
// Validation is synchronous, since the documented behaviour (mock/operation.ts) and the behaviours
// wrapping it are: the signature, the one asynchronous part, is verified by prepare() before a request
// reaches them, and remembered per token (it cannot change: the key is fixed for the mock's life). A
// token whose signature was never prepared counts as unverified, so invalid. The claims (issuer,
// audience, expiry, scope) are checked on every request.
import crypto from 'node:crypto';
import * as jose from 'jose';
import { BEARER_CREDENTIALS, COMPACT_JWS, REQUIRED_SCOPE, scopesOf } from '../support/contract/tokens';

/** The audience of the tokens the mock issues and accepts. */
export const AUDIENCE = REQUIRED_SCOPE;
export const MOCK_CLIENT_ID = 'conformance-mock-client';
/** How long the mock's own token (mock.token) lives: longer than any run, like `npm run mock` for a day. */
export const MOCK_TOKEN_LIFETIME_SECONDS = 24 * 3600;

/** Where the embedded mock issues tokens for the checks (a test helper no real server has). */
export const MOCK_TOKENS_PATH = '/_mock/tokens';
export const DISCOVERY_PATH = '/.well-known/openid-configuration';
export const JWKS_PATH = `${DISCOVERY_PATH}/jwks`;

/** What a token the mock issues looks like; every field optional (default: a valid token for the operation). */
export interface TokenRequest {
  /** Space-separated scopes (default: itwin-platform). */
  scope?: string;
  /** Another issuer than the mock's own, signed with the mock's key all the same. */
  issuer?: string;
  /** Seconds from issue to expiry (default 3600). */
  lifetimeSeconds?: number;
  /** Issued this many seconds ago (default 0): with a short life, a token that has expired. */
  issuedSecondsAgo?: number;
  /** The client it is issued to (default MOCK_CLIENT_ID): the rate limit's tier is the client's (mock/rate-limit.ts). */
  clientId?: string;
}

/** The answer of POST /_mock/tokens, shaped like a token endpoint's. */
export interface IssuedToken {
  access_token: string;
  token_type: 'Bearer';
  /** Seconds left; negative for a token that has expired. */
  expires_in: number;
}

/** Why a credential is refused. */
export type TokenProblem =
  'malformed' | 'algorithm' | 'signature' | 'expired' | 'not yet valid' | 'issuer' | 'audience' | 'scope' | 'claims';

export type Verdict = { valid: true; claims: jose.JWTPayload } | { valid: false; problem: TokenProblem };

/** Checks a validator leaves out: the faults of mock/faults-auth.ts are validators lenient in one way. */
export interface Leniency {
  /** Takes an unsigned token (alg: none) whose claims hold. */
  algNone?: boolean;
  /** Takes a token whose signature does not verify. */
  signature?: boolean;
  /** Takes a token past its expiry (or before nbf). */
  expiry?: boolean;
  /** Takes a token of any issuer the key signed for. */
  issuer?: boolean;
  /** Takes a token without the required scope. */
  scope?: boolean;
}

type PrivateKey = Awaited<ReturnType<typeof jose.generateKeyPair>>['privateKey'];

const KEY_ID = `mock-${crypto.randomBytes(6).toString('hex')}`;
/** The header of an unsecured JWT, for validating the claims of any token through jose's UnsecuredJWT. */
const UNSECURED_HEADER = jose.base64url.encode(JSON.stringify({ alg: 'none' }));
/** Remembered signature verdicts: enough for a run's distinct tokens, bounded for a long `npm run mock`. */
const MAX_REMEMBERED = 1000;
/** The clock tolerance of a validator that ignores expiry: a century. */
const FOREVER_SECONDS = 100 * 365 * 24 * 3600;

export class TokenAuthority {
  private readonly signatures = new Map<string, boolean>();
  private readonly keys: ReturnType<typeof jose.createLocalJWKSet>;

  private constructor(
    readonly issuer: string,
    private readonly privateKey: PrivateKey,
    readonly jwks: { keys: jose.JWK[] },
    /** A fixed token accepted as it is (MockOptions.token, MOCK_TOKEN): for clients that need a known value. */
    private readonly fixedToken?: string,
  ) {
    this.keys = jose.createLocalJWKSet(jwks);
  }

  static async create(issuer: string, fixedToken?: string): Promise<TokenAuthority> {
    const { publicKey, privateKey } = await jose.generateKeyPair('RS256');
    const jwk = { ...(await jose.exportJWK(publicKey)), kid: KEY_ID, alg: 'RS256', use: 'sig' };
    return new TokenAuthority(issuer, privateKey, { keys: [jwk] }, fixedToken);
  }

  /** The OpenID discovery document: where the keys are, and what the tokens carry. */
  discovery(): Record<string, unknown> {
    return {
      issuer: this.issuer,
      jwks_uri: `${this.issuer}${JWKS_PATH}`,
      scopes_supported: [REQUIRED_SCOPE],
      claims_supported: ['iss', 'aud', 'scope', 'client_id', 'iat', 'nbf', 'exp', 'jti'],
      id_token_signing_alg_values_supported: ['RS256'],
      grant_types_supported: [],
    };
  }

  /** A signed token; by default a valid one for the operation, living an hour. */
  async issue(request: TokenRequest = {}): Promise<IssuedToken> {
    const lifetime = request.lifetimeSeconds ?? 3600;
    // One reading of the clock: signing may cross a second, and expires_in must say what the token says.
    const now = Math.floor(Date.now() / 1000);
    const issuedAt = now - (request.issuedSecondsAgo ?? 0);
    const token = await new jose.SignJWT({
      scope: (request.scope ?? REQUIRED_SCOPE).split(' ').filter(Boolean),
      client_id: request.clientId ?? MOCK_CLIENT_ID,
    })
      .setProtectedHeader({ alg: 'RS256', kid: KEY_ID, typ: 'at+jwt' })
      .setIssuer(request.issuer ?? this.issuer)
      .setAudience(AUDIENCE)
      .setSubject(request.clientId ?? MOCK_CLIENT_ID)
      .setJti(crypto.randomUUID())
      .setIssuedAt(issuedAt)
      .setNotBefore(issuedAt)
      .setExpirationTime(issuedAt + lifetime)
      .sign(this.privateKey);
    await this.prepare(`Bearer ${token}`);
    return { access_token: token, token_type: 'Bearer', expires_in: issuedAt + lifetime - now };
  }

  /** Verifies the signature of the header's token, if it has one, so that check() can judge it. */
  async prepare(authorization: string | undefined): Promise<void> {
    const token = tokenOf(authorization);
    if (!token || !COMPACT_JWS.test(token) || this.signatures.has(token)) return;
    let verified: boolean;
    try {
      await jose.compactVerify(token, this.keys, { algorithms: ['RS256'] });
      verified = true;
    } catch {
      verified = false;
    }
    if (this.signatures.size >= MAX_REMEMBERED) this.signatures.delete(this.signatures.keys().next().value!);
    this.signatures.set(token, verified);
  }

  /** The verdict on an Authorization header (present: a missing one is the operation's HeaderNotFound). */
  check(authorization: string, leniency: Leniency = {}): Verdict {
    const token = tokenOf(authorization);
    if (token === undefined) return refused('malformed');
    if (this.fixedToken !== undefined && token === this.fixedToken) return { valid: true, claims: { scope: [REQUIRED_SCOPE] } };
    if (!COMPACT_JWS.test(token)) return refused('malformed');
    let header: jose.ProtectedHeaderParameters;
    try {
      header = jose.decodeProtectedHeader(token);
    } catch {
      return refused('malformed');
    }
    const [, payload, signature] = token.split('.') as [string, string, string];
    if (String(header.alg).toLowerCase() === 'none') {
      if (!leniency.algNone || signature !== '') return refused('algorithm');
    } else if (header.alg !== 'RS256') {
      return refused('algorithm');
    } else if (!leniency.signature && this.signatures.get(token) !== true) {
      return refused('signature');
    }
    let claims: jose.JWTPayload;
    try {
      ({ payload: claims } = jose.UnsecuredJWT.decode(`${UNSECURED_HEADER}.${payload}.`, {
        issuer: leniency.issuer ? undefined : this.issuer,
        audience: AUDIENCE,
        requiredClaims: ['exp', 'iat'],
        clockTolerance: leniency.expiry ? FOREVER_SECONDS : 0,
      }));
    } catch (error) {
      return refused(problemOf(error));
    }
    if (!leniency.scope && !scopesOf(claims).includes(REQUIRED_SCOPE)) return refused('scope');
    return { valid: true, claims };
  }
}

const refused = (problem: TokenProblem): Verdict => ({ valid: false, problem });

/** The token of a bearer credential, or undefined when the header is not one. */
function tokenOf(authorization: string | undefined): string | undefined {
  return authorization === undefined ? undefined : BEARER_CREDENTIALS.exec(authorization)?.[1];
}

function problemOf(error: unknown): TokenProblem {
  if (error instanceof jose.errors.JWTExpired) return 'expired';
  if (error instanceof jose.errors.JWTClaimValidationFailed) {
    if (error.claim === 'iss') return 'issuer';
    if (error.claim === 'aud') return 'audience';
    if (error.claim === 'nbf') return 'not yet valid';
    return 'claims';
  }
  return 'malformed';
}

/** Validates the body of POST /_mock/tokens; a message for the 400 when it is not a TokenRequest. */
export function parseTokenRequest(body: string): TokenRequest | string {
  let parsed: unknown;
  try {
    parsed = body === '' ? {} : JSON.parse(body);
  } catch {
    return 'the body is not JSON';
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return 'the body is not a JSON object';
  const request = parsed as Record<string, unknown>;
  for (const name of Object.keys(request))
    if (!['scope', 'issuer', 'lifetimeSeconds', 'issuedSecondsAgo', 'clientId'].includes(name)) return `unknown property ${name}`;
  for (const name of ['scope', 'issuer', 'clientId'] as const)
    if (request[name] !== undefined && (typeof request[name] !== 'string' || request[name] === '')) return `${name} must be a string`;
  for (const name of ['lifetimeSeconds', 'issuedSecondsAgo'] as const) {
    const value = request[name];
    if (value !== undefined && (!Number.isInteger(value) || (value as number) < 0 || (value as number) > MOCK_TOKEN_LIFETIME_SECONDS))
      return `${name} must be a whole number of seconds from 0 to ${MOCK_TOKEN_LIFETIME_SECONDS}`;
  }
  return request as TokenRequest;
}
