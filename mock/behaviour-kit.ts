// Small tools the faults and variants are built from: each one wraps the documented behaviour
// (mock/operation.ts) and changes the request it sees, the response it gives, or the store.
import { errorResponse, JSON_TYPE, type MockRequest, type MockResponse, type OperationContext } from './operation';
import type { Behaviour } from './server';
import { representation, type StoredConnection } from './store';

export type { Behaviour };

/** The request body as a JSON object, or undefined when it is not one. */
export function bodyObject(request: MockRequest): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(request.body);
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export function withBody(request: MockRequest, body: Record<string, unknown>): MockRequest {
  return { ...request, body: JSON.stringify(body) };
}

export function withAuthorization(request: MockRequest, authorization: string): MockRequest {
  return { ...request, headers: { ...request.headers, authorization } };
}

export const isPut = (request: MockRequest) => request.method === 'PUT';
export const errorCode = (response: MockResponse) => (response.body as { error?: { code?: string } } | undefined)?.error?.code;

/** Changes every response `when` selects (default: all of them). */
export function mapResponse(
  change: (response: MockResponse, request: MockRequest, context: OperationContext) => MockResponse,
  when: (response: MockResponse, request: MockRequest) => boolean = () => true,
): Behaviour {
  return async (request, next, context) => {
    const response = next();
    return when(response, request) ? change(response, request, context) : response;
  };
}

/** Changes the responses with one of `statuses`. */
export const onStatus = (
  statuses: number[],
  change: (response: MockResponse, request: MockRequest, context: OperationContext) => MockResponse,
): Behaviour => mapResponse(change, response => statuses.includes(response.status));

export const withHeaders = (response: MockResponse, headers: Record<string, string>): MockResponse => ({
  ...response,
  headers: { ...response.headers, ...headers },
});

export function withoutHeader(response: MockResponse, name: string): MockResponse {
  const headers = { ...response.headers };
  delete headers[name];
  return { ...response, headers };
}

/** The connection part of a 200 body, changed by `change`. */
export function mapConnection(
  response: MockResponse,
  change: (connection: Record<string, unknown>) => Record<string, unknown>,
): MockResponse {
  const { connection } = response.body as { connection: Record<string, unknown> };
  return { ...response, body: { connection: change({ ...connection }) } };
}

export function connectionResponse(connection: StoredConnection, context: OperationContext): MockResponse {
  return { status: 200, headers: { 'content-type': JSON_TYPE }, body: representation(connection, context.linkBase) };
}

export const serverError = (): MockResponse => errorResponse(500, 'InternalServerError', 'An unexpected error occurred.');

export const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

/** State a behaviour keeps per mock (one mock per run, but a process may hold several). */
export function perMock<T>(create: () => T): (context: OperationContext) => T {
  const states = new WeakMap<OperationContext, T>();
  return context => {
    let state = states.get(context);
    if (state === undefined) states.set(context, (state = create()));
    return state;
  };
}

/** Stable JSON with every object's keys in reverse order, for the key-order variant. */
export function reverseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reverseKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .reverse()
      .map(([key, inner]) => [key, reverseKeys(inner)]),
  );
}

/**
 * Reads (GET) answer with each connection as it was `lagMs()` ago: every accepted PUT is kept with its
 * time, and a read takes the newest state at least that old.
 */
export function laggingReads(lagMs: () => number): Behaviour {
  const timelines = perMock(() => new Map<string, { at: number; state: StoredConnection }[]>());
  return (request, next, context) => {
    const id = request.connectionId;
    const stored = id === undefined ? undefined : context.store.get(id);
    if (id === undefined || !stored) return next();
    const timeline = timelines(context);
    if (!timeline.has(id)) timeline.set(id, [{ at: 0, state: stored }]);
    const response = next();
    const history = timeline.get(id)!;
    if (request.method === 'PUT' && response.status === 200) history.push({ at: Date.now(), state: context.store.get(id)! });
    if (request.method !== 'GET' || response.status !== 200) return response;
    const asOf = Date.now() - lagMs();
    const seen = [...history].reverse().find(entry => entry.at <= asOf)!;
    return connectionResponse(seen.state, context);
  };
}
