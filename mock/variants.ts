// Variants: each keeps the documented contract in a way the document (or the platform notes) allows
// but the default mock does not. The conformance suite must pass on every one of them: a failure is a
// false alarm, a check stricter than the contract.
import {
  bodyObject,
  connectionResponse,
  errorCode,
  laggingReads,
  isPut,
  mapConnection,
  mapResponse,
  onStatus,
  perMock,
  reverseKeys,
  withBody,
  withHeaders,
  type Behaviour,
} from './behaviour-kit';
import { ERROR_CODES } from '../support/contract/operation';
import { documentedError, errorResponse, invalidRequest, parseUpdate, type MockResponse } from './operation';
import { RateLimiter } from './rate-limit';
import { GATEWAY_VARIANTS } from './variants-gateway';
import { SHAPE_VARIANTS } from './variants-shapes';

export interface Variant {
  description: string;
  behaviour: Behaviour;
}

const setContentType = (type: string): Behaviour => mapResponse(response => withHeaders(response, { 'content-type': type }));

const CANONICAL_TYPES: Record<string, string> = { user: 'User', service: 'Service' };

export const VARIANTS: Record<string, Variant> = {
  'extra-fields': {
    description:
      'the connection carries undocumented fields (a lastModified that changes on every answer, createdDateTime, _links.project): clients must ignore what they do not know',
    behaviour: onStatus([200], response =>
      mapConnection(response, c => ({
        ...c,
        createdDateTime: '2024-01-02T03:04:05.000Z',
        lastModified: new Date().toISOString(),
        _links: { ...(c._links as object), project: { href: `https://api.bentley.com/projects/${String(c.iTwinId)}` } },
      })),
    ),
  },
  'sparse-errors': {
    description:
      'errors carry "target": null (top level, and in details without a target) and 422s carry no details at all: the Error model allows null targets and requires no property',
    behaviour: mapResponse(
      (response, request) => {
        const { error } = response.body as { error: { code: string; message: string; details?: { target?: string }[] } };
        // 422s to PUTs with a JSON object body lose their details; the others keep them, with null targets.
        if (response.status === 422 && bodyObject(request) !== undefined)
          return { ...response, body: { error: { code: error.code, message: error.message, target: null } } };
        return {
          ...response,
          body: { error: { ...error, target: null, ...(error.details && { details: error.details.map(d => ({ target: null, ...d })) }) } },
        };
      },
      response => response.status >= 400 && typeof (response.body as { error?: unknown } | undefined)?.error === 'object',
    ),
  },
  'pretty-json-escaped-unicode': {
    description:
      "JSON bodies are indented, list every object's keys in reverse order and write every non-ASCII character as a \\u escape: the same JSON text, so a name must still round-trip exactly",
    behaviour: mapResponse(response =>
      typeof response.body === 'object'
        ? { ...response, body: escapeNonAscii(JSON.stringify(reverseKeys(response.body), null, 4)) }
        : response,
    ),
  },
  'vendor-media-type': {
    description: 'content-type is application/vnd.bentley.itwin-platform.v1+json, the media type the document recommends clients accept',
    behaviour: setContentType('application/vnd.bentley.itwin-platform.v1+json'),
  },
  'lagging-reads': {
    description:
      'a read answers with the connection as it was 0.4-0.9 s earlier, as a replica would: read-backs must wait (within CONFORMANCE_READ_LAG_SECONDS) for a write to show',
    behaviour: laggingReads(() => 400 + Math.floor(Math.random() * 500)),
  },
  'throttle-everything': {
    description:
      'every 40th authenticated request gets 429 (retry-after 1 s), as when other apps share the quota: ordinary checks must wait and retry',
    behaviour: (() => {
      // A count, not a time window, so the checks meet 429s however fast or slow the machine runs them.
      const counter = perMock(() => ({ count: 0 }));
      return (request, next, context) => {
        if (request.connectionId === undefined || request.headers['authorization'] !== `Bearer ${context.token}`) return next();
        const state = counter(context);
        state.count += 1;
        if (state.count % 40 !== 0) return next();
        const response = documentedError(429, 'rateLimited');
        return withHeaders(response, { 'retry-after': '1' });
      };
    })(),
  },
  'detail-targets-null': {
    description:
      'every 422 detail carries "target": null, the one naming the property at fault included: Error.target is "String, null", so a detail may name nothing',
    behaviour: onStatus([422], response => withDetailTargets(response, () => null)),
  },
  'detail-targets-absent': {
    description:
      '422 details carry no target property at all, and a message instead: the Error Response note says no property may be assumed present',
    behaviour: onStatus([422], response => withDetailTargets(response, () => undefined)),
  },
  'random-throttling': {
    description:
      "other clients share the tier: any authenticated request gets 429 (retry-after 1 s) at random, one in ten (RANDOM_THROTTLE_RATE to change), besides the mock's own limit: no check may fail on a throttle it did not cause",
    behaviour: (request, next, context) => {
      const rate = Number(process.env.RANDOM_THROTTLE_RATE) || 0.1;
      // Any client with a valid token: the run's own and the 429 probe's (a client of the mock's lowest tier).
      const authorization = request.headers['authorization'];
      if (request.connectionId === undefined || !authorization || !context.tokens.check(authorization).valid || Math.random() >= rate)
        return next();
      return withHeaders(documentedError(429, 'rateLimited'), { 'retry-after': '1' });
    },
  },
  'authtype-case-insensitive': {
    description:
      "authenticationType is matched without case ('user', 'SERVICE') and stored in the documented spelling: the document is silent on case",
    behaviour: (request, next) => {
      const body = bodyObject(request);
      const type = typeof body?.authenticationType === 'string' ? CANONICAL_TYPES[body.authenticationType.toLowerCase()] : undefined;
      return isPut(request) && body && type ? next(withBody(request, { ...body, authenticationType: type })) : next();
    },
  },
  'empty-displayname-accepted': {
    description: 'an empty or all-space displayName is accepted and stored as sent: the document gives displayName no minimum length',
    behaviour: (request, next, context) => {
      const body = bodyObject(request);
      if (!isPut(request) || !body || typeof body.displayName !== 'string' || body.displayName.trim() !== '') return next();
      const { displayName, ...rest } = body;
      const response = next(withBody(request, rest));
      if (response.status !== 200 || request.connectionId === undefined) return response;
      const updated = { ...context.store.get(request.connectionId)!, displayName };
      context.store.put(updated);
      return connectionResponse(updated, context);
    },
  },
  'empty-update-refused': {
    description: 'an update with no property ({}) is refused with 422 instead of accepted as a no-op: the document allows either',
    behaviour: (request, next, context) => {
      const body = bodyObject(request);
      if (!isPut(request) || !body || Object.keys(body).length > 0) return next();
      const response = next();
      if (response.status !== 200 || request.connectionId === undefined || !context.store.has(request.connectionId)) return response;
      return invalidRequest([{ code: 'InvalidRequestBody', message: 'The update sets no property.' }]);
    },
  },
  'never-ran': {
    description: 'the connection has never run, so it has no lastRun link: the platform notes say such connections exist',
    behaviour: onStatus([200], response =>
      mapConnection(response, c => {
        const { lastRun, ...links } = c._links as Record<string, unknown>;
        void lastRun;
        return { ...c, _links: links };
      }),
    ),
  },
  'body-before-existence': {
    description: 'the body is validated before the connection is looked up, so an unknown id with a bad body gets 422, not 404',
    behaviour: (request, next) => {
      const response = next();
      if (response.status !== 404 || errorCode(response) !== ERROR_CODES.notFound || !isPut(request)) return response;
      const update = parseUpdate(request.body);
      return 'details' in update ? invalidRequest(update.details) : response;
    },
  },
  'platform-throttling': {
    description:
      'a gateway allows 60 requests per 3 s, so retry-after is up to 3 s and the block lasts exactly that long; every answer carries extra platform headers (x-ratelimit-*, x-correlation-id) and a 429 has code TooManyRequests, the code other platform pages use',
    behaviour: (request, next, context) => {
      const gateway = gateways(context);
      const throttled =
        request.connectionId !== undefined && request.headers['authorization'] === `Bearer ${context.token}` && gateway.take('client');
      const response =
        throttled && !throttled.allowed
          ? withHeaders(documentedError(429, 'rateLimited'), { 'retry-after': String(throttled.retryAfterSeconds) })
          : next();
      return platformHeaders(response);
    },
  },
  'put-only': {
    description: 'the target serves only the PUT (GET answers 405), so the suite must read connections back with an empty PUT',
    behaviour: (request, next) =>
      request.method === 'GET' && request.connectionId !== undefined
        ? errorResponse(405, 'MethodNotAllowed', 'The requested method is not allowed.')
        : next(),
  },
  // Error bodies with null or absent properties, connection ids of other shapes.
  ...SHAPE_VARIANTS,
  // A gateway's 503s with retry-after, and stricter Accept negotiation.
  ...GATEWAY_VARIANTS,
};

/** The headers a platform gateway adds, and its 429 code (TooManyRequests, as other platform pages say). */
function platformHeaders(response: MockResponse): MockResponse {
  const body =
    response.status === 429 ? { error: { code: 'TooManyRequests', message: 'Too many requests. Try again later.' } } : response.body;
  return withHeaders(
    { ...response, body },
    {
      'x-ratelimit-limit': '60',
      'x-ratelimit-remaining': response.status === 429 ? '0' : '42',
      'x-ratelimit-reset': response.headers['retry-after'] ?? '3',
      'x-correlation-id': '5e8e2f3a-1b2c-4d5e-8f90-123456789abc',
    },
  );
}

/** The gateway's own limit: 60 requests per 3-second window. */
const gateways = perMock(() => new RateLimiter({ limit: 60, windowSeconds: 3 }));

/** JSON text with every character outside ASCII written as a \u escape (the same JSON value). */
function escapeNonAscii(json: string): string {
  return json.replace(/[\u0080-\uffff]/g, char => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A 422 whose every detail's target is replaced (undefined: the property is left out). */
function withDetailTargets(response: MockResponse, target: () => string | null | undefined): MockResponse {
  const { error } = response.body as { error: { details?: Record<string, unknown>[] } };
  const details = error.details?.map(detail => {
    const rest = { ...detail };
    delete rest.target;
    return target() === undefined ? rest : { ...rest, target: target() };
  });
  return { ...response, body: { error: { ...error, details } } };
}
