// 200 OK: an update changes exactly what it asks for, echoes the whole connection, and persists.
// The echo must be the connection at the path (same id, same iModel and iTwin, consistent links),
// a field left out keeps its value, and sending the same update twice gives the same representation.
import { isDeepStrictEqual } from 'node:util';
import { advise } from '../../support/checks/advisory';
import { test, expect } from '../../support/checks/fixtures';
import { expectEach, expectEcho, FACTS } from '../../support/checks/echo';
import { aboutState, connectionOf, readBack, readBackUntil } from '../../support/checks/state';
import { tags } from '../../support/contract/tags';
import type { ApiResponse } from '../../support/client/client';
import { otherAuthenticationType, sameState, type Connection } from '../../support/contract/connection';
import type { Target } from '../../support/run/target';

const uniqueName = (label: string) => `conformance ${label} ${Date.now().toString(36)}`;

/**
 * The properties the document defines, but lastRun: extra properties (timestamps) and the latest run
 * (a live connection may run between two requests) may legitimately differ.
 */
function documented({ id, iModelId, iTwinId, displayName, authenticationType, _links }: Connection) {
  return { id, iModelId, iTwinId, displayName, authenticationType, links: { iModel: _links?.iModel, iTwin: _links?.iTwin } };
}

/** The 200 echo is documented, is this connection, and carries the expected displayName and authenticationType. */
async function expectEchoOf(response: ApiResponse, target: Target, expected: Pick<Connection, 'displayName' | 'authenticationType'>) {
  await expect(response).toBeDocumentedResponse(200);
  await expectEcho(connectionOf(response), target, expected);
}

/** Reads the connection back (GET, or an empty PUT) and checks it kept what the update wrote. */
async function expectPersisted(
  api: Parameters<typeof readBack>[0],
  target: Target,
  expected: Pick<Connection, 'displayName' | 'authenticationType'>,
) {
  await test.step(
    'the connection read back holds the update',
    async () => {
      const stored = await readBackUntil(api, target, connection => sameState(connection, expected));
      const wrote = { ...target.original, ...expected, id: target.connectionId };
      await aboutState(() =>
        expectEach(
          FACTS.stored,
          stored,
          wrote,
          ['displayName', 'authenticationType', 'id', 'iModelId', 'iTwinId'],
          'the connection read back',
        ),
      );
    },
    { box: true },
  );
}

test.describe('200 OK', () => {
  test(
    'a rename echoes the new displayName, keeps authenticationType and persists',
    tags('@200', '@critical', '@echo', '@persists'),
    async ({ api, target }) => {
      const displayName = uniqueName('rename');
      const expected = { displayName, authenticationType: target.original.authenticationType };
      await expectEchoOf(await api.update(target.connectionId, { displayName }), target, expected);
      await expectPersisted(api, target, expected);
    },
  );

  test(
    'switching authenticationType and back keeps displayName and persists each time',
    tags('@200', '@critical', '@echo', '@persists'),
    async ({ api, target }) => {
      const { displayName, authenticationType } = target.original;
      const switched = { displayName, authenticationType: otherAuthenticationType(authenticationType) };
      await expectEchoOf(await api.update(target.connectionId, { authenticationType: switched.authenticationType }), target, switched);
      await expectPersisted(api, target, switched);
      await expectEchoOf(await api.update(target.connectionId, { authenticationType }), target, { displayName, authenticationType });
      await expectPersisted(api, target, { displayName, authenticationType });
    },
  );

  test('both fields at once are both applied', tags('@200', '@echo', '@persists'), async ({ api, target }) => {
    const expected = { displayName: uniqueName('both'), authenticationType: otherAuthenticationType(target.original.authenticationType) };
    await expectEchoOf(await api.update(target.connectionId, expected), target, expected);
    await expectPersisted(api, target, expected);
  });

  // The earlier update sets authenticationType to 'Service', not the documented default ('User'), so
  // a server that resets an omitted field to its default (a replace, not an update) is caught whatever
  // the original value; the other direction (displayName kept when left out) is the switching test.
  test(
    'a field left out of a later update keeps the value an earlier update gave it',
    tags('@200', '@critical', '@echo', '@persists', '@partial-update'),
    async ({ api, target }) => {
      const displayName = uniqueName('kept');
      const authenticationType = 'Service';
      await expectEchoOf(await api.update(target.connectionId, { authenticationType }), target, {
        displayName: target.original.displayName,
        authenticationType,
      });
      await expectEchoOf(await api.update(target.connectionId, { displayName }), target, { displayName, authenticationType });
      await expectPersisted(api, target, { displayName, authenticationType });
    },
  );

  for (const [label, displayName] of [
    ['accented Latin', 'Überprüfung Ñandú café'],
    ['CJK, Cyrillic and Greek', '同步连接 синхронизация σύνδεση'],
    ['emoji outside the BMP', 'conformance 🚀🏗️ 𝔘𝔫𝔦𝔠𝔬𝔡𝔢'],
    ['right-to-left', 'اتصال التخزين חיבור'],
  ] as const) {
    test(
      `a non-ASCII displayName (${label}) round-trips exactly`,
      tags('@200', '@echo', '@persists', '@non-ascii'),
      async ({ api, target }) => {
        const expected = { displayName, authenticationType: target.original.authenticationType };
        await expectEchoOf(await api.update(target.connectionId, { displayName }), target, expected);
        await expectPersisted(api, target, expected);
      },
    );
  }

  test('repeating the same update gives the same representation', tags('@200', '@echo', '@repeatable'), async ({ api, target }) => {
    const update = { displayName: uniqueName('repeat'), authenticationType: target.original.authenticationType };
    const first = await api.update(target.connectionId, update);
    await expectEchoOf(first, target, update);
    const second = await api.update(target.connectionId, update);
    await expectEchoOf(second, target, update);
    // PUT is idempotent in HTTP, but the document does not say so: an advisory, never a failure.
    const [once, twice] = [documented(connectionOf(first)), documented(connectionOf(second))];
    advise('put.idempotent', isDeepStrictEqual(once, twice), `first ${JSON.stringify(once)}, then ${JSON.stringify(twice)}`);
  });
});
