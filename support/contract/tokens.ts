// What the document and the platform say about the token of a request, as code: the scope it must
// carry, how a bearer credential is written, and where a token's scopes are. The mock validates with
// these, and the checks forge tokens that break one of them at a time.

/** "Requires Authorization header with valid Bearer token for scope itwin-platform." */
export const REQUIRED_SCOPE = 'itwin-platform';

/**
 * `Authorization: Bearer <b64token>` (RFC 6750, 2.1): the scheme name is case-insensitive (RFC 7235,
 * 2.1), one or more spaces, then the token68 characters and nothing else.
 */
export const BEARER_CREDENTIALS = /^bearer +([A-Za-z0-9\-._~+/]+=*)$/i;

/** A JWS in compact serialisation: three base64url segments, the last (the signature) possibly empty. */
export const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/** The scopes of a token's claims: an array or a space-separated string, as the platform's tokens carry them. */
export function scopesOf(claims: Readonly<Record<string, unknown>>): string[] {
  const { scope } = claims;
  if (Array.isArray(scope)) return scope.filter((item): item is string => typeof item === 'string');
  return typeof scope === 'string' ? scope.split(' ').filter(Boolean) : [];
}
