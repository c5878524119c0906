// 422 Unprocessable Entity: a body that is not a valid Storage Connection (update), or an invalid
// connectionId, is refused with InvalidStorageConnectionRequest; where the error has details, one of
// them names what was wrong. A refused request changes nothing, not even the part of it that was valid.
import { test, expect } from '../../support/checks/fixtures';
import { NAMED_WRONG_TARGET } from '../../support/checks/echo';
import { asFinding } from '../../support/checks/findings';
import { RefusalBatch, runStamp, type Refusal } from '../../support/checks/refusals';
import { expectUnchanged } from '../../support/checks/state';
import { tags } from '../../support/contract/tags';
import { NO_BODY, raw, type ApiResponse } from '../../support/client/client';
import type { Target } from '../../support/run/target';
import { otherAuthenticationType } from '../../support/contract/connection';
import { INVALID_CONNECTION_IDS } from '../../support/contract/ids';
import { type ErrorBody } from '../../support/contract/operation';

/** The properties of an update request a 422 detail may name: the body's two and the path's connectionId. */
const REQUEST_PROPERTIES = ['displayName', 'authenticationType', 'connectionId'];

/**
 * 422 InvalidStorageConnectionRequest. The Error Response may leave details and their targets out or
 * null (error-response.partial, error.target). When details do name targets, one names the property at
 * fault, and none names another property of this request (the document's own example names properties
 * of other requests, such as sourceFiles, beside connectionId).
 */
function expectRefused(response: ApiResponse, offending?: string) {
  return test.step(
    `refused with 422${offending ? `, a detail naming ${offending}` : ''}`,
    async () => {
      // The documented code is part of the documented response (a missing one is an advisory there).
      await expect(response).toBeDocumentedResponse(422);
      if (!offending) return;
      const { error } = (response.json ?? {}) as Partial<ErrorBody>;
      const named = (error?.details ?? []).map(detail => detail?.target).filter((target): target is string => typeof target === 'string');
      if (named.length === 0) {
        test
          .info()
          .annotations.push({ type: 'observed', description: `422 whose details name no target, so none to check (${offending})` });
        return;
      }
      // One rule, whichever way it is broken: the detail names the property at fault, and no other of this request's.
      const others = named.filter(target => target !== offending && REQUEST_PROPERTIES.includes(target));
      await asFinding(NAMED_WRONG_TARGET, () => {
        expect(named, `a detail names the property at fault, "${offending}"`).toContain(offending);
        expect(others, 'details naming another property of this request, which was not at fault').toEqual([]);
      });
    },
    { box: true },
  );
}

const malformed = [
  ['truncated JSON', '{"displayName": '],
  ['unquoted property names', "{displayName: 'conformance'}"],
  ['a trailing comma', '{"displayName": "conformance",}'],
  ['two JSON documents', '{"displayName": "a"} {"displayName": "b"}'],
  ['plain text', 'displayName=conformance'],
] as const;

const notObjects = [
  ['an array', '[]'],
  ['an array holding an update', '[{"displayName": "conformance"}]'],
  ['a string', '"conformance"'],
  ['a number', '42'],
  ['null', 'null'],
  ['a boolean', 'true'],
] as const;

const wrongValues: [string, Record<string, unknown>, string][] = [
  ['an unknown authenticationType', { authenticationType: 'Admin' }, 'authenticationType'],
  ['an empty authenticationType', { authenticationType: '' }, 'authenticationType'],
  ['a numeric authenticationType', { authenticationType: 1 }, 'authenticationType'],
  ['an authenticationType array', { authenticationType: ['User'] }, 'authenticationType'],
  ['an authenticationType object', { authenticationType: { type: 'User' } }, 'authenticationType'],
  ['a numeric displayName', { displayName: 42 }, 'displayName'],
  ['a boolean displayName', { displayName: true }, 'displayName'],
  ['a displayName object', { displayName: { text: 'conformance' } }, 'displayName'],
  ['a displayName array', { displayName: ['conformance'] }, 'displayName'],
];

/** The three requests of the check that a refusal changes nothing, not even its valid part. */
function partlyValid(target: Target): unknown[] {
  const stamp = runStamp(target);
  const other = otherAuthenticationType(target.original.authenticationType);
  return [
    { displayName: `conformance partial ${stamp}`, authenticationType: 'Admin' },
    { displayName: 42, authenticationType: other },
    raw(`{"displayName": "conformance partial ${stamp}", "authenticationType": "${other}",`),
  ];
}

/** Every request of this file, as its checks send them: refusals, sent at once (support/checks/refusals.ts). */
const REFUSALS = new RefusalBatch('422 Unprocessable Entity', (target): Refusal[] => {
  const on = (body: unknown): Refusal => ({ connectionId: target.connectionId, body });
  return [
    ...malformed.map(([, body]) => on(raw(body))),
    ...notObjects.map(([, body]) => on(raw(body))),
    on(NO_BODY),
    on(raw('')),
    ...wrongValues.map(([, body]) => on(body)),
    ...INVALID_CONNECTION_IDS.map(({ of }) => ({ connectionId: of(target.connectionId), body: { displayName: 'conformance 422' } })),
    ...partlyValid(target).map(on),
  ];
});

test.describe('422 Unprocessable Entity', () => {
  test.use({ refusals: REFUSALS });

  for (const [name, body] of malformed) {
    test(`malformed JSON (${name}) gets 422`, tags('@422', '@malformed-json'), async ({ api, target }) => {
      await expectRefused(await api.update(target.connectionId, raw(body)));
    });
  }

  for (const [name, body] of notObjects) {
    test(`a body that is not an object (${name}) gets 422`, tags('@422', '@not-an-object'), async ({ api, target }) => {
      await expectRefused(await api.update(target.connectionId, raw(body)));
    });
  }

  test('an empty body gets 422', tags('@422', '@empty-body'), async ({ api, target }) => {
    await expectRefused(await api.update(target.connectionId, NO_BODY));
    await expectRefused(await api.update(target.connectionId, raw('')));
  });

  for (const [name, body, offending] of wrongValues) {
    test(`${name} gets 422 naming ${offending}`, tags('@422', '@wrong-value', '@names-body-property'), async ({ api, target }) => {
      await expectRefused(await api.update(target.connectionId, body), offending);
    });
  }

  for (const { name, of } of INVALID_CONNECTION_IDS) {
    test(
      `an invalid connectionId (${name}) gets 422 naming connectionId`,
      tags('@422', '@invalid-connection-id'),
      async ({ api, target }) => {
        await expectRefused(await api.update(of(target.connectionId), { displayName: 'conformance 422' }), 'connectionId');
      },
    );
  }

  test(
    'a refused request changes nothing, not even its valid part',
    tags('@422', '@critical', '@refused-unchanged'),
    async ({ api, target }) => {
      const [invalidType, invalidName, malformedRest] = partlyValid(target);
      await expectRefused(await api.update(target.connectionId, invalidType), 'authenticationType');
      await expectRefused(await api.update(target.connectionId, invalidName), 'displayName');
      await expectRefused(await api.update(target.connectionId, malformedRest));
      await expectUnchanged(api, target, 'after requests refused with 422');
    },
  );
});
