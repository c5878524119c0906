// The generated properties of the operation: what each sends (arbitraries derived from the schemas,
// support/generate/from-schema.ts) and what each case requires of the answer (the verdict of
// support/generate/oracle.ts), with the operation's state rules: an accepted update is echoed as sent,
// read back the same and changes nothing it does not name; a refused one changes nothing at all. Every
// case starts from the connection's original state and puts it back when it may have changed, so a
// case (and a shrink attempt) depends on nothing but its own request.
import { isDeepStrictEqual } from 'node:util';
import { expect, knownFindingsOf } from '../checks/matchers';
import { aboutState, CONNECTION_PROPERTIES, connectionOf, readBack, restoreOriginal, unchangedFact } from '../checks/state';
import { expectEach, expectLinks, expectThisConnection, FACTS, NAMED_WRONG_TARGET } from '../checks/echo';
import { asFinding } from '../checks/findings';
import { raw, type ApiResponse, type StorageConnectionsClient } from '../client/client';
import {
  connectionIn,
  holds,
  identityOf,
  mutableState,
  presentState,
  sameState,
  type Connection,
  type MutableState,
} from '../contract/connection';
import type { ErrorBody } from '../contract/operation';
import type { Target } from '../run/target';
import { invalidUpdateBodies, notObjectBodies, updateBodies } from './bodies';
import { propertiesOf, resolved } from './from-schema';
import { CONNECTION_SCHEMA, isFreeText, judge, judgeText, UPDATE_SCHEMA, type Verdict } from './oracle';
import { CaseFailure, under, type CaseContext, type GeneratedProperty } from './property';
import { acceptableNames } from '../contract/names';

const UPDATE_PROPERTIES = propertiesOf(UPDATE_SCHEMA).properties;

/** Time between two reads while a write has not shown yet (as support/checks/state.ts readBackUntil). */
const POLL_INTERVAL_MS = 250;

/**
 * The states a property wrote with a 200 (its accepted updates and its restores), and when. A replica
 * that lags by up to the target's read lag can show only the state current that long ago or one
 * written since: a read showing anything else is no lag, and need not be waited out. That keeps a
 * failing case (and each shrink attempt of it) from waiting the whole read lag.
 */
export class Writes {
  private readonly since = Date.now();
  private readonly written: { at: number; state: MutableState }[] = [];

  constructor(private readonly target: Target) {}

  wrote(state: Connection): void {
    this.written.push({ at: Date.now(), state: mutableState(state) });
    if (this.written.length > 500) this.written.splice(0, 100);
  }

  /** Whether a read showing `state` now may be a lagging view of this property's writes (or of what came before them). */
  mayBeLag(state: Connection): boolean {
    const from = Date.now() - this.target.readLagMs;
    // The window reaches back before the property: the checks before it may have written anything.
    if (this.since > from) return true;
    const current = this.written.filter(write => write.at <= from).at(-1)?.state ?? mutableState(this.target.original);
    return [current, ...this.written.filter(write => write.at > from).map(write => write.state)].some(seen => sameState(state, seen));
  }
}

/**
 * Reads the connection back until `shows` holds, the read lag is over, or the read shows a state no
 * lag explains (support/checks/state.ts readBackUntil, without waiting for what cannot come).
 */
async function readUntil(api: StorageConnectionsClient, target: Target, writes: Writes, shows: (connection: Connection) => boolean) {
  const started = Date.now();
  for (;;) {
    const connection = await readBack(api, target);
    if (shows(connection) || !writes.mayBeLag(connection) || Date.now() - started + POLL_INTERVAL_MS > target.readLagMs) return connection;
    await new Promise(resolve => setTimeout(resolve, POLL_INTERVAL_MS));
  }
}

/** The targets a 422's details name (those that name one). */
function namedTargets(response: ApiResponse): string[] {
  const details = ((response.json ?? {}) as Partial<ErrorBody>).error?.details ?? [];
  return details.map(detail => detail.target).filter((target): target is string => typeof target === 'string');
}

/** An accepted update's echo: what it names as sent (up to the tolerated forms), what it leaves out as it was. */
/** Judges an accepted update's echo; returns the properties it echoed wrong (their own findings). */
async function expectEcho(body: Record<string, unknown>, echoed: Connection, original: Connection): Promise<string[]> {
  const wrong: string[] = [];
  for (const [name, schema] of Object.entries(UPDATE_PROPERTIES)) {
    const got = echoed[name];
    if (got === undefined) continue; // left out of the echo: the schema's finding, not this one's
    if (!(name in body)) {
      if (!isDeepStrictEqual(got, original[name])) wrong.push(name);
      await asFinding(FACTS.kept(), () => expect(got, `${name}, left out of the update, keeps its value`).toEqual(original[name]));
      continue;
    }
    const sent = body[name];
    if (typeof sent !== 'string') continue; // null, where the document is silent: any value the read-back confirms
    // undefined: the echo was wrong, a finding another check failed with (this one records it and goes on).
    const judged = await asFinding(FACTS.echoed(), () => {
      if (isFreeText(schema)) expect(acceptableNames(sent), `an accepted ${name} is echoed as sent`).toContain(got);
      else if ((resolved(schema).enum as unknown[] | undefined)?.includes(sent))
        expect(got, `an accepted ${name} is echoed as sent`).toBe(sent);
      else
        expect(typeof got === 'string' && got.toLowerCase(), `an accepted ${name} is echoed as sent, up to case`).toBe(sent.toLowerCase());
      return true;
    });
    if (judged === undefined) wrong.push(name);
  }
  return wrong;
}

/**
 * One case: sends `body` and judges the answer by `verdict`, then puts the connection back if it may
 * have changed. Throws a CaseFailure naming the clause broken.
 */
async function checkCase(
  api: StorageConnectionsClient,
  target: Target,
  writes: Writes,
  context: CaseContext,
  request: { body: unknown; text: string; parsed: unknown; verdict: Verdict },
): Promise<void> {
  const { verdict } = request;
  const identity = { ...identityOf(target.original), id: target.connectionId };
  // What the connection holds as far as this case knows; undefined: unknown (a refusal may still have written).
  let known: Connection | undefined;
  let failed = false;
  try {
    const response = await api.update(target.connectionId, request.body);
    context.sent(request.text, response);
    await under('responses.documented', () => expect(response).toBeDocumentedResponse([200, 422]));
    // Another status got past the matcher only as a finding another check failed with: nothing more to judge here.
    if (response.status !== 200 && response.status !== 422) return;
    if (verdict.kind === 'either') for (const reason of verdict.reasons) context.observe(`${response.status} for ${reason}`);
    if (response.status === 422) {
      if (verdict.kind === 'accept')
        await under('update.properties', () =>
          expect(response.status, 'a valid update is applied: the document leaves nothing about this one open').toBe(200),
        );
      const body = request.parsed;
      if (body !== null && typeof body === 'object' && !Array.isArray(body)) {
        const named = namedTargets(response);
        await under('error.target', () =>
          asFinding(NAMED_WRONG_TARGET, () =>
            expect(
              named.filter(name => !(name in body)),
              'the targets the details name are properties of the body',
            ).toEqual([]),
          ),
        );
      }
      const stored = await readUntil(api, target, writes, connection => sameState(connection, target.original));
      known = stored;
      await under('422.invalid', () =>
        // The same fact as the 422 checks': a refusal changes nothing, not even its valid part.
        aboutState(() =>
          expectEach(
            unchangedFact('after requests refused with 422', '422.invalid'),
            stored,
            { ...target.original, ...identity },
            CONNECTION_PROPERTIES,
            'a refused update changes nothing, not even its valid part',
          ),
        ),
      );
      return;
    }
    if (verdict.kind === 'refuse')
      await under(verdict.clause, () =>
        expect(response.status, `a body that breaks the update's schema (${verdict.reasons.join(', ')}) is refused with 422`).toBe(422),
      );
    // A 200 with no connection, behind a finding another check failed with: nothing more to judge here.
    if (Object.keys(connectionIn(response.json)).length === 0 && knownFindingsOf(response).length) return;
    const echoed = connectionOf(response);
    known = echoed;
    writes.wrote(echoed);
    const body = request.parsed as Record<string, unknown>;
    const readOnlySent = Object.keys(body).some(name => name in CONNECTION_SCHEMA_PROPERTIES && !(name in UPDATE_PROPERTIES));
    await under(readOnlySent ? 'update.read-only' : '200.updated', () =>
      expectThisConnection(echoed, target, 'an accepted update is still this connection', readOnlySent ? FACTS.readOnly : FACTS.identity),
    );
    await under('200.links', () => expectLinks(echoed, target));
    const echoWrong = (await under('update.properties', () => expectEcho(body, echoed, target.original))) ?? [];
    // What the echo claims, but for values found echoed wrong: those are their own findings.
    const claimed = Object.fromEntries(Object.entries(presentState(echoed)).filter(([name]) => !echoWrong.includes(name)));
    const stored = await readUntil(api, target, writes, connection => holds(connection, claimed));
    known = stored;
    await under(readOnlySent ? 'update.read-only' : 'update.operation', () =>
      aboutState(() =>
        expectEach(
          FACTS.stored,
          stored,
          { ...echoed, ...identity },
          [...Object.keys(claimed), ...Object.keys(identity)],
          'the connection read back',
        ),
      ),
    );
  } catch (error) {
    failed = true;
    throw error;
  } finally {
    if (!known || !sameState(known, target.original)) {
      try {
        await restoreOriginal(api, target);
        writes.wrote(target.original);
      } catch (error) {
        // After a failure the fixture restores once more at the end of the check; a case that passed
        // but cannot be undone is a failure of its own.
        if (!failed) throw new CaseFailure('update.properties', error);
      }
    }
  }
}

const CONNECTION_SCHEMA_PROPERTIES = propertiesOf(CONNECTION_SCHEMA).properties;

export const PROPERTY_KEYS = {
  valid: 'generated valid updates',
  invalid: 'generated invalid updates',
  notObject: 'generated bodies that are not a JSON object',
} as const;

/** Valid updates: any subset of the documented properties, any string, either enum value. */
export function validUpdates(api: StorageConnectionsClient, target: Target): GeneratedProperty<Record<string, unknown>> {
  const writes = new Writes(target);
  return {
    key: PROPERTY_KEYS.valid,
    arbitrary: updateBodies(UPDATE_SCHEMA),
    bodyOf: body => JSON.stringify(body),
    check: (body, context) =>
      checkCase(api, target, writes, context, { body, text: JSON.stringify(body), parsed: body, verdict: judge(body) }),
  };
}

/** Updates that break the schema or go past it: wrong types at any depth, null, invalid enum strings, unknown and read-only properties. */
export function invalidUpdates(api: StorageConnectionsClient, target: Target): GeneratedProperty<Record<string, unknown>> {
  const writes = new Writes(target);
  return {
    key: PROPERTY_KEYS.invalid,
    arbitrary: invalidUpdateBodies(UPDATE_SCHEMA, CONNECTION_SCHEMA),
    bodyOf: body => JSON.stringify(body),
    check: (body, context) =>
      checkCase(api, target, writes, context, { body, text: JSON.stringify(body), parsed: body, verdict: judge(body) }),
  };
}

/** Bodies that are not a JSON object: malformed JSON text, and JSON values of the other types. */
export function notObjects(api: StorageConnectionsClient, target: Target): GeneratedProperty<string> {
  const writes = new Writes(target);
  return {
    key: PROPERTY_KEYS.notObject,
    arbitrary: notObjectBodies(UPDATE_SCHEMA, CONNECTION_SCHEMA),
    bodyOf: text => text,
    check: (text, context) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
      return checkCase(api, target, writes, context, { body: raw(text), text, parsed, verdict: judgeText(text) });
    },
  };
}
