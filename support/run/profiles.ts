// Target profiles: what a target that is not the real API (or the embedded mock) can stand in for, as
// data keyed by the tags the checks declare (checks/tags.ts). A profile says which checks need a
// `Prefer` header to reach their path (Prism picks a response by `Prefer: code=N`, it has no logic of
// its own), and which cannot be satisfied at all by that target and are skipped with the reason, never
// passed; every other check runs as it is. docs/prism.md explains each entry.
import fs from 'node:fs';
import path from 'node:path';
import type { Tag } from '../contract/tags';
import { SCHEMA_DIR } from '../contract/schemas';

export interface PreferRule {
  /** The checks it applies to: those declaring this tag. */
  tag: Tag;
  /** The value of the `Prefer` header, sent with every request of the test. */
  prefer: string;
  /** What the check then proves and what it does not (for an annotation). */
  note: string;
}

export interface SkipRule {
  tag: Tag;
  /** Why the target cannot satisfy the check (the skip reason shown in the report). */
  reason: string;
}

export interface TargetProfile {
  description: string;
  /** The settings a run against this target needs. */
  env: Record<string, string>;
  preferRules: PreferRule[];
  skip: SkipRule[];
}

/** The connection of the document's 200 example: the one Prism answers every update with. */
const EXAMPLE_CONNECTION_ID: string = JSON.parse(
  fs.readFileSync(path.join(SCHEMA_DIR, 'examples', 'StorageConnectionResponse.200.json'), 'utf8'),
).connection.id;

const STATELESS =
  'Prism is stateless and answers every valid update with the document\'s 200 example (displayName "30", authenticationType User)';
const TOKEN_BLIND =
  'Prism checks only that Authorization carries a Bearer token, never its issuer, signature, expiry or scope: any token passes, so a refusal for this cause cannot be shown (Prefer: code=401 would show only the shape of a 401, which the invalid-token check already does)';
const NOT_JSON =
  'Prism answers a body that is not JSON with 400 text/plain "Invalid JSON" before it validates or checks credentials; no Prefer reaches 422';

export const PROFILES = {
  prism: {
    description:
      'Stoplight Prism 5 serving schemas/openapi.json (npm run mock:prism): static examples, request validation, bearer scheme check',
    env: {
      API_BASE_URL: 'http://127.0.0.1:4010',
      // Any bearer token passes Prism's security check.
      API_ACCESS_TOKEN: 'prism',
      // Prism echoes the example's connection, so identity checks hold only for the example's id.
      STORAGE_CONNECTION_ID: EXAMPLE_CONNECTION_ID,
      RATE_LIMIT_PROBE_MAX_REQUESTS: '0',
    },
    preferRules: [
      {
        tag: '@invalid-token',
        prefer: 'code=401',
        note: 'Prism checks only the scheme, so any Bearer token passes; Prefer: code=401 reaches the 401 path. Whether the token is rejected is not tested.',
      },
      {
        tag: '@unknown-id',
        prefer: 'code=404',
        note: 'Prism has no connections; Prefer: code=404 reaches the 404 path. That the id is unknown, and that nothing was created, is not tested.',
      },
      {
        tag: '@invalid-connection-id',
        prefer: 'code=422',
        note: "Prism takes any string as connectionId; Prefer: code=422 reaches the 422 path, and the document's 422 example happens to name connectionId. Prism did not judge the id.",
      },
    ],
    skip: [
      // First: the generated checks also carry topics skipped below for other reasons.
      {
        tag: '@generated',
        reason: `${STATELESS}: each generated case needs a server that applies, echoes and keeps what it sends (an accepted case would fail on the example's echo), and a read-back that shows a refused case changed nothing (Prism has no state to read); malformed cases get Prism's undocumented 400.`,
      },
      // Before @unauthorised-unchanged, which the checks of the 401's causes also carry: their own reasons come first.
      { tag: '@wrong-issuer', reason: `${TOKEN_BLIND}.` },
      { tag: '@altered-signature', reason: `${TOKEN_BLIND}.` },
      { tag: '@alg-none', reason: `${TOKEN_BLIND}.` },
      { tag: '@expired-token', reason: `${TOKEN_BLIND}.` },
      { tag: '@missing-scope', reason: `${TOKEN_BLIND}; nor does it issue a token for another scope.` },
      {
        tag: '@malformed-authorization',
        reason:
          'Prism checks only that Authorization starts with the Bearer scheme and something after it: it takes a token with spaces or non-ASCII characters in it and two Authorization headers (200), so the malformed headers it judges are those of the empty-bearer and Basic checks.',
      },
      {
        tag: '@echo',
        reason: `${STATELESS}: it neither echoes the requested values nor keeps them to read back.`,
      },
      {
        tag: '@auth-before-lookup',
        reason: 'Precedence is untestable on Prism: it never answers 404 unless asked with Prefer, so 401 before 404 would pass vacuously.',
      },
      {
        tag: '@auth-before-validation',
        reason: `Precedence is untestable on Prism: ${NOT_JSON}.`,
      },
      {
        tag: '@unauthorised-unchanged',
        reason: `Prism accepts any bearer token (the invalid-token request gets 200), and ${STATELESS}: there is no state to change or read back.`,
      },
      { tag: '@malformed-json', reason: `${NOT_JSON}.` },
      {
        tag: '@names-body-property',
        reason:
          "Prism answers the document's 422 example, whose details name sourceFiles, connectorType, storageFileId and connectionId, never the property at fault.",
      },
      {
        tag: '@refused-unchanged',
        reason: `Prism's 422 is the document's example (it names no offending property), and ${STATELESS}: there is no state to read back.`,
      },
      {
        tag: '@throttling',
        reason: 'Prism never throttles by itself; Prefer: code=429 throttles every request, so recovery after retry-after cannot be shown.',
      },
      {
        tag: '@echoes-name',
        reason: `${STATELESS}: an accepted displayName must be echoed as sent, which a static example cannot do.`,
      },
      { tag: '@bom', reason: `${NOT_JSON} (JSON with a BOM is not JSON to Prism's parser).` },
      {
        tag: '@near-miss-id',
        reason: `Prism has no connections: it answers every id, a near miss included, with its example (Prefer: code=404 would show only the shape of a 404), and ${STATELESS}: whether a near miss reached the real connection cannot be read back.`,
      },
      { tag: '@accept', reason: `${STATELESS}: whatever the Accept, the echo cannot show what the update set.` },
    ],
  },
} as const satisfies Record<string, TargetProfile>;

export type ProfileName = keyof typeof PROFILES;

/** The `Prefer` rule of a check under the profile, if any. */
export function preferFor(profile: TargetProfile, testTags: readonly string[]): PreferRule | undefined {
  // A check the profile skips is sent with nothing: a skip wins over a Prefer rule of another tag.
  if (skipReasonFor(profile, testTags)) return undefined;
  return profile.preferRules.find(rule => testTags.includes(rule.tag));
}

/** Why the profile skips a check, if it does. */
export function skipReasonFor(profile: TargetProfile, testTags: readonly string[]): string | undefined {
  return profile.skip.find(rule => testTags.includes(rule.tag))?.reason;
}

/** How the profile treats a check: skipped, with a Prefer header, or as it is. */
export function treatmentOf(profile: TargetProfile, testTags: readonly string[]): 'skip' | 'prefer' | 'as-is' {
  if (skipReasonFor(profile, testTags)) return 'skip';
  return preferFor(profile, testTags) ? 'prefer' : 'as-is';
}
