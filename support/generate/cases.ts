// The generated properties of the operation: what each sends (arbitraries derived from the schemas,
// support/generate/from-schema.ts) and what each case requires of the answer (the verdict of
// support/generate/oracle.ts), with the operation's state rules: an accepted update is echoed as sent,
// read back the same and changes nothing it does not name; a refused one changes nothing at all. Every
// case starts from the connection's original state and puts it back when it may have changed, so a
// case (and a shrink attempt) depends on nothing but its own request.
import { expect, knownFindingsOf } from '../checks/matchers';
import { aboutState, CONNECTION_PROPERTIES, connectionOf, restoreOriginal, unchangedFact } from '../checks/state';
import { expectEach, expectLinks, expectThisConnection, FACTS, NAMED_WRONG_TARGET } from '../checks/echo';
import { asFinding } from '../checks/findings';
import { raw, type StorageConnectionsClient } from '../client/client';
import { connectionIn, holds, identityOf, presentState, sameState, type Connection } from '../contract/connection';
import type { Target } from '../run/target';
import { invalidUpdateBodies, notObjectBodies, updateBodies } from './bodies';
import { propertiesOf } from './from-schema';
import { CONNECTION_SCHEMA, judge, judgeText, UPDATE_SCHEMA, type Verdict } from './oracle';
import { expectEcho, namedTargets, readUntil, UPDATE_PROPERTIES } from './case-judgments';
import { CaseFailure, under, type CaseContext, type GeneratedProperty } from './property';

/**
 * One case: sends `body` and judges the answer by `verdict`, then puts the connection back if it may
 * have changed. Throws a CaseFailure naming the clause broken.
 */
async function checkCase(
  api: StorageConnectionsClient,
  target: Target,
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
      const stored = await readUntil(api, target, connection => sameState(connection, target.original), response);
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
    const body = request.parsed as Record<string, unknown>;
    const readOnlySent = Object.keys(body).some(name => name in CONNECTION_SCHEMA_PROPERTIES && !(name in UPDATE_PROPERTIES));
    await under(readOnlySent ? 'update.read-only' : '200.updated', () =>
      expectThisConnection(echoed, target, 'an accepted update is still this connection', readOnlySent ? FACTS.readOnly : FACTS.identity),
    );
    await under('200.links', () => expectLinks(echoed, target));
    const echoWrong = (await under('update.properties', () => expectEcho(body, echoed, target.original))) ?? [];
    // What the echo claims, but for values found echoed wrong: those are their own findings.
    const claimed = Object.fromEntries(Object.entries(presentState(echoed)).filter(([name]) => !echoWrong.includes(name)));
    const stored = await readUntil(api, target, connection => holds(connection, claimed), response);
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
  return {
    key: PROPERTY_KEYS.valid,
    arbitrary: updateBodies(UPDATE_SCHEMA),
    bodyOf: body => JSON.stringify(body),
    check: (body, context) => checkCase(api, target, context, { body, text: JSON.stringify(body), parsed: body, verdict: judge(body) }),
  };
}

/** Updates that break the schema or go past it: wrong types at any depth, null, invalid enum strings, unknown and read-only properties. */
export function invalidUpdates(api: StorageConnectionsClient, target: Target): GeneratedProperty<Record<string, unknown>> {
  return {
    key: PROPERTY_KEYS.invalid,
    arbitrary: invalidUpdateBodies(UPDATE_SCHEMA, CONNECTION_SCHEMA),
    bodyOf: body => JSON.stringify(body),
    check: (body, context) => checkCase(api, target, context, { body, text: JSON.stringify(body), parsed: body, verdict: judge(body) }),
  };
}

/** Bodies that are not a JSON object: malformed JSON text, and JSON values of the other types. */
export function notObjects(api: StorageConnectionsClient, target: Target): GeneratedProperty<string> {
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
      return checkCase(api, target, context, { body: raw(text), text, parsed, verdict: judgeText(text) });
    },
  };
}
