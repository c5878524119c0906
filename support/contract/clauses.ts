// The document's statements as clauses: an id, the sentence or table row quoted as the document has
// it, and how the suite reads it. A check fails only on a clause; what the document does not state but
// good APIs do is an advisory (ADVISORIES), reported and never failing a run. Which checks enforce
// which clause comes from the tags they declare (CLAUSES_OF_TAG): the coverage page, the job summary
// and the report's markers are made from this table.
import type { Tag } from './tags';

export interface Clause {
  /** Where the document says it. */
  section: string;
  /** The document's words (a sentence, a table row, an example). */
  quote: string;
  /** What the suite takes it to require. */
  reading: string;
}

export const CLAUSES = {
  'responses.documented': {
    section: 'Responses',
    quote: 'Response 200 OK / 401 Unauthorized / 404 Not Found / 422 Unprocessable Entity / 429 Too many requests',
    reading:
      'every answer has one of the documented statuses (never a 5xx or another status) and a JSON body of the model the document gives it',
  },
  'responses.json': {
    section: 'Responses',
    quote: 'json { "connection": ... } / json { "error": ... } (each response example)',
    reading: 'bodies are JSON, labelled with a JSON media type (application/json or the recommended vendor type)',
  },
  '200.updated': {
    section: 'Response 200 OK',
    quote:
      'Connection successfully updated. { "connection": { "id", "iModelId", "iTwinId", "authenticationType", "displayName", "_links" } }',
    reading: 'a 200 answers with the connection at the path, its values as updated, matching Storage connection response',
  },
  '200.properties-present': {
    section: 'Storage Connection',
    quote:
      'authenticationType, id, displayName, iModelId, iTwinId, _links (A set of links to iModel, iTwin, and the latest connection run.)',
    reading:
      "a connection's documented properties are present (the table lists what a connection has, the example shows them, the platform's clients type them as always present); only _links.lastRun depends on history and may be absent",
  },
  '200.links': {
    section: 'Connection Links',
    quote: 'iModel: Link to iModel. iTwin: Link to iTwin. lastRun: Link to latest run for a connection.',
    reading: "the iModel and iTwin links point at the connection's iModel and iTwin, lastRun at a run of this connection",
  },
  'update.operation': {
    section: 'Update StorageConnection',
    quote: 'Update an existing StorageConnection.',
    reading:
      'an accepted update is stored: reading the connection back shows what the 200 echoed (allowing CONFORMANCE_READ_LAG_SECONDS for replication)',
  },
  'update.properties': {
    section: 'Request body: Storage Connection (update)',
    quote: 'authenticationType (Required? No) / displayName, String (Required? No)',
    reading:
      'an update names any of the two properties, each optional: what it names is changed, what it leaves out keeps its value; a displayName is any string, kept exactly',
  },
  'update.read-only': {
    section: 'Request body: Storage Connection (update)',
    quote: 'Storage Connection (update): authenticationType, displayName (the only properties of an update)',
    reading: "id, iModelId and iTwinId are not properties of an update: a body carrying them never changes the connection's identity",
  },
  'authentication-type.values': {
    section: 'Authentication Type',
    quote: "One of 'User' or 'Service'.",
    reading: "authenticationType takes 'User' or 'Service'; another value is refused with 422",
  },
  'auth.required': {
    section: 'Authentication',
    quote: 'Requires Authorization header with valid Bearer token for scope itwin-platform.',
    reading:
      'without valid credentials the operation answers 401 whatever else is wrong with the request (no existence oracle, no validation before authentication)',
  },
  '401.causes': {
    section: 'Response 401 Unauthorized',
    quote:
      'This response indicates that request lacks valid authentication credentials. Access token might not been provided, issued by the wrong issuer, does not have required scopes or request headers were malformed.',
    reading: 'each cause gets 401 with an Error Response, and the request changes nothing',
  },
  '401.header-not-found': {
    section: 'Response 401 Unauthorized (example)',
    quote: '"code": "HeaderNotFound", "message": "Header Authorization was not found in the request. Access denied."',
    reading: 'a request without an Authorization header gets error.code HeaderNotFound',
  },
  '404.not-found': {
    section: 'Response 404 Not Found',
    quote: 'This response indicates that the specified connection was not found. "code": "StorageConnectionNotFound"',
    reading: 'an unknown connection id gets 404 with error.code StorageConnectionNotFound, and the update creates nothing',
  },
  '422.invalid': {
    section: 'Response 422 Unprocessable Entity',
    quote:
      'Invalid request to update connection. Request payload might be missing some of the required properties. "code": "InvalidStorageConnectionRequest"',
    reading:
      'a body that is not a valid update (malformed JSON, not an object, wrong types or values) gets 422 InvalidStorageConnectionRequest and changes nothing',
  },
  '422.connection-id': {
    section: 'Response 422 Unprocessable Entity (example)',
    quote: '"code": "InvalidValue", "message": "Provided connectionId value is not valid.", "target": "connectionId"',
    reading: 'a connectionId that cannot be one gets 422; a detail that names a target names connectionId',
  },
  'error.target': {
    section: 'Error',
    quote: 'target: String, null. The target of the error.',
    reading: 'a detail may name no target (absent or null); a detail that names one names the property at fault, never another',
  },
  'error-response.partial': {
    section: 'Error Response',
    quote:
      'clients MUST NOT assume that every failed request will produce an object of this schema, or that all of the properties in the response will be non-null',
    reading: 'the suite requires no error property beyond what a clause names: details, targets and messages may be missing or null',
  },
  '429.throttled': {
    section: 'Response 429 Too many requests',
    quote: 'the client sent more requests than allowed by this API for the current tier of the client. "code": "RateLimitExceeded"',
    reading:
      "a client over its tier's limit gets 429 with error.code RateLimitExceeded (other platform pages use TooManyRequests: an advisory)",
  },
  'retry-after.seconds': {
    section: 'Response headers',
    quote: 'retry-after: Number of seconds to wait until client is allowed to make more requests.',
    reading: 'a 429 carries retry-after, a whole number of seconds, and after waiting that long the client is allowed again',
  },
} as const satisfies Record<string, Clause>;

export type ClauseId = keyof typeof CLAUSES;

/** What the document does not state but good APIs do: reported when broken, never failing a run. */
export const ADVISORIES = {
  'put.idempotent':
    'PUT is idempotent (RFC 9110, 9.2.2): the same update twice gives the same representation. The document does not say so.',
  'accept.any':
    'an update with the Accept real clients send (*/*, as the platform CLI does, or application/json) gets the documented 200; the document only recommends the vendor type, so a 406 is allowed.',
  'rate-limit.code': "a 429 carries the document's code RateLimitExceeded; other platform pages use TooManyRequests, which is accepted.",
  'error.code':
    "an error carries the document's code for its case; the Error Response note lets a body leave it out or null (a different code is a finding).",
} as const;
export type AdvisoryId = keyof typeof ADVISORIES;

/** Every check's answer must be documented: the clauses each check enforces through the matchers. */
const EVERY_CHECK: ClauseId[] = ['responses.documented', 'responses.json', 'error-response.partial'];

/** The clauses a tag stands for (a check enforces those of all its tags, and EVERY_CHECK). */
export const CLAUSES_OF_TAG: Partial<Record<Tag, ClauseId[]>> = {
  '@200': ['200.updated', '200.properties-present', '200.links'],
  '@401': ['401.causes', 'auth.required'],
  '@404': ['404.not-found'],
  '@422': ['422.invalid'],
  '@429': ['429.throttled', 'retry-after.seconds'],
  '@boundary': ['200.updated', '200.properties-present', '200.links', '422.invalid'],
  '@echo': ['update.properties'],
  '@persists': ['update.operation'],
  '@partial-update': ['update.properties'],
  '@non-ascii': ['update.properties'],
  '@long-name': ['update.properties'],
  '@echoes-name': ['update.properties'],
  '@stored-as-echoed': ['update.operation'],
  '@unsent-unchanged': ['update.properties'],
  '@read-only': ['update.read-only'],
  '@header-not-found': ['401.header-not-found'],
  '@auth-before-lookup': ['auth.required'],
  '@auth-before-validation': ['auth.required'],
  '@wrong-value': ['authentication-type.values', 'update.properties'],
  '@names-body-property': ['error.target'],
  '@invalid-connection-id': ['422.connection-id', 'error.target'],
  '@near-miss-id': ['404.not-found'],
  '@unknown-id': ['404.not-found'],
  '@token-in-query': ['auth.required', '401.header-not-found'],
  '@token-in-cookie': ['auth.required', '401.header-not-found'],
  '@accept': ['200.updated', 'update.operation', 'update.properties'],
  '@throttling': ['429.throttled', 'retry-after.seconds'],
  '@generated-update': ['update.properties', 'update.operation', '200.updated', '200.links'],
  '@generated-invalid': ['422.invalid', 'authentication-type.values', 'update.read-only', 'error.target'],
};

/** The advisories a tag stands for. */
export const ADVISORIES_OF_TAG: Partial<Record<Tag, AdvisoryId[]>> = {
  '@repeatable': ['put.idempotent'],
  '@throttling': ['rate-limit.code'],
  '@accept': ['accept.any'],
  '@header-not-found': ['error.code'],
  '@unknown-id': ['error.code'],
  '@422': ['error.code'],
};

/** The clauses a check with these tags enforces. */
export function clausesOf(tags: readonly string[]): ClauseId[] {
  const ids = new Set<ClauseId>(EVERY_CHECK);
  for (const tag of tags) for (const id of CLAUSES_OF_TAG[tag as Tag] ?? []) ids.add(id);
  return [...ids];
}

export function advisoriesOf(tags: readonly string[]): AdvisoryId[] {
  return [...new Set(tags.flatMap(tag => ADVISORIES_OF_TAG[tag as Tag] ?? []))];
}

/** The clause of a response path's own status and code. */
const PATH_CLAUSE: Partial<Record<Tag, ClauseId>> = {
  '@200': '200.updated',
  '@boundary': '200.updated',
  '@401': '401.causes',
  '@404': '404.not-found',
  '@422': '422.invalid',
  '@429': '429.throttled',
};

/** The clause a wrong error code breaks, by the path of the check. */
const CODE_CLAUSE: Partial<Record<Tag, ClauseId>> = {
  '@401': '401.header-not-found',
  '@404': '404.not-found',
  '@422': '422.invalid',
  '@boundary': '422.invalid',
  '@429': '429.throttled',
};

/** The clause a failed state assertion breaks, by what the check is about (the first that applies). */
const STATE_CLAUSE: [Tag, ClauseId][] = [
  ['@read-only', 'update.read-only'],
  ['@unauthorised-unchanged', '401.causes'],
  ['@refused-unchanged', '422.invalid'],
  ['@near-miss-id', '404.not-found'],
  ['@partial-update', 'update.properties'],
  ['@unsent-unchanged', 'update.properties'],
  ['@persists', 'update.operation'],
  ['@stored-as-echoed', 'update.operation'],
];

/**
 * The clause a failed check broke, from the kind of its failing assertion (support/report/failure-kind.ts)
 * and the tags it declares; undefined for a transport failure, which breaks no clause of the document.
 */
export function brokenClauseOf(kind: string, tags: readonly string[]): ClauseId | undefined {
  const has = (tag: Tag) => tags.includes(tag);
  const byPath = (table: Partial<Record<Tag, ClauseId>>) => (Object.keys(table) as Tag[]).filter(has).map(tag => table[tag]!)[0];
  if (kind === 'Transport failure') return undefined;
  if (kind === 'Server error (5xx)') return 'responses.documented';
  if (kind === 'Unexpected status') return has('@200') || has('@boundary') ? 'responses.documented' : byPath(PATH_CLAUSE);
  if (kind === 'Body breaks its schema or media type') return has('@200') || has('@boundary') ? '200.properties-present' : 'responses.json';
  if (kind === 'Undocumented error code') return byPath(CODE_CLAUSE);
  if (kind === 'Throttling') return 'retry-after.seconds';
  if (kind === 'State not preserved') return STATE_CLAUSE.find(([tag]) => has(tag))?.[1] ?? 'update.operation';
  // Any other assertion: the most specific clause the check declares.
  const specific = tags.flatMap(tag => CLAUSES_OF_TAG[tag as Tag] ?? []);
  return specific.at(-1) ?? byPath(PATH_CLAUSE);
}
