// Faults: each breaks the documented contract in one way, on one response path. The conformance
// suite must fail on every one of them (the kill matrix in tests/self/ checks that it does, and that a
// check related to the fault is the one that fails).
import crypto from 'node:crypto';
import {
  bodyObject,
  connectionResponse,
  errorCode,
  isPut,
  laggingReads,
  mapConnection,
  mapResponse,
  onStatus,
  perMock,
  serverError,
  withAuthorization,
  withBody,
  withHeaders,
  withoutHeader,
  type Behaviour,
} from './behaviour-kit';
import { documentedError, errorResponse, parseUpdate, type MockResponse } from './operation';
import type { StoredConnection } from './store';
import type { ClauseId } from '../support/contract/clauses';
import type { Tag } from '../support/contract/tags';

export interface Fault {
  /** The response path it breaks. */
  path: 200 | 401 | 404 | 422 | 429;
  /**
   * The clause of the document it breaks (support/contract/clauses.ts): a check that catches it fails
   * with a finding of this clause, or on an assertion of a check that declares it (the kill matrix's judge).
   */
  breaks: ClauseId;
  /** The tags of the checks that should catch it: one of them must fail, on the clause it breaks. */
  caughtBy: Tag[];
  description: string;
  behaviour: Behaviour;
}

/** The valid token, so that a fault can let a request through as if it were authenticated. */
const authenticated: Behaviour = (request, next, context) => next(withAuthorization(request, `Bearer ${context.token}`));

/** Changes the 200 answers to PUTs: the operation under test is broken, its GET sibling is not. */
const onPut200 = (change: (response: MockResponse) => MockResponse): Behaviour =>
  mapResponse(change, (response, request) => response.status === 200 && isPut(request));

const isAscii = (text: string) => /^[\x00-\x7f]*$/.test(text);

export const FAULTS: Record<string, Fault> = {
  // ---- 200: status, headers, body shape and formats, echoed values, state ----
  'ok-status-201': {
    path: 200,
    breaks: 'responses.documented',
    caughtBy: ['@200'],
    description:
      'a successful update answers 201 Created instead of 200: clients that check for the documented 200 treat every update as failed',
    behaviour: onPut200(response => ({ ...response, status: 201 })),
  },
  'ok-content-type-text': {
    path: 200,
    breaks: 'responses.json',
    caughtBy: ['@200'],
    description: 'the 200 JSON body is labelled text/plain: clients that honour content-type cannot parse the connection',
    behaviour: onPut200(response => withHeaders(response, { 'content-type': 'text/plain; charset=utf-8' })),
  },
  'ok-unwrapped': {
    path: 200,
    breaks: '200.properties-present',
    caughtBy: ['@200'],
    description: 'the 200 body is the connection itself, not { connection: ... }: every client reading response.connection gets nothing',
    behaviour: onPut200(response => ({ ...response, body: (response.body as { connection: unknown }).connection })),
  },
  'ok-imodelid-not-uuid': {
    path: 200,
    breaks: '200.updated',
    caughtBy: ['@200'],
    description: 'iModelId is echoed as 32 hex digits without hyphens: not the UUID format the model promises, so lookups by id fail',
    behaviour: onPut200(response => mapConnection(response, c => ({ ...c, iModelId: String(c.iModelId).replace(/-/g, '') }))),
  },
  'ok-missing-itwinid': {
    path: 200,
    breaks: '200.properties-present',
    caughtBy: ['@200'],
    description: 'the 200 echo leaves iTwinId out: a documented property of every connection, which clients read to find the iTwin',
    behaviour: onPut200(response =>
      mapConnection(response, c => Object.fromEntries(Object.entries(c).filter(([key]) => key !== 'iTwinId'))),
    ),
  },
  'ok-missing-itwin-link': {
    path: 200,
    breaks: '200.links',
    caughtBy: ['@200'],
    description: 'the 200 echo has no _links.iTwin: the documented link to the iTwin, which only lastRun may lack',
    behaviour: onPut200(response =>
      mapConnection(response, c => {
        const links = { ...(c._links as Record<string, unknown>) };
        delete links.iTwin;
        return { ...c, _links: links };
      }),
    ),
  },
  'ok-stale-echo': {
    path: 200,
    breaks: 'update.properties',
    caughtBy: ['@200'],
    description: 'the 200 echoes the connection as it was before the update (the write itself happens): clients show stale values',
    behaviour: (request, next, context) => {
      const before = request.connectionId === undefined ? undefined : context.store.get(request.connectionId);
      const response = next();
      return response.status === 200 && isPut(request) && before ? connectionResponse(before, context) : response;
    },
  },
  'ok-lastrun-other-connection': {
    path: 200,
    breaks: '200.links',
    caughtBy: ['@200'],
    description: "the lastRun link points at a run of another connection: a client following it reads someone else's run",
    behaviour: onPut200(response =>
      mapConnection(response, c => {
        const links = c._links as Record<string, { href: string }>;
        const href = links.lastRun?.href.replace(
          /storageconnections\/[^/]+\//,
          `storageconnections/${crypto.randomBytes(32).toString('base64url')}/`,
        );
        return { ...c, _links: { ...links, ...(href && { lastRun: { href } }) } };
      }),
    ),
  },
  'ok-name-non-ascii-mangled': {
    path: 200,
    breaks: 'update.properties',
    caughtBy: ['@non-ascii'],
    description: 'non-ASCII characters of displayName are stored and echoed as "?": names in most languages are silently destroyed',
    behaviour: (request, next) => {
      const body = bodyObject(request);
      if (!isPut(request) || typeof body?.displayName !== 'string' || isAscii(body.displayName)) return next();
      return next(withBody(request, { ...body, displayName: body.displayName.replace(/[^\x00-\x7f]/gu, '?') }));
    },
  },
  'ok-name-truncated': {
    path: 200,
    breaks: 'update.properties',
    caughtBy: ['@long-name'],
    description: 'a displayName over 200 characters is accepted and silently cut to 200: a 200 that claims an update it did not make',
    behaviour: (request, next) => {
      const body = bodyObject(request);
      if (!isPut(request) || typeof body?.displayName !== 'string' || body.displayName.length <= 200) return next();
      return next(withBody(request, { ...body, displayName: body.displayName.slice(0, 200) }));
    },
  },
  'lost-update': {
    path: 200,
    breaks: 'update.operation',
    caughtBy: ['@persists'],
    description: 'the update is echoed but never stored: the client is told it succeeded and the change is lost',
    behaviour: (request, next, context) => {
      const before = request.connectionId === undefined ? undefined : context.store.get(request.connectionId);
      const response = next();
      if (response.status === 200 && isPut(request) && before) context.store.put(before);
      return response;
    },
  },
  'clobber-omitted-authtype': {
    path: 200,
    breaks: 'update.properties',
    caughtBy: ['@partial-update'],
    description:
      "an update without authenticationType resets it to the default 'User' (replace, not update): an omitted field must keep its value",
    behaviour: (request, next) => {
      const body = bodyObject(request);
      if (!isPut(request) || !body || 'authenticationType' in body || Object.keys(body).length === 0) return next();
      return next(withBody(request, { ...body, authenticationType: 'User' }));
    },
  },
  'read-only-identity-writable': {
    path: 200,
    breaks: 'update.read-only',
    caughtBy: ['@read-only'],
    description: 'iModelId and iTwinId in the body overwrite the stored ones: the update moves the connection to another iModel',
    behaviour: (request, next, context) => {
      const response = next();
      const body = bodyObject(request);
      if (response.status !== 200 || !isPut(request) || !body || request.connectionId === undefined) return response;
      const stored = context.store.get(request.connectionId)!;
      const moved: StoredConnection = {
        ...stored,
        ...(typeof body.iModelId === 'string' && { iModelId: body.iModelId }),
        ...(typeof body.iTwinId === 'string' && { iTwinId: body.iTwinId }),
      };
      context.store.put(moved);
      return connectionResponse(moved, context);
    },
  },

  // ---- 401: authentication holes, status, code, order of checks ----
  'auth-none-accepted': {
    path: 401,
    breaks: '401.causes',
    caughtBy: ['@no-credentials', '@unauthorised-unchanged'],
    description: 'a request without Authorization is served as if authenticated: anyone can rename any connection',
    behaviour: (request, next, context) =>
      request.headers['authorization'] === undefined ? authenticated(request, next, context) : next(),
  },
  'auth-any-bearer': {
    path: 401,
    breaks: '401.causes',
    caughtBy: ['@invalid-token', '@unauthorised-unchanged'],
    description: 'any non-empty Bearer token is accepted without validation: a forged or expired token works',
    behaviour: (request, next, context) =>
      /^Bearer \S+/.test(request.headers['authorization'] ?? '') ? authenticated(request, next, context) : next(),
  },
  'auth-basic-accepted': {
    path: 401,
    breaks: '401.causes',
    caughtBy: ['@basic-scheme', '@unauthorised-unchanged'],
    description: 'any Basic credentials are accepted: the API takes a scheme it does not document, with no token at all',
    behaviour: (request, next, context) =>
      /^Basic /.test(request.headers['authorization'] ?? '') ? authenticated(request, next, context) : next(),
  },
  'auth-write-before-reject': {
    path: 401,
    breaks: '401.causes',
    caughtBy: ['@unauthorised-unchanged'],
    description: 'a PUT with bad credentials is applied, then answered 401: the refusal hides an unauthorised write',
    behaviour: (request, next, context) => {
      const response = next();
      if (response.status === 401 && isPut(request)) next(withAuthorization(request, `Bearer ${context.token}`));
      return response;
    },
  },
  '401-as-403': {
    path: 401,
    breaks: 'responses.documented',
    caughtBy: ['@401'],
    description: 'bad credentials get 403 Forbidden instead of 401: clients do not know to fetch a new token',
    behaviour: onStatus([401], response => ({ ...response, status: 403 })),
  },
  '401-wrong-code': {
    path: 401,
    breaks: '401.header-not-found',
    caughtBy: ['@header-not-found'],
    description: 'a missing Authorization header gets code "Unauthorized" instead of the documented HeaderNotFound',
    behaviour: onStatus([401], response =>
      errorCode(response) === 'HeaderNotFound' ? errorResponse(401, 'Unauthorized', 'Access denied.') : response,
    ),
  },
  '401-after-lookup': {
    path: 401,
    breaks: '401.causes',
    caughtBy: ['@auth-before-lookup'],
    description: 'an unknown id answers 404 before credentials are checked: an oracle of which connections exist, for anyone',
    behaviour: (request, next, context) => {
      const unknown = request.connectionId !== undefined && !context.store.has(request.connectionId);
      const unauthenticated = request.headers['authorization'] !== `Bearer ${context.token}`;
      return unknown && unauthenticated
        ? errorResponse(404, 'StorageConnectionNotFound', 'Requested StorageConnection is not available.')
        : next();
    },
  },

  // ---- 404: status, code, body shape, upserts ----
  '404-wrong-code': {
    path: 404,
    breaks: '404.not-found',
    caughtBy: ['@unknown-id'],
    description: 'an unknown connection gets code "NotFound" instead of StorageConnectionNotFound: clients matching the code miss it',
    behaviour: onStatus([404], response =>
      errorResponse(404, 'NotFound', String((response.body as { error: { message: string } }).error.message)),
    ),
  },
  '404-upsert-creates': {
    path: 404,
    breaks: '404.not-found',
    caughtBy: ['@unknown-id'],
    description: 'a PUT to an unknown id answers 404 but creates the connection anyway: PUT must never create connections',
    behaviour: (request, next, context) => {
      const response = next();
      const body = bodyObject(request);
      if (response.status === 404 && isPut(request) && request.connectionId !== undefined && body) {
        const update = parseUpdate(request.body);
        context.store.put({
          id: request.connectionId,
          iModelId: crypto.randomUUID(),
          iTwinId: crypto.randomUUID(),
          displayName: 'created by PUT',
          authenticationType: 'User',
          ...('changes' in update && update.changes),
        });
      }
      return response;
    },
  },
  '404-as-422': {
    path: 404,
    breaks: '404.not-found',
    caughtBy: ['@unknown-id'],
    description: 'an unknown id of the valid shape gets 422 InvalidValue connectionId: clients cannot tell "gone" from "malformed"',
    behaviour: onStatus([404], response =>
      errorCode(response) === 'StorageConnectionNotFound'
        ? errorResponse(422, 'InvalidStorageConnectionRequest', 'Cannot perform operation.', [
            { code: 'InvalidValue', message: 'Provided connectionId value is not valid.', target: 'connectionId' },
          ])
        : response,
    ),
  },

  // ---- 422: status, details, partial writes, coercion, server errors on bad bodies ----
  '422-as-400': {
    path: 422,
    breaks: 'responses.documented',
    caughtBy: ['@malformed-json', '@not-an-object', '@empty-body'],
    description: 'a body that is not JSON gets 400 Bad Request (a framework answering before the handler) instead of the documented 422',
    behaviour: onStatus([422], (response, request) =>
      isPut(request) && bodyObject(request) === undefined ? { ...response, status: 400 } : response,
    ),
  },
  '422-details-wrong-target': {
    path: 422,
    breaks: 'error.target',
    caughtBy: ['@names-body-property', '@invalid-connection-id'],
    description: 'every 422 detail names target "sourceFiles" (copied from the example): the client cannot tell which field was wrong',
    behaviour: onStatus([422], response => {
      const { error } = response.body as { error: { code: string; message: string; details?: object[] } };
      return { ...response, body: { error: { ...error, details: error.details?.map(detail => ({ ...detail, target: 'sourceFiles' })) } } };
    }),
  },
  '422-detail-names-other-property': {
    path: 422,
    breaks: 'error.target',
    caughtBy: ['@names-body-property'],
    description: 'a 422 detail about displayName names authenticationType and the other way round: a client highlights the wrong field',
    behaviour: onStatus([422], response => {
      const swap: Record<string, string> = { displayName: 'authenticationType', authenticationType: 'displayName' };
      const { error } = response.body as { error: { details?: { target?: string }[] } };
      const details = error.details?.map(detail =>
        detail.target && swap[detail.target] ? { ...detail, target: swap[detail.target] } : detail,
      );
      return { ...response, body: { error: { ...error, details } } };
    }),
  },
  '422-partial-write': {
    path: 422,
    breaks: '422.invalid',
    caughtBy: ['@refused-unchanged'],
    description: 'a refused update still applies its valid fields: the 422 says nothing changed when something did',
    behaviour: (request, next, context) => {
      const response = next();
      const body = bodyObject(request);
      if (response.status !== 422 || !isPut(request) || request.connectionId === undefined) return response;
      const stored = context.store.get(request.connectionId);
      if (!stored) return response;
      const partial =
        body ??
        Object.fromEntries([...request.body.matchAll(/"(displayName|authenticationType)"\s*:\s*"([^"]*)"/g)].map(m => [m[1], m[2]]));
      for (const [key, value] of Object.entries(partial)) {
        const single = parseUpdate(JSON.stringify({ [key]: value }));
        if ('changes' in single) context.store.put({ ...context.store.get(request.connectionId)!, ...single.changes });
      }
      return response;
    },
  },
  '422-malformed-500': {
    path: 422,
    breaks: 'responses.documented',
    caughtBy: ['@malformed-json'],
    description: 'malformed JSON makes the server fail with 500 instead of answering 422 InvalidRequestBody',
    behaviour: onStatus([422], (response, request) => {
      const details = (response.body as { error: { details?: { code: string }[] } }).error.details ?? [];
      return isPut(request) && details.some(detail => detail.code === 'InvalidRequestBody') && request.body.trim().startsWith('{')
        ? serverError()
        : response;
    }),
  },

  // ---- 429: throttling that breaks its contract ----
  '429-no-retry-after': {
    path: 429,
    breaks: 'retry-after.seconds',
    caughtBy: ['@throttling'],
    description: 'a 429 without retry-after: clients cannot know how long to wait and hammer the API or give up',
    behaviour: onStatus([429], response => withoutHeader(response, 'retry-after')),
  },
  '429-retry-after-fraction': {
    path: 429,
    breaks: 'retry-after.seconds',
    caughtBy: ['@throttling'],
    description: 'retry-after is "0.5", not the documented whole number of seconds: integer parsers reject it',
    behaviour: onStatus([429], response => withHeaders(response, { 'retry-after': '0.5' })),
  },
  '429-retry-after-lies': {
    path: 429,
    breaks: 'retry-after.seconds',
    caughtBy: ['@throttling'],
    description: 'retry-after says 1 s but the client stays throttled for 3 s: a client that waits as told is throttled again',
    behaviour: (() => {
      // Per client, as the limit is: the client throttled last (its Authorization header) stays blocked.
      const blockedUntil = perMock(() => ({ at: 0, client: '' }));
      return (request, next, context) => {
        const state = blockedUntil(context);
        if (request.headers['authorization'] === state.client && Date.now() < state.at) {
          const response = errorResponse(
            429,
            'RateLimitExceeded',
            'The client sent more requests than allowed by this API for the current tier of the client.',
          );
          return withHeaders(response, { 'retry-after': '1' });
        }
        const response = next();
        if (response.status === 429) {
          state.at = Date.now() + 3_000;
          state.client = request.headers['authorization'] ?? '';
          return withHeaders(response, { 'retry-after': '1' });
        }
        return response;
      };
    })(),
  },
  '429-retry-after-lies-extending': {
    path: 429,
    breaks: '429.throttled',
    caughtBy: ['@throttling'],
    description:
      'retry-after says 1 s, and every request while throttled pushes the end of the block 3 s further: a client that waits as told is never let back in',
    behaviour: (() => {
      const blockedUntil = perMock(() => ({ at: 0, client: '' }));
      return (request, next, context) => {
        const state = blockedUntil(context);
        const blocked = request.headers['authorization'] === state.client && Date.now() < state.at;
        const response = blocked ? documentedError(429, 'rateLimited') : next();
        if (response.status !== 429) return response;
        state.at = Date.now() + 3_000;
        state.client = request.headers['authorization'] ?? '';
        return withHeaders(response, { 'retry-after': '1' });
      };
    })(),
  },
  '429-as-503': {
    path: 429,
    breaks: 'responses.documented',
    caughtBy: ['@throttling'],
    description: 'throttling answers 503 Service Unavailable instead of 429: clients take it for an outage, not a rate limit',
    behaviour: onStatus([429], response => ({ ...response, status: 503 })),
  },

  // ---- server errors on odd but legitimate input (they surface on the 200 path) ----
  '5xx-non-ascii': {
    path: 200,
    breaks: 'responses.documented',
    caughtBy: ['@non-ascii'],
    description: 'a displayName with any non-ASCII character makes the server fail with 500: most of the world cannot name a connection',
    behaviour: (request, next) => {
      const body = bodyObject(request);
      return isPut(request) && typeof body?.displayName === 'string' && !isAscii(body.displayName) ? serverError() : next();
    },
  },
  '5xx-long-name': {
    path: 200,
    breaks: 'responses.documented',
    caughtBy: ['@long-name'],
    description: 'a displayName over 1000 characters makes the server fail with 500 instead of refusing it with 422',
    behaviour: (request, next) => {
      const body = bodyObject(request);
      return isPut(request) && typeof body?.displayName === 'string' && body.displayName.length > 1000 ? serverError() : next();
    },
  },
  '5xx-null': {
    path: 200,
    breaks: 'responses.documented',
    caughtBy: ['@null-value'],
    description: 'a null displayName or authenticationType makes the server fail with 500 (a null dereference) instead of 422',
    behaviour: (request, next) => {
      const body = bodyObject(request);
      return isPut(request) && body && (body.displayName === null || body.authenticationType === null) ? serverError() : next();
    },
  },

  // ---- accepted updates stored otherwise than echoed, or changing what they do not name ----
  'empty-update-wipes-name': {
    path: 200,
    breaks: 'update.properties',
    caughtBy: ['@unsent-unchanged'],
    description: 'an empty update {} is accepted and clears displayName: an update that names nothing must change nothing',
    behaviour: (request, next, context) => {
      const body = bodyObject(request);
      const stored = request.connectionId === undefined ? undefined : context.store.get(request.connectionId);
      if (!isPut(request) || !body || Object.keys(body).length || !stored || request.headers['authorization'] !== `Bearer ${context.token}`)
        return next();
      context.store.put({ ...stored, displayName: '' });
      return connectionResponse(context.store.get(stored.id)!, context);
    },
  },
  'unknown-property-resets-authtype': {
    path: 200,
    breaks: 'update.properties',
    caughtBy: ['@unsent-unchanged'],
    description:
      'a body with a property the server does not know resets authenticationType to the other value: an update changes only what it names',
    behaviour: (request, next) => {
      const body = bodyObject(request);
      if (!isPut(request) || !body || !Object.keys(body).some(key => !['displayName', 'authenticationType'].includes(key))) return next();
      return next(withBody(request, { ...body, authenticationType: 'Service' }));
    },
  },
  'stored-markup-escaped': {
    path: 200,
    breaks: 'update.operation',
    caughtBy: ['@stored-as-echoed'],
    description: 'a displayName with markup is echoed as sent but stored HTML-escaped: the 200 claims a value the server does not keep',
    behaviour: storedOtherwise(name =>
      /[<>&]/.test(name) ? name.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;') : name,
    ),
  },
  'stored-long-name-cut': {
    path: 200,
    breaks: 'update.operation',
    caughtBy: ['@stored-as-echoed'],
    description:
      'a displayName over 1000 characters is echoed whole but stored cut to 1000: the 200 claims a value the server does not keep',
    behaviour: storedOtherwise(name => name.slice(0, 1000)),
  },
  'stored-spaces-trimmed': {
    path: 200,
    breaks: 'update.operation',
    caughtBy: ['@stored-as-echoed'],
    description:
      'a displayName with leading or trailing spaces is echoed as sent but stored trimmed: the echo and the stored value disagree',
    behaviour: storedOtherwise(name => name.trim() || name),
  },

  'reads-lag-too-long': {
    path: 200,
    breaks: 'update.operation',
    caughtBy: ['@persists'],
    description:
      'a read answers with the connection as it was 5 s earlier: past any reasonable replication lag (the suite waits 3 s), a write is as good as lost',
    behaviour: laggingReads(() => 5_000),
  },

  // ---- a connection that cannot be read: reported as a failed check, with every report ----
  'unreadable-500': {
    path: 200,
    breaks: 'responses.documented',
    caughtBy: ['@reads-back'],
    description: 'every read of the connection (GET, or an empty PUT) fails with 500: the run must still report it, as a failed check',
    behaviour: (request, next) => (request.method === 'GET' || request.body.trim() === '{}' ? serverError() : next()),
  },
  'unreadable-wrong-shape': {
    path: 200,
    breaks: '200.properties-present',
    caughtBy: ['@reads-back'],
    description:
      'every read of the connection answers 200 with the connection unwrapped and without a displayName: no state to restore from',
    behaviour: (request, next) => {
      const response = next();
      if (response.status !== 200 || !(request.method === 'GET' || request.body.trim() === '{}')) return response;
      const connection = { ...(response.body as { connection: Record<string, unknown> }).connection };
      delete connection.displayName;
      return { ...response, body: connection };
    },
  },

  // ---- the documented error codes, wherever their case occurs ----
  '422-null-wrong-code': {
    path: 422,
    breaks: '422.invalid',
    caughtBy: ['@null-value'],
    description:
      'a body with a null value is refused with 422 but code "SomethingElse": the document gives InvalidStorageConnectionRequest',
    behaviour: onStatus([422], (response, request) =>
      /:\s*null\b/.test(request.body)
        ? { ...response, body: { error: { ...(response.body as { error: object }).error, code: 'SomethingElse' } } }
        : response,
    ),
  },
  '404-malformed-wrong-code': {
    path: 404,
    breaks: '404.not-found',
    caughtBy: ['@malformed-json'],
    description: 'an unknown id with a malformed body gets 404 with code "Whatever": the document gives StorageConnectionNotFound',
    behaviour: onStatus([404], (response, request) =>
      bodyObject(request) === undefined && isPut(request)
        ? { ...response, body: { error: { code: 'Whatever', message: 'Not here.' } } }
        : response,
    ),
  },
};

/** Echoes an accepted displayName as sent, but stores `store(name)` instead. */
function storedOtherwise(store: (name: string) => string): Behaviour {
  return (request, next, context) => {
    const response = next();
    const body = bodyObject(request);
    if (response.status !== 200 || !isPut(request) || typeof body?.displayName !== 'string' || request.connectionId === undefined)
      return response;
    const stored = context.store.get(request.connectionId)!;
    context.store.put({ ...stored, displayName: store(body.displayName) });
    return response;
  };
}
