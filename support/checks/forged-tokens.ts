// Tokens the checks of the 401's causes forge, through jose: a JWT the suite signs with a key of its
// own (another issuer, or a past expiry), the target's token with its signature altered, the target's
// claims unsigned (alg: none), and malformed Authorization values built around the target's token.
// No test runner here: the checks decide what to send (tests/conformance/401-token-causes.spec.ts).
//
// A forged token is test data, but one built from the target's real token carries most of it (an
// altered signature differs in one bit): each of those is registered as a secret, so it is redacted
// wherever an exchange is recorded, exactly like the real one.
import * as jose from 'jose';
import { REQUIRED_SCOPE, scopesOf } from '../contract/tokens';
import { registerSecret } from '../report/secrets';

/** The issuer of the suite's own tokens: a name no authority can have (RFC 6761 reserves .invalid). */
export const SUITE_ISSUER = 'https://conformance-suite.invalid';
const SUITE_KEY_ID = 'conformance-suite';

/** A token that is a JWT: its header and claims as decoded, and its three segments. */
export interface DecodedJwt {
  token: string;
  header: jose.ProtectedHeaderParameters;
  claims: jose.JWTPayload;
  segments: [header: string, payload: string, signature: string];
}

/** The token as a JWT, or undefined when it is not one (an opaque token). */
export function decodeJwt(token: string): DecodedJwt | undefined {
  const segments = token.split('.');
  if (segments.length !== 3) return undefined;
  try {
    return {
      token,
      header: jose.decodeProtectedHeader(token),
      claims: jose.decodeJwt(token),
      segments: segments as DecodedJwt['segments'],
    };
  } catch {
    return undefined;
  }
}

/** Registers a token derived from the target's real one as a secret, and returns it. */
function derived(token: string): string {
  registerSecret(token);
  return token;
}

/** The target's token with one bit of its signature flipped: header and claims intact, the signature wrong. */
export function withAlteredSignature(jwt: DecodedJwt): string {
  const [header, payload, signature] = jwt.segments;
  const bytes = Buffer.from(signature, 'base64url');
  if (bytes.length === 0) throw new Error('the token has no signature to alter');
  // The first byte: every character after the first two of the base64url signature stays as it was.
  bytes[0]! ^= 0x01;
  return derived(`${header}.${payload}.${jose.base64url.encode(bytes)}`);
}

/** The target's claims, exactly as they are, in an unsecured JWT (alg: none, no signature). */
export function unsigned(jwt: DecodedJwt): string {
  const fields: Record<string, unknown> = { ...jwt.header, alg: 'none' };
  delete fields.kid;
  const header = jose.base64url.encode(JSON.stringify(fields));
  return derived(`${header}.${jwt.segments[1]}.`);
}

type SuiteKey = Awaited<ReturnType<typeof jose.generateKeyPair>>;
let suiteKey: Promise<SuiteKey> | undefined;

/** The suite's own RS256 key pair, one per process. */
export function suiteKeyPair(): Promise<SuiteKey> {
  suiteKey ??= jose.generateKeyPair('RS256');
  return suiteKey;
}

export interface SelfSignedOptions {
  /** The claims to start from: the target's token's when it is a JWT, so only what is named below differs. */
  like?: jose.JWTPayload;
  /** Default: the suite's own issuer. */
  issuer?: string;
  /** Expiry, seconds from now (negative: in the past). Default 3600. */
  expiresInSeconds?: number;
}

/**
 * A JWT the suite signs with its own key: the target's claims (or the platform's usual ones) with the
 * issuer and expiry given. No server trusts the key, so it is refused on the signature if on nothing else.
 */
export async function selfSigned(options: SelfSignedOptions = {}): Promise<string> {
  const { privateKey } = await suiteKeyPair();
  const now = Math.floor(Date.now() / 1000);
  const expiresAt = now + (options.expiresInSeconds ?? 3600);
  const like = options.like ?? { aud: REQUIRED_SCOPE, scope: [REQUIRED_SCOPE], client_id: 'conformance-suite' };
  const claims = { ...like };
  for (const name of ['iss', 'exp', 'iat', 'nbf'] as const) delete claims[name];
  return new jose.SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid: SUITE_KEY_ID, typ: 'JWT' })
    .setIssuer(options.issuer ?? SUITE_ISSUER)
    .setIssuedAt(Math.min(now, expiresAt - 60))
    .setNotBefore(Math.min(now, expiresAt - 60))
    .setExpirationTime(expiresAt)
    .sign(privateKey);
}

/** Whether a token's claims carry the operation's scope (undefined: not a JWT, so unknown). */
export const carriesRequiredScope = (token: string): boolean | undefined => {
  const jwt = decodeJwt(token);
  return jwt && scopesOf(jwt.claims).includes(REQUIRED_SCOPE);
};

/** Malformed Authorization values around the target's valid token (each registered as a secret). */
export const malformed = {
  /** The token followed by a space and more text: a server that splits on spaces and takes a part accepts it. */
  trailingText: (token: string) => derived(`Bearer ${token} conformance`),
  /** A space inside the token: a server that strips white space accepts it. */
  spaceInside: (token: string) => derived(`Bearer ${insertAt(token, middleOf(token), ' ')}`),
  /**
   * A non-ASCII character (é, as its UTF-8 bytes, which a header carries as Latin-1) inside the token's
   * signature: a server whose base64 decoder skips characters outside the alphabet accepts it.
   */
  nonAscii: (token: string) => derived(`Bearer ${insertAt(token, middleOf(token, true), Buffer.from('é').toString('latin1'))}`),
  /** The token without its scheme. */
  noScheme: (token: string) => derived(token),
  /** The scheme name in lower case: valid (RFC 7235, 2.1), which the check expects to be accepted. */
  lowerCaseScheme: (token: string) => derived(`bearer ${token}`),
};

/** The middle of the token, or of its signature when it is a JWT and `inSignature`. */
function middleOf(token: string, inSignature = false): number {
  const lastDot = token.lastIndexOf('.');
  if (!inSignature || lastDot < 0 || lastDot === token.length - 1) return Math.floor(token.length / 2);
  return lastDot + 1 + Math.floor((token.length - lastDot - 1) / 2);
}

const insertAt = (text: string, at: number, inserted: string) => `${text.slice(0, at)}${inserted}${text.slice(at)}`;
