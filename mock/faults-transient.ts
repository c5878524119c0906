// Faults of transient unavailability: 503s the client must not wait out (one that persists past the
// retries, one without retry-after, one whose retry-after is past the longest wait) and another 5xx
// that carries retry-after. Each hits renames (a PUT naming another displayName), so the first check
// to meet it is an update on the 200 path; all but the persisting one answer only the first time a
// body is sent, so a client that retried them would pass: the faults prove it does not.
import { bodyObject, isPut, perMock, serverError, withHeaders, type Behaviour } from './behaviour-kit';
import type { Fault } from './faults';
import type { MockResponse } from './operation';
import { gatewayUnavailable } from './variants-gateway';

/** Answers a rename with `answer()`: every time, or only the first time its body is seen. */
function onRename(answer: () => MockResponse, firstTimeOnly: boolean): Behaviour {
  const seen = perMock(() => new Set<string>());
  return (request, next, context) => {
    const name = bodyObject(request)?.displayName;
    const stored = request.connectionId === undefined ? undefined : context.store.get(request.connectionId);
    if (!isPut(request) || !stored || typeof name !== 'string' || name === stored.displayName) return next();
    const bodies = seen(context);
    if (firstTimeOnly && bodies.has(request.body)) return next();
    bodies.add(request.body);
    return answer();
  };
}

const transient = (description: string, answer: () => MockResponse, firstTimeOnly = true): Fault => ({
  path: 200,
  breaks: 'responses.documented',
  caughtBy: ['@200'],
  description,
  behaviour: onRename(answer, firstTimeOnly),
});

export const TRANSIENT_FAULTS: Record<string, Fault> = {
  'unavailable-persists': transient(
    'every rename gets 503 with retry-after 1, however often it is retried: the service never comes back for it',
    () => gatewayUnavailable('1'),
    false,
  ),
  'unavailable-without-retry-after': transient(
    'a rename gets 503 without retry-after the first time it is sent: a client cannot know when to come back, so the answer stands',
    () => gatewayUnavailable(),
  ),
  'unavailable-retry-after-too-long': transient(
    'a rename gets 503 with retry-after 3600 the first time it is sent: longer than any run waits (90 s), so the answer stands',
    () => gatewayUnavailable('3600'),
  ),
  'bad-gateway-with-retry-after': transient(
    'a rename gets 502 Bad Gateway with retry-after 1 the first time it is sent: only a 503 is a come-back-later, any other 5xx stands',
    () => withHeaders({ ...serverError(), status: 502 }, { 'retry-after': '1' }),
  ),
};
