// The metadata a check declares, as Playwright tags on the test: the response path it exercises, its
// severity, and what it is about (the topics the kill matrix's faults and the target profiles name).
// Reports, the kill matrix and the profiles read these tags; nothing is derived from a title.

/** The response paths, by tag, with the name the report groups them under. */
export const RESPONSE_PATHS = {
  '@200': '200 OK',
  '@401': '401 Unauthorized',
  '@404': '404 Not Found',
  '@422': '422 Unprocessable Entity',
  '@429': '429 Too many requests',
  '@boundary': 'boundary inputs (200 or 422)',
} as const;
export type PathTag = keyof typeof RESPONSE_PATHS;

/** A check that guards against an authentication hole or a lost or unwanted write. */
export const CRITICAL = '@critical';

/** What a check is about: each names a behaviour of the contract a fault may break. */
export const TOPICS = [
  '@echo', // a 200 echoes the values sent
  '@persists', // an accepted update is read back as written
  '@partial-update', // a field left out keeps its value
  '@repeatable', // the same update twice gives the same representation
  '@non-ascii', // names outside ASCII
  '@long-name', // names far longer than usual
  '@null-value', // null as a property value
  '@echoes-name', // a boundary update whose accepted displayName must be echoed as sent
  '@bom', // a body starting with a byte order mark
  '@stored-as-echoed', // an accepted update is read back as the 200 echoed it
  '@unsent-unchanged', // an accepted update changes only the properties it names
  '@read-only', // id, iModelId and iTwinId cannot be written
  '@no-credentials', // a request without an Authorization header
  '@header-not-found', // the documented code for a missing header
  '@empty-bearer',
  '@invalid-token',
  '@basic-scheme',
  '@wrong-issuer', // a token another issuer signed
  '@altered-signature', // the target's token with its signature altered
  '@alg-none', // the target's claims in an unsigned token (alg: none)
  '@expired-token', // a token past its expiry
  '@missing-scope', // a token without the itwin-platform scope
  '@malformed-authorization', // an Authorization header that is not one bearer token
  '@scheme-case', // the scheme name in another case: RFC 7235 makes it case-insensitive (an advisory)
  '@auth-before-lookup', // 401 comes before 404
  '@auth-before-validation', // 401 comes before 422
  '@unauthorised-unchanged', // a request rejected with 401 changes nothing
  '@malformed-json',
  '@not-an-object',
  '@empty-body',
  '@wrong-value', // a property of the wrong type or value
  '@names-body-property', // a 422 detail names the property at fault
  '@invalid-connection-id',
  '@refused-unchanged', // a request refused with 422 changes nothing
  '@unknown-id', // an id of the real shape that does not exist
  '@near-miss-id', // the real id with one character changed: another connection, which does not exist
  '@token-in-query', // the valid token as an access_token query parameter, with no Authorization header
  '@token-in-cookie', // the valid token in a Cookie header, with no Authorization header
  '@accept', // an update with the Accept values real clients send (*/*, application/json)
  '@throttling', // the 429 probe
  '@reads-back', // the connection under test can be read back at all
  '@generated', // a property-based check: requests generated from the schemas (fast-check), shrunk on failure
  '@generated-update', // generated valid updates: any subset of the documented properties, any string, either enum value
  '@generated-invalid', // generated bodies that break the update's schema or go past it, and bodies that are not a JSON object
] as const;
export type Topic = (typeof TOPICS)[number];
export type Tag = PathTag | typeof CRITICAL | Topic;

/** The tags of a check: its response path first, then what it is about. */
export const tags = (path: PathTag, ...more: (Topic | typeof CRITICAL)[]): { tag: Tag[] } => ({ tag: [path, ...more] });

/** The response path a check declared, if any. */
export function pathTagOf(testTags: readonly string[]): PathTag | undefined {
  return testTags.find((tag): tag is PathTag => tag in RESPONSE_PATHS);
}

export const isCritical = (testTags: readonly string[]) => testTags.includes(CRITICAL);
