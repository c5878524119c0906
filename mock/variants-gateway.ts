// Variants of what stands in front of the operation: a gateway that answers a few requests 503
// Service Unavailable with retry-after, as gateways do during deployments and overload (RFC 9110,
// 15.6.4: "the server is currently unable to handle the request ... retry-after"), and servers that
// negotiate Accept more strictly than the default mock (the document only recommends the vendor type).
import type { Behaviour } from './behaviour-kit';
import { perMock, withHeaders } from './behaviour-kit';
import { errorResponse, type MockResponse } from './operation';
import { RECOMMENDED_ACCEPT } from '../support/contract/operation';

interface Variant {
  description: string;
  behaviour: Behaviour;
}

/** What a gateway answers while the service behind it is away: HTML, not the API's JSON. */
export function gatewayUnavailable(retryAfter?: string): MockResponse {
  const response: MockResponse = {
    status: 503,
    headers: { 'content-type': 'text/html; charset=utf-8' },
    body: '<html><head><title>503 Service Unavailable</title></head><body><h1>Service Unavailable</h1></body></html>',
  };
  return retryAfter === undefined ? response : withHeaders(response, { 'retry-after': retryAfter });
}

/**
 * The operation's requests numbered from 1 (per mock): those `unavailable(n)` picks get the gateway's
 * 503, but no more than one every `spacingMs`. Spaced, a few 503s never stall a burst long enough to
 * keep it under the rate limit (the 429 probe must still meet a 429).
 */
function gateway503(unavailable: (n: number) => boolean, retryAfter: () => string, spacingMs = 0): Behaviour {
  const state = perMock(() => ({ count: 0, last: 0 }));
  return (request, next, context) => {
    if (request.connectionId === undefined) return next();
    const gateway = state(context);
    gateway.count += 1;
    if (!unavailable(gateway.count) || Date.now() - gateway.last < spacingMs) return next();
    gateway.last = Date.now();
    return gatewayUnavailable(retryAfter());
  };
}

/** The Accept asks for the vendor type by name (a media range such as * / * does not count). */
const namesVendorType = (accept: string | undefined) =>
  (accept ?? '').split(',').some(range => range.split(';')[0]!.trim().toLowerCase() === RECOMMENDED_ACCEPT);

const notAcceptable = (): MockResponse =>
  errorResponse(406, 'NotAcceptable', `The requested media type is not available; accept ${RECOMMENDED_ACCEPT}.`);

export const GATEWAY_VARIANTS: Record<string, Variant> = {
  'gateway-503': {
    description:
      'a gateway answers every 10th request 503 Service Unavailable with retry-after 1 and an HTML page, at most once every 3 s: a come-back-later the client waits out and retries',
    behaviour: gateway503(
      n => n % 10 === 0,
      () => '1',
      3000,
    ),
  },
  'gateway-503-deploying': {
    description:
      'a deployment: requests 31 to 33 in a row get 503 with retry-after 1, so one request is retried 3 times before it is served',
    behaviour: gateway503(
      n => n >= 31 && n <= 33,
      () => '1',
    ),
  },
  'gateway-503-http-date': {
    description:
      "every 25th request gets 503 whose retry-after is an HTTP-date 2 s ahead (RFC 9110 allows a date), at most once every 5 s: the client waits until then, by the server's clock",
    behaviour: gateway503(
      n => n % 25 === 0,
      () => new Date(Date.now() + 2000).toUTCString(),
      5000,
    ),
  },
  'vendor-accept-only': {
    description:
      'a request whose Accept does not name application/vnd.bentley.itwin-platform.v1+json (*/* and application/json included) gets 406: the document marks Accept required and recommends that value, so a refusal is allowed (an advisory)',
    behaviour: (request, next) =>
      request.connectionId !== undefined && !namesVendorType(request.headers['accept']) ? notAcceptable() : next(),
  },
  'accept-wildcard-refused': {
    description:
      'Accept */* gets 406 (the server wants a concrete type) while application/json and the vendor type are served: a refusal the document allows (an advisory)',
    behaviour: (request, next) =>
      request.connectionId !== undefined && (request.headers['accept'] ?? '').trim() === '*/*' ? notAcceptable() : next(),
  },
};
