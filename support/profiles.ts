// Target profiles: what a target that is not the real API (or the embedded mock) can stand in for, as
// data keyed by test title. A profile says which checks need a `Prefer` header to reach their path
// (Prism picks a response by `Prefer: code=N`, it has no logic of its own), and which cannot be
// satisfied at all by that target and are skipped with the reason, never passed. docs/prism.md
// explains each entry. Patterns match a test's own title (TestInfo.title, without its describe).
import fs from 'node:fs';
import path from 'node:path';
import { SCHEMA_DIR } from './schemas';

export interface PreferRule {
  pattern: RegExp;
  /** The value of the `Prefer` header, sent with every request of the test. */
  prefer: string;
  /** What the check then proves and what it does not (for an annotation). */
  note: string;
}

export interface SkipRule {
  pattern: RegExp;
  /** Why the target cannot satisfy the check (the skip reason shown in the report). */
  reason: string;
}

export interface TargetProfile {
  description: string;
  /** The settings a run against this target needs. */
  env: Record<string, string>;
  /** Checks that pass against the target as they are (listed so that every title is accounted for). */
  asIs: RegExp[];
  preferRules: PreferRule[];
  skip: SkipRule[];
}

/** The connection of the document's 200 example: the one Prism answers every update with. */
const EXAMPLE_CONNECTION_ID: string = JSON.parse(
  fs.readFileSync(path.join(SCHEMA_DIR, 'examples', 'StorageConnectionResponse.200.json'), 'utf8'),
).connection.id;

const STATELESS = 'Prism is stateless and answers every valid update with the document\'s 200 example (displayName "30", authenticationType User)';
const NOT_JSON = 'Prism answers a body that is not JSON with 400 text/plain "Invalid JSON" before it validates or checks credentials; no Prefer reaches 422';

export const PROFILES = {
  prism: {
    description: 'Stoplight Prism 5 serving schemas/openapi.json (npm run mock:prism): static examples, request validation, bearer scheme check',
    env: {
      API_BASE_URL: 'http://127.0.0.1:4010',
      // Any bearer token passes Prism's security check.
      API_ACCESS_TOKEN: 'prism',
      // Prism echoes the example's connection, so identity checks hold only for the example's id.
      STORAGE_CONNECTION_ID: EXAMPLE_CONNECTION_ID,
      RATE_LIMIT_PROBE_MAX_REQUESTS: '0',
    },
    asIs: [
      /^(no Authorization header gets 401 HeaderNotFound|(an empty bearer token|the Basic scheme) gets 401)$/,
      /^a body that is not an object \(.+\) gets 422$/,
      /^an empty body gets 422$/,
      /^(an empty update \{\}|a null displayName|a lower-case authenticationType|an upper-case authenticationType|a null authenticationType) is accepted or refused cleanly$/,
      /^read-only properties in the body never change the connection's identity$/,
    ],
    preferRules: [
      {
        pattern: /^an invalid bearer token gets 401$/,
        prefer: 'code=401',
        note: 'Prism checks only the scheme, so any Bearer token passes; Prefer: code=401 reaches the 401 path. Whether the token is rejected is not tested.',
      },
      {
        pattern: /^an unknown id of the real ids' shape gets 404 StorageConnectionNotFound and creates nothing$/,
        prefer: 'code=404',
        note: 'Prism has no connections; Prefer: code=404 reaches the 404 path. That the id is unknown, and that nothing was created, is not tested.',
      },
      {
        pattern: /^an invalid connectionId \(.+\) gets 422 naming connectionId$/,
        prefer: 'code=422',
        note: 'Prism takes any string as connectionId; Prefer: code=422 reaches the 422 path, and the document\'s 422 example happens to name connectionId. Prism did not judge the id.',
      },
    ],
    skip: [
      {
        pattern: /^(a rename echoes|switching authenticationType and back|both fields at once|a field left out of a later update|a non-ASCII displayName .+ round-trips|repeating the same update)/,
        reason: `${STATELESS}: it neither echoes the requested values nor keeps them to read back.`,
      },
      {
        pattern: /^an unknown id without credentials gets 401, not 404$/,
        reason: 'Precedence is untestable on Prism: it never answers 404 unless asked with Prefer, so 401 before 404 would pass vacuously.',
      },
      {
        pattern: /^a malformed body without credentials gets 401, not 422$/,
        reason: `Precedence is untestable on Prism: ${NOT_JSON}.`,
      },
      {
        pattern: /^a rejected request changes nothing$/,
        reason: `Prism accepts any bearer token (the invalid-token request gets 200), and ${STATELESS}: there is no state to change or read back.`,
      },
      { pattern: /^malformed JSON \(.+\) gets 422$/, reason: `${NOT_JSON}.` },
      {
        pattern: /gets 422 naming (authenticationType|displayName)$/,
        reason: 'Prism answers the document\'s 422 example, whose details name sourceFiles, connectorType, storageFileId and connectionId, never the property at fault.',
      },
      {
        pattern: /^a refused request changes nothing, not even its valid part$/,
        reason: `Prism's 422 is the document's example (it names no offending property), and ${STATELESS}: there is no state to read back.`,
      },
      {
        pattern: /^a burst is throttled with retry-after, and waiting it out is enough$/,
        reason: 'Prism never throttles by itself; Prefer: code=429 throttles every request, so recovery after retry-after cannot be shown.',
      },
      {
        pattern: /^(an empty displayName|a displayName .+|an unknown property) is accepted or refused cleanly$/,
        reason: `${STATELESS}: an accepted displayName must be echoed as sent, which a static example cannot do.`,
      },
      { pattern: /^a body with a UTF-8 byte order mark is accepted or refused cleanly$/, reason: `${NOT_JSON} (JSON with a BOM is not JSON to Prism's parser).` },
      { pattern: /^an unknown id with a malformed body gets 404 or 422$/, reason: `${NOT_JSON}.` },
    ],
  },
} as const satisfies Record<string, TargetProfile>;

export type ProfileName = keyof typeof PROFILES;

/** The `Prefer` header a test sends under the profile, if any. */
export function preferFor(profile: TargetProfile, testTitle: string): string | undefined {
  return profile.preferRules.find(rule => rule.pattern.test(testTitle))?.prefer;
}

/** Why the profile skips the test, if it does. */
export function skipReasonFor(profile: TargetProfile, testTitle: string): string | undefined {
  return profile.skip.find(rule => rule.pattern.test(testTitle))?.reason;
}

/** How the profile treats a test: as it is, with a Prefer header, or skipped; undefined if no entry names it. */
export function treatmentOf(profile: TargetProfile, testTitle: string): 'as-is' | 'prefer' | 'skip' | undefined {
  const kinds = [
    profile.asIs.some(pattern => pattern.test(testTitle)) && ('as-is' as const),
    profile.preferRules.some(rule => rule.pattern.test(testTitle)) && ('prefer' as const),
    profile.skip.some(rule => rule.pattern.test(testTitle)) && ('skip' as const),
  ].filter(kind => kind !== false);
  if (kinds.length > 1) throw new Error(`the profile treats "${testTitle}" in more than one way: ${kinds.join(', ')}`);
  return kinds[0];
}
