// 401 Unauthorized, cause by cause. The document's 401 reads: "Access token might not been provided,
// issued by the wrong issuer, does not have required scopes or request headers were malformed." The
// missing header and the first malformed ones are in 401-unauthorized.spec.ts; here each other cause
// gets a token that breaks it and nothing else where the target allows, and the classic holes of a
// gateway's token validation (an unchecked signature, alg: none, an ignored expiry) get theirs. Every
// refused request is an update that would change both properties, and must change nothing.
//
// What the target cannot provide is skipped with the reason (support/checks/target-tokens.ts): tokens
// the embedded mock issues on request, a token for IMS_OTHER_SCOPE with client credentials, and the
// forgeries made from the target's token when it is not a JWT. No token appears in a title or an
// annotation; those derived from the target's real token are redacted like it (support/checks/forged-tokens.ts).
import { test, expect } from '../../support/checks/fixtures';
import { malformed, selfSigned, SUITE_ISSUER, unsigned, withAlteredSignature } from '../../support/checks/forged-tokens';
import { RefusalBatch, runStamp } from '../../support/checks/refusals';
import { expectUnchanged } from '../../support/checks/state';
import { tags } from '../../support/contract/tags';
import { MOCK_OTHER_ISSUER, TargetTokens, type Provided } from '../../support/checks/target-tokens';
import type { SendOptions, StorageConnectionsClient } from '../../support/client/client';
import { otherAuthenticationType, writeBackBody } from '../../support/contract/connection';
import { REQUIRED_SCOPE } from '../../support/contract/tokens';
import type { Target } from '../../support/run/target';

/** The document's sentence, with the cause a check shows. */
const cites = (cause: string) => ({
  annotation: {
    type: 'cites',
    description: `Response 401 Unauthorized: "Access token might not been provided, issued by the wrong issuer, does not have required scopes or request headers were malformed." This check: ${cause}.`,
  },
});

/** The token a check needs, or the test skipped with the reason the target cannot provide it. */
function use<T>(provided: Provided<T>): T {
  if ('skip' in provided) test.skip(true, provided.skip);
  const { token, source } = provided as { token: T; source: string };
  test.info().annotations.push({ type: 'token', description: source });
  return token;
}

/** An update that would change both properties. */
const sentinelOf = (target: Target) => ({
  displayName: `conformance 401 cause ${runStamp(target)}`,
  authenticationType: otherAuthenticationType(target.original.authenticationType),
});

/** The request is refused, and the connection must not change. */
async function expectRefused(api: StorageConnectionsClient, target: Target, what: string, send: SendOptions): Promise<void> {
  const response = await api.update(target.connectionId, sentinelOf(target), send);
  await expect(response, what).toBeDocumentedResponse(401);
  // The same fact as every 401 check's: a rejected request changes nothing.
  await expectUnchanged(api, target, 'after requests rejected with 401');
}

const bearer = (token: string): SendOptions => ({ credentials: { authorization: `Bearer ${token}` } });

// Each is built around the target's valid token, so only the header's form is wrong. The bare
// "Bearer" is the empty-bearer check of 401-unauthorized.spec.ts (fetch sends "Bearer " as "Bearer").
const MALFORMED: { name: string; send: (token: string) => SendOptions }[] = [
  {
    name: "two Authorization headers, the valid token's first,",
    send: token => ({ authorizationLines: [`Bearer ${token}`, 'Bearer conformance-second-token'] }),
  },
  {
    name: "two Authorization headers, the valid token's second,",
    send: token => ({ authorizationLines: ['Bearer conformance-second-token', `Bearer ${token}`] }),
  },
  {
    name: 'the valid token followed by a space and more text',
    send: token => ({ credentials: { authorization: malformed.trailingText(token) } }),
  },
  { name: 'a space inside the valid token', send: token => ({ credentials: { authorization: malformed.spaceInside(token) } }) },
  {
    name: 'a non-ASCII character inside the valid token',
    send: token => ({ credentials: { authorization: malformed.nonAscii(token) } }),
  },
  {
    name: 'the valid token without the Bearer scheme',
    send: token => ({ credentials: { authorization: malformed.noScheme(token) } }),
  },
];

/**
 * The malformed headers, built around the run's own token: refusals sent at once (support/checks/refusals.ts).
 * The other causes' tokens are made by their checks, so those send their own.
 */
const REFUSALS = new RefusalBatch('401 Unauthorized: malformed headers', (target, token) =>
  MALFORMED.map(({ send }) => ({ connectionId: target.connectionId, body: sentinelOf(target), options: send(token) })),
);

test.describe('401 Unauthorized: the causes of the 401, one by one', () => {
  test.describe('issued by the wrong issuer', () => {
    test(
      "a token from another issuer, signed with the suite's own key, gets 401",
      {
        ...tags('@401', '@critical', '@unauthorised-unchanged', '@wrong-issuer'),
        ...cites('issued by the wrong issuer: a JWT of an issuer of its own'),
      },
      async ({ api, target }) => {
        // The target's claims when its token is a JWT (audience, scope, client), so that only the issuer and the key differ.
        const jwt = await new TargetTokens(api, target).currentJwt();
        const token = await selfSigned({ like: 'skip' in jwt ? undefined : jwt.token.claims, issuer: SUITE_ISSUER });
        await expectRefused(api, target, "a token of the suite's own issuer", bearer(token));
      },
    );

    test(
      "a token the target's authority signed for another issuer gets 401",
      {
        ...tags('@401', '@critical', '@unauthorised-unchanged', '@wrong-issuer'),
        ...cites("issued by the wrong issuer: signed with the target's own key, so only the issuer is wrong"),
      },
      async ({ api, target }) => {
        const token = use(
          await new TargetTokens(api, target).issuedByMock(
            { issuer: MOCK_OTHER_ISSUER },
            'signed with its key for another issuer, as a signing service shared by tenants or environments would',
          ),
        );
        await expectRefused(api, target, 'a token signed for another issuer', bearer(token));
      },
    );
  });

  test.describe('a token that is not valid: forged or expired', () => {
    test(
      "the target's own token with its signature altered gets 401",
      {
        ...tags('@401', '@critical', '@unauthorised-unchanged', '@altered-signature'),
        ...cites('not a valid token: header and claims intact, the signature wrong'),
      },
      async ({ api, target }) => {
        const jwt = use(await new TargetTokens(api, target).currentJwt());
        await expectRefused(api, target, 'the token with its signature altered', bearer(withAlteredSignature(jwt)));
      },
    );

    test(
      "the target's own claims, unsigned (alg: none), get 401",
      {
        ...tags('@401', '@critical', '@unauthorised-unchanged', '@alg-none'),
        ...cites('not a valid token: the claims of a valid one, with no signature'),
      },
      async ({ api, target }) => {
        const jwt = use(await new TargetTokens(api, target).currentJwt());
        await expectRefused(api, target, 'the unsigned token', bearer(unsigned(jwt)));
      },
    );

    test(
      "an expired token of the target's authority gets 401",
      {
        ...tags('@401', '@critical', '@unauthorised-unchanged', '@expired-token'),
        ...cites('not a valid token: signed by the authority, past its expiry'),
      },
      async ({ api, target }) => {
        const token = use(
          await new TargetTokens(api, target).issuedByMock(
            { lifetimeSeconds: 60, issuedSecondsAgo: 120 },
            'a token that lived 60 s, issued 120 s ago',
          ),
        );
        await expectRefused(api, target, 'the expired token', bearer(token));
      },
    );

    test(
      'an expired token signed by the suite gets 401',
      {
        ...tags('@401', '@critical', '@unauthorised-unchanged', '@expired-token'),
        ...cites("not a valid token: the target's claims, expired an hour ago, signed by a key the target does not trust"),
      },
      async ({ api, target }) => {
        // Refused on whichever check the server makes first: the signature, the issuer (when the
        // target's token is not a JWT) or the expiry. The target's own expired token, above, isolates the expiry.
        const jwt = await new TargetTokens(api, target).currentJwt();
        const like = 'skip' in jwt ? undefined : jwt.token.claims;
        const token = await selfSigned({ like, issuer: like?.iss, expiresInSeconds: -3600 });
        await expectRefused(api, target, "the suite's expired token", bearer(token));
      },
    );
  });

  test(
    `a token without the ${REQUIRED_SCOPE} scope gets 401`,
    {
      ...tags('@401', '@critical', '@unauthorised-unchanged', '@missing-scope'),
      ...cites(`does not have required scopes: a valid token without ${REQUIRED_SCOPE}`),
    },
    async ({ api, target }) => {
      const token = use(await new TargetTokens(api, target).withoutRequiredScope());
      await expectRefused(api, target, `a token without ${REQUIRED_SCOPE}`, bearer(token));
    },
  );

  test.describe('request headers were malformed', () => {
    test.use({ refusals: REFUSALS });

    for (const { name, send } of MALFORMED) {
      test(
        `${name} gets 401`,
        {
          ...tags('@401', '@critical', '@unauthorised-unchanged', '@malformed-authorization'),
          ...cites(`request headers were malformed: ${name.replace(/,$/, '')}`),
        },
        async ({ api, target }) => {
          const token = await new TargetTokens(api, target).current();
          await expectRefused(api, target, name.replace(/,$/, ''), send(token));
        },
      );
    }

    test(
      'the scheme name in lower case ("bearer") with the valid token is accepted (advisory)',
      {
        ...tags('@401', '@scheme-case'),
        ...cites('not a malformed header: the scheme name is case-insensitive (RFC 7235, 2.1), which the document does not mention'),
      },
      async ({ api, target }) => {
        const token = await new TargetTokens(api, target).current();
        // The connection's own values: accepted or not, nothing changes.
        const response = await api.update(target.connectionId, writeBackBody(target.original), {
          credentials: { authorization: malformed.lowerCaseScheme(token) },
        });
        await expect(response, '"bearer" and the valid token').toBeDocumentedResponse([200, 401]);
        if (response.status === 401)
          test.info().annotations.push({
            type: 'advisory',
            description:
              'auth.scheme-case: the scheme name of Authorization is case-insensitive (RFC 7235, 2.1; RFC 6750 uses "Bearer"), so "bearer <token>" should be accepted; the document is silent. Observed: 401.',
          });
      },
    );
  });
});
