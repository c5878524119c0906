// Faults of where credentials are taken from. The document requires an Authorization header; these
// servers also take the valid token from elsewhere when the header is missing: the query string (RFC
// 6750's access_token parameter, which leaks tokens into logs and histories) or a cookie (which a
// browser sends on its own, cross-site requests included). The checks of credentials outside the
// header (tests/conformance/credentials-outside-header.spec.ts) must catch each of them.
import { isPut, withAuthorization, type Behaviour } from './behaviour-kit';
import type { Fault } from './faults';
import type { ClauseId } from '../support/contract/clauses';
import type { Tag } from '../support/contract/tags';
import { errorResponse, type MockRequest } from './operation';

/** The request's query parameters. */
const queryOf = (request: MockRequest) => new URLSearchParams(request.query ?? '');

/** The request's cookies, by name, values URL-decoded. */
function cookiesOf(request: MockRequest): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const pair of (request.headers['cookie'] ?? '').split(';')) {
    const at = pair.indexOf('=');
    if (at <= 0) continue;
    const value = pair.slice(at + 1).trim();
    try {
      cookies.set(pair.slice(0, at).trim(), decodeURIComponent(value));
    } catch {
      cookies.set(pair.slice(0, at).trim(), value);
    }
  }
  return cookies;
}

/** A request without an Authorization header whose `credential` (an Authorization value) is found elsewhere, served by `serve`. */
function fromElsewhere(find: (request: MockRequest) => string | undefined, serve: Behaviour = (request, next) => next(request)): Behaviour {
  return async (request, next, context) => {
    const credential = request.headers['authorization'] === undefined ? find(request) : undefined;
    if (credential === undefined) return next();
    // The server verifies the signature of the Authorization header's token only: this one's too.
    await context.tokens.prepare(credential);
    return serve(withAuthorization(request, credential), next, context);
  };
}

const bearer = (token: string | undefined) => (token ? `Bearer ${token}` : undefined);

const fault = (caughtBy: Tag, breaks: ClauseId, description: string, behaviour: Behaviour): Fault => ({
  path: 401,
  breaks,
  caughtBy: [caughtBy],
  description,
  behaviour,
});

export const CREDENTIAL_FAULTS: Record<string, Fault> = {
  'token-in-query-accepted': fault(
    '@token-in-query',
    '401.causes',
    'without an Authorization header, an access_token query parameter is taken as the bearer token: tokens end up in URLs, logs and histories',
    fromElsewhere(request => bearer(queryOf(request).get('access_token') ?? undefined)),
  ),
  'token-in-any-query-parameter': fault(
    '@token-in-query',
    '401.causes',
    'without an Authorization header, any query parameter holding a valid token authenticates the request (a framework that scans the query)',
    async (request, next, context) => {
      const values = [...queryOf(request).values()];
      for (const value of values) await context.tokens.prepare(`Bearer ${value}`);
      const token = values.find(value => context.tokens.check(`Bearer ${value}`).valid);
      return fromElsewhere(() => bearer(token))(request, next, context);
    },
  ),
  'token-in-query-write-before-reject': fault(
    '@token-in-query',
    '401.causes',
    'a PUT with an access_token query parameter and no Authorization header is applied, then answered 401 HeaderNotFound: the refusal hides the write',
    fromElsewhere(
      request => bearer(queryOf(request).get('access_token') ?? undefined),
      (request, next) => {
        if (isPut(request)) next(request);
        return next({ ...request, headers: { ...request.headers, authorization: undefined } });
      },
    ),
  ),
  'token-in-cookie-accepted': fault(
    '@token-in-cookie',
    '401.causes',
    'without an Authorization header, an access_token cookie is taken as the bearer token: a browser sends it on its own, cross-site requests included',
    fromElsewhere(request => bearer(cookiesOf(request).get('access_token'))),
  ),
  'authorization-cookie-accepted': fault(
    '@token-in-cookie',
    '401.causes',
    'without an Authorization header, a cookie named Authorization ("Bearer <token>") is taken as the header (as some single-page-app back ends do)',
    fromElsewhere(request => cookiesOf(request).get('Authorization')),
  ),
  'token-in-cookie-judged': fault(
    '@token-in-cookie',
    '401.header-not-found',
    'without an Authorization header, a token in a cookie is validated and the request refused with 401 InvalidAuthorizationToken, not the documented HeaderNotFound',
    (request, next) =>
      request.headers['authorization'] === undefined && cookiesOf(request).size > 0
        ? errorResponse(401, 'InvalidAuthorizationToken', 'Access token is missing, invalid or expired. Access denied.')
        : next(),
  ),
};
