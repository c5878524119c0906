// The documented behaviour of Update StorageConnection (and of its GET sibling), as a function from a
// request to a response. It keeps the document's contract; mock/server.ts only moves bytes.
import { AUTHENTICATION_TYPES, CONNECTIONS_PATH, DOCUMENTED_ERRORS } from '../support/contract/operation';
import type { RateLimiter } from './rate-limit';
import { representation, type ConnectionStore, type StoredConnection } from './store';
import type { TokenAuthority } from './tokens';

export interface MockRequest {
  method: string;
  /** Decoded path segment after .../storageconnections/, or undefined for another path. */
  connectionId?: string;
  headers: Record<string, string | undefined>;
  /** The query string without its `?` ('' for none): the document puts nothing there. */
  query?: string;
  body: string;
}

/** Misbehaviour below the contract (mock/transport.ts sends it). */
export type Transport =
  /** Accepts the request and never answers (the socket stays open until the mock stops). */
  | { kind: 'hang' }
  /** Sends the headers, then the body one byte every `intervalMs`. */
  | { kind: 'trickle'; intervalMs: number }
  /** Sends a JSON error body of `bytes` bytes (streamed, never held in memory). */
  | { kind: 'huge'; bytes: number }
  /** Sends the headers and half the body, then resets the connection. */
  | { kind: 'reset-mid-body' };

/**
 * Wraps the documented behaviour: call `next` for what a conformant server would answer. A behaviour
 * may also bring the connections the mock starts with (`seed`), e.g. ids of another shape.
 */
export type Behaviour = ((
  request: MockRequest,
  next: (request?: MockRequest) => MockResponse,
  context: OperationContext,
) => MockResponse | Promise<MockResponse>) & { seed?: () => StoredConnection[] };

export interface MockResponse {
  status: number;
  headers: Record<string, string>;
  /** Serialised as JSON unless it is a string, which is sent as it is. */
  body?: unknown;
  /** Misbehaviour below the contract (mock/transport.ts): hang, trickle, a huge body, a reset mid-body. */
  transport?: Transport;
}

export interface OperationContext {
  store: ConnectionStore;
  limiter: RateLimiter;
  /** A valid token of the run (the mock's own, or the fixed one it was given): what faults authenticate with. */
  token: string;
  /** Issues and validates tokens like the platform's authority (mock/tokens.ts). */
  tokens: TokenAuthority;
  linkBase: string;
}

export const PATH_PREFIX = `${CONNECTIONS_PATH}/`;
export const JSON_TYPE = 'application/json; charset=utf-8';
const VALID_ID = /^[A-Za-z0-9_-]{1,128}$/;

export interface ErrorDetail {
  code: string;
  message: string;
  target?: string;
}

export function errorResponse(status: number, code: string, message: string, details?: ErrorDetail[]): MockResponse {
  return { status, headers: { 'content-type': JSON_TYPE }, body: { error: { code, message, ...(details && { details }) } } };
}

/** One of the document's errors, as the document shows it. */
export const documentedError = (status: number, error: keyof typeof DOCUMENTED_ERRORS, details?: ErrorDetail[]): MockResponse =>
  errorResponse(status, DOCUMENTED_ERRORS[error].code, DOCUMENTED_ERRORS[error].message, details);

export const invalidRequest = (details: ErrorDetail[]) => documentedError(422, 'invalidRequest', details);

/**
 * No header: the document's HeaderNotFound. A header that is not one bearer token, or a token that
 * fails any check (signature, algorithm, issuer, audience, expiry, scope): 401 with one message, which
 * does not tell a caller which check failed.
 */
function authenticate(request: MockRequest, tokens: TokenAuthority): MockResponse | undefined {
  const header = request.headers['authorization'];
  if (header === undefined) return documentedError(401, 'headerNotFound');
  if (!tokens.check(header).valid)
    return errorResponse(401, 'InvalidAuthorizationToken', 'Access token is missing, invalid or expired. Access denied.');
  return undefined;
}

/** Parses and validates a Storage Connection (update); returns the changes or the 422 details. */
export function parseUpdate(body: string): { changes: Partial<StoredConnection> } | { details: ErrorDetail[] } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { details: [{ code: 'InvalidRequestBody', message: 'Error parsing JSON, malformed JSON.' }] };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    return { details: [{ code: 'InvalidRequestBody', message: 'Request body must be a JSON object.' }] };
  const update = parsed as Record<string, unknown>;
  const details: ErrorDetail[] = [];
  const changes: Partial<StoredConnection> = {};
  if ('displayName' in update) {
    const name = update.displayName;
    // The document sets no maximum length: any name that is not blank is taken.
    if (typeof name !== 'string' || name.trim() === '')
      details.push({
        code: 'InvalidValue',
        message: 'displayName must be a string that is not blank.',
        target: 'displayName',
      });
    else changes.displayName = name;
  }
  if ('authenticationType' in update) {
    const type = update.authenticationType;
    if (typeof type !== 'string' || !(AUTHENTICATION_TYPES as readonly string[]).includes(type))
      details.push({
        code: 'InvalidValue',
        message: "authenticationType must be one of: 'User', 'Service'.",
        target: 'authenticationType',
      });
    else changes.authenticationType = type as StoredConnection['authenticationType'];
  }
  return details.length ? { details } : { changes };
}

export function handleOperation(request: MockRequest, context: OperationContext): MockResponse {
  const { connectionId } = request;
  if (connectionId === undefined || !['GET', 'PUT'].includes(request.method))
    return errorResponse(404, 'ResourceNotFound', 'The requested resource does not exist.');
  const unauthenticated = authenticate(request, context.tokens);
  if (unauthenticated) return unauthenticated;
  const throttled = context.limiter.take(request.headers['authorization']!);
  if (!throttled.allowed) {
    const response = documentedError(429, 'rateLimited');
    response.headers['retry-after'] = String(throttled.retryAfterSeconds);
    return response;
  }
  if (!VALID_ID.test(connectionId))
    return invalidRequest([{ code: 'InvalidValue', message: 'Provided connectionId value is not valid.', target: 'connectionId' }]);
  const existing = context.store.get(connectionId);
  if (!existing) return documentedError(404, 'notFound');
  if (request.method === 'PUT') {
    const update = parseUpdate(request.body);
    if ('details' in update) return invalidRequest(update.details);
    context.store.put({ ...existing, ...update.changes });
  }
  return { status: 200, headers: { 'content-type': JSON_TYPE }, body: representation(context.store.get(connectionId)!, context.linkBase) };
}
