// 401 Unauthorized: without valid credentials the operation answers 401 with an Error Response and
// does nothing else. Authentication comes first: an unknown id or a malformed body still gets 401, so
// the API gives no one without credentials an oracle for which connections exist.
import { test, expect } from '../../support/checks/fixtures';
import { expectUnchanged } from '../../support/checks/state';
import { tags, type Topic } from '../../support/contract/tags';
import { raw, type Credentials } from '../../support/client/client';
import { otherAuthenticationType } from '../../support/contract/connection';
import { unknownConnectionId } from '../../support/contract/ids';
import { ERROR_CODES } from '../../support/contract/operation';

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

test.describe('401 Unauthorized', () => {
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
    const sentinel = {
      displayName: `conformance unauthorised ${Date.now().toString(36)}`,
      authenticationType: otherAuthenticationType(target.original.authenticationType),
    };
    for (const { credentials } of rejected) {
      await expect(await api.update(target.connectionId, sentinel, { credentials })).toBeDocumentedResponse(401);
    }
    await expectUnchanged(api, target, 'after requests rejected with 401');
  });
});
