// 401 Unauthorized: without valid credentials the operation answers 401 with an Error Response and
// does nothing else. Authentication comes first: an unknown id or a malformed body still gets 401, so
// the API gives no one without credentials an oracle for which connections exist.
import { test, expect } from '../../support/checks/fixtures';
import { RefusalBatch, runStamp, type Refusal } from '../../support/checks/refusals';
import { expectUnchanged } from '../../support/checks/state';
import { tags, type Topic } from '../../support/contract/tags';
import { raw, type Credentials } from '../../support/client/client';
import { otherAuthenticationType } from '../../support/contract/connection';
import { unknownConnectionId } from '../../support/contract/ids';
import { ERROR_CODES } from '../../support/contract/operation';
import type { Target } from '../../support/run/target';

const rejected: { name: string; credentials: Credentials; code?: string; topics: Topic[] }[] = [
  // The one cause whose code the document gives.
  {
    name: 'no Authorization header',
    credentials: 'none',
    code: ERROR_CODES.headerNotFound,
    topics: ['@no-credentials', '@header-not-found'],
  },
  { name: 'an empty bearer token', credentials: { authorization: 'Bearer ' }, topics: ['@empty-bearer'] },
  {
    name: 'an invalid bearer token',
    credentials: { authorization: 'Bearer conformance-invalid-token.eyJhbGciOiJub25lIn0.x' },
    topics: ['@invalid-token'],
  },
  {
    name: 'the Basic scheme',
    credentials: { authorization: `Basic ${Buffer.from('conformance:not-a-password').toString('base64')}` },
    topics: ['@basic-scheme'],
  },
];

/** The update the check that a rejected request changes nothing sends with each rejected credential. */
const sentinelOf = (target: Target) => ({
  displayName: `conformance unauthorised ${runStamp(target)}`,
  authenticationType: otherAuthenticationType(target.original.authenticationType),
});

/** Every request of this file, as its checks send them: refusals, sent at once (support/checks/refusals.ts). */
const REFUSALS = new RefusalBatch('401 Unauthorized', (target): Refusal[] => [
  ...rejected.map(({ credentials }) => ({
    connectionId: target.connectionId,
    body: { displayName: 'conformance 401' },
    options: { credentials },
  })),
  { connectionId: unknownConnectionId(target.connectionId), body: { displayName: 'conformance 401' }, options: { credentials: 'none' } },
  { connectionId: target.connectionId, body: raw('{"displayName": '), options: { credentials: 'none' } },
  ...rejected.map(({ credentials }) => ({ connectionId: target.connectionId, body: sentinelOf(target), options: { credentials } })),
]);

test.describe('401 Unauthorized', () => {
  test.use({ refusals: REFUSALS });

  for (const { name, credentials, code, topics } of rejected) {
    test(`${name} gets 401${code ? ` ${code}` : ''}`, tags('@401', '@critical', ...topics), async ({ api, target }) => {
      const response = await api.update(target.connectionId, { displayName: 'conformance 401' }, { credentials });
      await expect(response).toBeDocumentedResponse(401);
      if (code) await expect(response).toCarryErrorCode(code, '401.header-not-found');
    });
  }

  test(
    'an unknown id without credentials gets 401, not 404',
    tags('@401', '@critical', '@no-credentials', '@auth-before-lookup'),
    async ({ api, target }) => {
      const id = unknownConnectionId(target.connectionId);
      const response = await api.update(id, { displayName: 'conformance 401' }, { credentials: 'none' });
      await expect(response).toBeDocumentedResponse(401);
    },
  );

  test(
    'a malformed body without credentials gets 401, not 422',
    tags('@401', '@critical', '@no-credentials', '@auth-before-validation'),
    async ({ api, target }) => {
      const response = await api.update(target.connectionId, raw('{"displayName": '), { credentials: 'none' });
      await expect(response).toBeDocumentedResponse(401);
    },
  );

  test('a rejected request changes nothing', tags('@401', '@critical', '@unauthorised-unchanged'), async ({ api, target }) => {
    const sentinel = sentinelOf(target);
    for (const { credentials } of rejected) {
      await expect(await api.update(target.connectionId, sentinel, { credentials })).toBeDocumentedResponse(401);
    }
    await expectUnchanged(api, target, 'after requests rejected with 401');
  });
});
