// Credentials only from the header. The document "Requires Authorization header with valid Bearer
// token": a request without that header is unauthenticated whatever else it carries. The run's own
// valid token, sent as an access_token query parameter (RFC 6750's URI form) or in a cookie, with no
// Authorization header, gets 401 HeaderNotFound and changes nothing. A server that took it would let
// tokens leak through URLs and logs, and let a browser's cookies authenticate cross-site requests.
// The token in the URL and the Cookie header are redacted in every report (support/report/redact.ts).
import { test, expect } from '../../support/checks/fixtures';
import { RefusalBatch, runStamp } from '../../support/checks/refusals';
import { expectUnchanged } from '../../support/checks/state';
import { tags, type Topic } from '../../support/contract/tags';
import type { SendOptions } from '../../support/client/client';
import { otherAuthenticationType } from '../../support/contract/connection';
import { ERROR_CODES } from '../../support/contract/operation';
import type { Target } from '../../support/run/target';

const ELSEWHERE: { name: string; topic: Topic; send: (token: string) => SendOptions }[] = [
  { name: 'an access_token query parameter', topic: '@token-in-query', send: token => ({ query: { access_token: token } }) },
  { name: 'an access_token cookie', topic: '@token-in-cookie', send: token => ({ headers: { cookie: `access_token=${token}` } }) },
  {
    name: 'a cookie named Authorization',
    topic: '@token-in-cookie',
    send: token => ({ headers: { cookie: `Authorization=${encodeURIComponent(`Bearer ${token}`)}` } }),
  },
];

/** The update each sends: a change, had the server taken the token. */
const sentinelOf = (target: Target) => ({
  displayName: `conformance credentials elsewhere ${runStamp(target)}`,
  authenticationType: otherAuthenticationType(target.original.authenticationType),
});

/** The requests of this file, as its checks send them: refusals, sent at once (support/checks/refusals.ts). */
const REFUSALS = new RefusalBatch('credentials outside the header', (target, token) =>
  ELSEWHERE.map(({ send }) => ({
    connectionId: target.connectionId,
    body: sentinelOf(target),
    options: { credentials: 'none', ...send(token) },
  })),
);

test.describe('credentials only from the Authorization header', () => {
  test.use({ refusals: REFUSALS });

  for (const { name, topic, send } of ELSEWHERE) {
    test(
      `the valid token in ${name}, without an Authorization header, gets 401 HeaderNotFound and changes nothing`,
      // Requests without the header whose 401 must be HeaderNotFound, and change nothing: the topics of those checks too.
      tags('@401', '@critical', topic, '@no-credentials', '@header-not-found', '@unauthorised-unchanged'),
      async ({ api, target }) => {
        const sentinel = sentinelOf(target);
        const token = await api.options.token();
        const response = await api.update(target.connectionId, sentinel, { credentials: 'none', ...send(token) });
        await expect(response).toBeDocumentedResponse(401);
        await expect(response).toCarryErrorCode(ERROR_CODES.headerNotFound, '401.header-not-found');
        await expectUnchanged(api, target, 'after requests rejected with 401');
      },
    );
  }
});
