// MOCK_BEHAVIOUR as a comma-separated list (mock/behaviours.ts): the behaviours are composed in order,
// the first seeing the request first and the answer last, each applied once per request whether it
// answers at once or asynchronously; a name that is not a behaviour stops the run with one line.
import { test, expect } from '../fixtures';
import { BEHAVIOURS, behaviourNamed, composedBehaviour } from '../../../mock/behaviours';
import { JSON_TYPE, type MockRequest, type MockResponse, type OperationContext } from '../../../mock/operation';
import type { Behaviour } from '../../../mock/server';
import { representation, seedConnection } from '../../../mock/store';
import { ConfigError } from '../../../support/client/config-error';
import { parseBehaviour } from '../../../support/run/config-parsers';

const connection = seedConnection();
const PUT: MockRequest = { method: 'PUT', connectionId: connection.id, headers: {}, body: '{"displayName":"renamed"}' };
/** Only what the behaviours below read; the catalogue's response faults never reach the store or the tokens. */
const context = { linkBase: 'http://mock' } as OperationContext;

/** The documented behaviour's stand-in: a 200 with the connection, and the requests it was asked for. */
function documented() {
  const asked: MockRequest[] = [];
  const next = (request: MockRequest = PUT): MockResponse => {
    asked.push(request);
    return { status: 200, headers: { 'content-type': JSON_TYPE }, body: representation(connection, context.linkBase) };
  };
  return { asked, next };
}

/** A behaviour that adds `mark` to a header of the request and to one of the response (async, as most are). */
const marking =
  (mark: string): Behaviour =>
  async (request, next) => {
    const response = next({ ...request, headers: { ...request.headers, 'x-seen': `${request.headers['x-seen'] ?? ''}${mark}` } });
    return { ...response, headers: { ...response.headers, 'x-answered': `${response.headers['x-answered'] ?? ''}${mark}` } };
  };

test('the first behaviour of a list sees the request first and the answer last; the documented one is asked once', async () => {
  const { asked, next } = documented();
  const response = await composedBehaviour([marking('a'), marking('b'), marking('c')])!(PUT, next, context);
  expect(asked.map(request => request.headers['x-seen'])).toEqual(['abc']);
  expect(response.headers['x-answered']).toBe('cba');
});

test('a later behaviour that calls next() with no request passes on the request the earlier one gave it', async () => {
  const rewriting: Behaviour = (request, next) => next({ ...request, body: '{"displayName":"rewritten"}' });
  const passing: Behaviour = (_request, next) => next();
  for (const inner of [passing, marking('b')]) {
    const { asked, next } = documented();
    await composedBehaviour([rewriting, passing, inner])!(PUT, next, context);
    expect(asked.map(request => request.body)).toEqual(['{"displayName":"rewritten"}']);
  }
});

test("two of the catalogue's faults composed break the answer both ways, as each does alone", async () => {
  const { next } = documented();
  const named = behaviourNamed('ok-status-201,ok-missing-itwinid')!;
  expect(named.kind).toBe('fault');
  const response = await named.behaviour(PUT, next, context);
  expect(response.status).toBe(201);
  const echoed = (response.body as { connection: Record<string, unknown> }).connection;
  expect(echoed).not.toHaveProperty('iTwinId');
  expect(echoed).toHaveProperty('iModelId', connection.iModelId);
  // Either alone changes only its own part.
  const alone = await BEHAVIOURS['ok-status-201']!.behaviour(PUT, documented().next, context);
  expect(alone.status).toBe(201);
  expect((alone.body as { connection: object }).connection).toHaveProperty('iTwinId');
});

test('a behaviour that calls next twice gets each answer in turn, each request asked once', async () => {
  const twice: Behaviour = (request, next) => {
    const first = next({ ...request, body: '{"displayName":"first"}' });
    const second = next({ ...request, body: '{"displayName":"second"}' });
    return { ...second, headers: { ...second.headers, 'x-first': String(first.status) } };
  };
  const { asked, next } = documented();
  const response = await composedBehaviour([twice, marking('b')])!(PUT, next, context);
  expect(asked.map(request => request.body)).toEqual(['{"displayName":"first"}', '{"displayName":"second"}']);
  expect(response.headers).toMatchObject({ 'x-first': '200', 'x-answered': 'b' });
});

test('an answer a behaviour gives without calling next stands, and what follows it in the list is not asked', async () => {
  const refusing: Behaviour = () => ({ status: 503, headers: {} });
  const { asked, next } = documented();
  expect((await composedBehaviour([marking('a'), refusing, marking('c')])!(PUT, next, context)).status).toBe(503);
  expect(asked).toEqual([]);
});

test('one name is that behaviour as it is; a list keeps the seed of the one behaviour that brings connections', () => {
  expect(behaviourNamed('ok-status-201')).toBe(BEHAVIOURS['ok-status-201']);
  expect(behaviourNamed(undefined)).toBeUndefined();
  const withIds = behaviourNamed('ok-status-201, uuid-ids')!;
  expect(withIds.behaviour.seed?.()[0]!.id).toMatch(/^[0-9a-f]{8}-/);
  expect(() => behaviourNamed('uuid-ids,hex-ids')).toThrow(/more than one behaviour that brings its own connections/);
});

test('a list with a name that is not a behaviour, or a name twice, is refused with one line naming MOCK_BEHAVIOUR', () => {
  for (const [raw, bad] of [
    ['ok-status-201,no-such-fault', 'no-such-fault'],
    ['ok-status-201,,ok-unwrapped', ''],
  ] as const) {
    const error = (() => {
      try {
        parseBehaviour(raw);
      } catch (thrown) {
        return thrown as Error;
      }
      throw new Error(`${raw} was accepted`);
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).not.toContain('\n');
    expect(error.message).toContain(`MOCK_BEHAVIOUR "${bad}" is not a behaviour of the mock`);
    expect(error.message).toContain('ok-status-201, ok-content-type-text');
  }
  expect(() => parseBehaviour('ok-unwrapped,ok-unwrapped')).toThrow(/MOCK_BEHAVIOUR names "ok-unwrapped" twice/);
  expect(parseBehaviour('ok-status-201,ok-unwrapped')).toBe('ok-status-201,ok-unwrapped');
});
