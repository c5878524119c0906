// Where the document is silent (very long or empty names, unusual characters, null, the case of an
// enum value, unknown or read-only properties), a server may accept (200) or refuse (422). Either is
// recorded; neither may be a 5xx or break its schema, an accepted update must still be this
// connection and must carry what was sent (a 200 that silently cuts or rewrites a name claims an update
// it did not make), and read-only properties (id, iModelId, iTwinId) never change through this operation.
import crypto from 'node:crypto';
import { test, expect } from '../../support/checks/fixtures';
import { expectEach, expectLinks, expectThisConnection, FACTS } from '../../support/checks/echo';
import { asFinding } from '../../support/checks/findings';
import { aboutState, connectionOf, expectUnchanged, readBack, readBackUntil } from '../../support/checks/state';
import { tags, type Topic } from '../../support/contract/tags';
import { raw, RawBody, type StorageConnectionsClient } from '../../support/client/client';
import type { Target } from '../../support/run/target';
import { holds, identityOf, presentState, type Connection } from '../../support/contract/connection';
import { acceptableNames } from '../../support/contract/names';
import { unknownConnectionId } from '../../support/contract/ids';

/** The update a body carries, as the server would parse it (a byte order mark aside). */
function sentUpdate(body: unknown): Record<string, unknown> {
  if (!(body instanceof RawBody)) return (body ?? {}) as Record<string, unknown>;
  try {
    return JSON.parse(body.text.replace(/^\ufeff/, '')) as Record<string, unknown>;
  } catch {
    return {};
  }
}

const bodies: [string, unknown, Topic[]][] = [
  ['an empty update {}', {}, []],
  ['an empty displayName', { displayName: '' }, ['@echoes-name']],
  ['a displayName of spaces', { displayName: '   ' }, ['@echoes-name']],
  ['a displayName of 256 characters', { displayName: 'n'.repeat(256) }, ['@echoes-name', '@long-name']],
  ['a displayName of 10,000 characters', { displayName: 'n'.repeat(10_000) }, ['@echoes-name', '@long-name']],
  ['a displayName with control characters', { displayName: 'conformance\u0000\n\t\u001b[31m' }, ['@echoes-name']],
  ['a displayName with markup and quotes', { displayName: `<script>alert("x")</script> O'Brien & "co" \\ /` }, ['@echoes-name']],
  ['a displayName with a lone surrogate', { displayName: 'conformance \ud800' }, ['@echoes-name']],
  ['a displayName with combining and zero-width characters', { displayName: 'e\u0301\u200b\u200d\ufeff' }, ['@echoes-name']],
  ['a null displayName', { displayName: null }, ['@null-value']],
  ['a lower-case authenticationType', { authenticationType: 'user' }, []],
  ['an upper-case authenticationType', { authenticationType: 'SERVICE' }, []],
  ['a null authenticationType', { authenticationType: null }, ['@null-value']],
  ['an unknown property', { displayName: 'conformance extra', unknownProperty: true }, ['@echoes-name']],
  ['a body with a UTF-8 byte order mark', raw('\ufeff{"displayName": "conformance bom"}'), ['@bom']],
];

/**
 * An accepted update is stored as it was echoed (a server that stores something else than it claims is
 * broken), and changes only what it names: a property the body leaves out keeps its original value.
 */
async function expectStoredAsEchoed(
  api: StorageConnectionsClient,
  target: Target,
  echoed: Connection,
  sent: Record<string, unknown>,
  echoWrong: string[],
) {
  // What the echo claims, but for values already found to be echoed wrong: those are their own finding.
  const claimed = Object.fromEntries(Object.entries(presentState(echoed)).filter(([name]) => !echoWrong.includes(name)));
  const stored = await readBackUntil(api, target, connection => holds(connection, claimed));
  await aboutState(() =>
    expectEach(FACTS.stored, stored, echoed, Object.keys(claimed), 'the connection read back holds what the 200 echoed'),
  );
  const unsent = (['displayName', 'authenticationType'] as const).filter(property => !(property in sent) && echoed[property] !== undefined);
  await aboutState(() => expectEach(FACTS.kept, echoed, target.original, unsent, 'a property left out of the update keeps its value'));
}

test.describe('boundary inputs: 200 or 422, never 5xx', () => {
  for (const [name, body, topics] of bodies) {
    test(
      `${name} is accepted or refused cleanly`,
      tags('@boundary', '@stored-as-echoed', '@unsent-unchanged', ...topics),
      async ({ api, target }) => {
        const response = await api.update(target.connectionId, body);
        await expect(response).toBeDocumentedResponse([200, 422]);
        test.info().annotations.push({ type: 'observed', description: `${response.status} for ${name}` });
        if (response.status === 200) {
          const connection = connectionOf(response);
          await expectThisConnection(connection, target, 'an accepted update is still this connection');
          await expectLinks(connection, target);
          const sent = sentUpdate(body);
          // A property the echo leaves out is the schema's finding: only what it gives is compared.
          const echoWrong: string[] = [];
          if (typeof sent.displayName === 'string' && connection.displayName !== undefined) {
            const accepted = acceptableNames(sent.displayName);
            if (!accepted.includes(connection.displayName)) echoWrong.push('displayName');
            await asFinding(FACTS.echoed, () =>
              expect(accepted, 'an accepted displayName is echoed as sent').toContain(connection.displayName),
            );
          }
          if (typeof sent.authenticationType === 'string' && connection.authenticationType !== undefined) {
            const type = sent.authenticationType.toLowerCase();
            if (connection.authenticationType.toLowerCase() !== type) echoWrong.push('authenticationType');
            await asFinding(FACTS.echoed, () =>
              expect(connection.authenticationType?.toLowerCase(), 'an accepted authenticationType is echoed as sent, up to case').toBe(
                type,
              ),
            );
          }
          await expectStoredAsEchoed(api, target, connection, sent, echoWrong);
        } else if (response.status === 422) {
          // The same fact as the 422 checks': a refusal changes nothing.
          await expectUnchanged(api, target, 'after requests refused with 422', '422.invalid');
        }
        // Any other status is a finding another check failed with: this answer says nothing more to judge.
      },
    );
  }

  test(
    "read-only properties in the body never change the connection's identity",
    tags('@boundary', '@critical', '@read-only'),
    async ({ api, target }) => {
      const body = {
        displayName: 'conformance read-only',
        id: unknownConnectionId(target.connectionId),
        iModelId: crypto.randomUUID(),
        iTwinId: crypto.randomUUID(),
      };
      const response = await api.update(target.connectionId, body);
      await expect(response).toBeDocumentedResponse([200, 422]);
      test.info().annotations.push({ type: 'observed', description: `${response.status} for a body with id, iModelId and iTwinId` });
      const identity = { ...identityOf(target.original), id: target.connectionId };
      if (response.status === 200) await expectThisConnection(connectionOf(response), target, 'identity in the echo', FACTS.readOnly);
      const stored = await readBack(api, target);
      await aboutState(() => expectEach(FACTS.readOnly, stored, identity, Object.keys(identity), 'identity read back'));
    },
  );

  test(
    'an unknown id with a malformed body gets 404 or 422',
    tags('@boundary', '@malformed-json', '@unknown-id'),
    async ({ api, target }) => {
      const response = await api.update(unknownConnectionId(target.connectionId), raw('{"displayName": '));
      await expect(response).toBeDocumentedResponse([404, 422]);
      test.info().annotations.push({ type: 'observed', description: `${response.status} for an unknown id with a malformed body` });
    },
  );
});
