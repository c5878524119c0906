// Faults of Accept negotiation: requests with the Accept real clients send (*/*, application/json)
// instead of the recommended vendor type are served wrongly. Refusing them with 406 would be allowed
// (mock/variants-gateway.ts); these do worse, and the Accept checks (tests/conformance/accept-header.spec.ts)
// must catch each of them.
import { connectionResponse, isPut, serverError, withHeaders, type Behaviour } from './behaviour-kit';
import type { Fault } from './faults';
import type { ClauseId } from '../support/contract/clauses';
import { RECOMMENDED_ACCEPT } from '../support/contract/operation';

/** The request's Accept is not the vendor type (the default mock's clients always send it). */
const otherAccept = (accept: string | undefined) => (accept ?? '').trim().toLowerCase() !== RECOMMENDED_ACCEPT;

const onOtherAccept = (breaks: ClauseId, description: string, behaviour: Behaviour): Fault => ({
  path: 200,
  breaks,
  caughtBy: ['@accept'],
  description,
  behaviour: (request, next, context) =>
    request.connectionId !== undefined && isPut(request) && otherAccept(request.headers['accept'])
      ? behaviour(request, next, context)
      : next(),
});

export const ACCEPT_FAULTS: Record<string, Fault> = {
  'accept-other-500': onOtherAccept(
    'responses.documented',
    'an update whose Accept is not the vendor type (*/*, application/json) fails with 500: the platform CLI cannot update a connection',
    () => serverError(),
  ),
  'accept-other-update-ignored': onOtherAccept(
    'update.properties',
    'an update whose Accept is not the vendor type is answered 200 with the connection as it was, the update not applied',
    (request, next, context) => {
      const stored = context.store.get(request.connectionId!);
      return stored ? connectionResponse(stored, context) : next();
    },
  ),
  'accept-other-html': onOtherAccept(
    'responses.json',
    'an update whose Accept is not the vendor type is applied but answered with an HTML page (text/html): the document gives JSON bodies',
    (request, next) => {
      const response = next();
      return response.status !== 200
        ? response
        : withHeaders({ ...response, body: `<html><body>${JSON.stringify(response.body)}</body></html>` }, { 'content-type': 'text/html' });
    },
  ),
  'accept-406-applied': onOtherAccept(
    'update.operation',
    'an update whose Accept is not the vendor type is applied, then answered 406: a refusal that hides a write',
    (request, next) => {
      next();
      return {
        status: 406,
        headers: { 'content-type': 'application/json' },
        body: { error: { code: 'NotAcceptable', message: 'Not acceptable.' } },
      };
    },
  ),
};
