// Faults that break one thing in every response of a kind: the cases where a suite without findings
// turned the whole report red for one fact. Each must be detected, and tests/self/e2e/findings.spec.ts runs
// the whole suite against each to show that it fails at most two checks and names one finding.
import { isPut, mapConnection, mapResponse, onStatus, withHeaders } from './behaviour-kit';
import type { Fault } from './faults';
import type { MockResponse } from './operation';

const withoutProperty = (name: string) => (response: MockResponse) =>
  mapConnection(response, c => Object.fromEntries(Object.entries(c).filter(([key]) => key !== name)));

export const CASCADE_FAULTS: Record<string, Fault> = {
  'every-422-text-plain': {
    path: 422,
    breaks: 'responses.json',
    caughtBy: ['@422'],
    description: 'every 422 is labelled text/plain: a client that honours content-type cannot read why its request was refused',
    behaviour: onStatus([422], response => withHeaders(response, { 'content-type': 'text/plain; charset=utf-8' })),
  },
  'every-401-html': {
    path: 401,
    breaks: 'responses.json',
    caughtBy: ['@401'],
    description: "every 401 is a gateway's HTML page: a client that parses the Error Response fails on it",
    behaviour: onStatus([401], response => ({
      ...response,
      headers: { ...response.headers, 'content-type': 'text/html; charset=utf-8' },
      body: '<html><body><h1>401 Authorization Required</h1></body></html>',
    })),
  },
  'ok-status-204': {
    path: 200,
    breaks: 'responses.documented',
    caughtBy: ['@200'],
    description: 'a successful update answers 204 No Content: clients that read the documented 200 body get nothing',
    behaviour: mapResponse(
      () => ({ status: 204, headers: {}, body: undefined }),
      (response, request) => response.status === 200 && isPut(request),
    ),
  },
  'ok-missing-displayname': {
    path: 200,
    breaks: '200.properties-present',
    caughtBy: ['@200'],
    description: 'every 200 to an update leaves displayName out of the connection: a documented property clients show',
    behaviour: mapResponse(withoutProperty('displayName'), (response, request) => response.status === 200 && isPut(request)),
  },
  'every-404-code-wrong': {
    path: 404,
    breaks: '404.not-found',
    caughtBy: ['@404'],
    description: 'every 404 carries the code ConnectionNotFound instead of the documented StorageConnectionNotFound',
    behaviour: onStatus([404], response => ({
      ...response,
      body: { error: { ...(response.body as { error: object }).error, code: 'ConnectionNotFound' } },
    })),
  },
};
