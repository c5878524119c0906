// 404 Not Found: an update of a connection that does not exist is refused with the documented code.
// The unknown ids take the shape of the run's own connection id (support/contract/ids.ts), so a 404 is
// about existence, not format; the refused update must not create the connection (no upsert through
// PUT). An id one character away from the real one names another connection too: a lookup by prefix,
// without case or by any fuzzy match would update the real connection instead.
import { test, expect } from '../../support/checks/fixtures';
import { RefusalBatch, runStamp, type Refusal } from '../../support/checks/refusals';
import { expectUnchanged } from '../../support/checks/state';
import { tags } from '../../support/contract/tags';
import { otherAuthenticationType } from '../../support/contract/connection';
import { nearMissIds, shapeOf, unknownConnectionId } from '../../support/contract/ids';
import type { Target } from '../../support/run/target';

const UNKNOWN_ID_UPDATE = { displayName: 'conformance 404', authenticationType: 'User' };

/** The update sent to each id one character away from the real one. */
const sentinelOf = (target: Target) => ({
  displayName: `conformance near miss ${runStamp(target)}`,
  authenticationType: otherAuthenticationType(target.original.authenticationType),
});

/** The updates of this file, as its checks send them: refusals, sent at once (support/checks/refusals.ts). */
const REFUSALS = new RefusalBatch('404 Not Found', (target): Refusal[] => [
  { connectionId: unknownConnectionId(target.connectionId), body: UNKNOWN_ID_UPDATE },
  ...nearMissIds(target.connectionId).map(({ id }) => ({ connectionId: id, body: sentinelOf(target) })),
]);

test.describe('404 Not Found', () => {
  test.use({ refusals: REFUSALS });

  test(
    "an unknown id of the real ids' shape gets 404 StorageConnectionNotFound and creates nothing",
    tags('@404', '@critical', '@unknown-id'),
    async ({ api, target }) => {
      const id = unknownConnectionId(target.connectionId);
      test
        .info()
        .annotations.push({ type: 'observed', description: `unknown id of the real id's shape (${shapeOf(target.connectionId)})` });
      const update = UNKNOWN_ID_UPDATE;
      // The documented response includes the document's code (a body without one is an advisory there).
      await expect(await api.update(id, update)).toBeDocumentedResponse(404);

      // Had the first PUT created the connection, the same PUT (or a GET) would now find it.
      const again = target.readMethod === 'GET' ? await api.get(id) : await api.update(id, update);
      await expect(again, 'the unknown id is still unknown').toBeDocumentedResponse(404);
    },
  );

  test(
    'ids one character away from the real one (first, middle, last, case) get 404 and leave the real connection unchanged',
    tags('@404', '@critical', '@near-miss-id'),
    async ({ api, target }) => {
      const sentinel = sentinelOf(target);
      const nearMisses = nearMissIds(target.connectionId);
      test.info().annotations.push({
        type: 'observed',
        description: `near-miss ids of ${shapeOf(target.connectionId)}: ${nearMisses.map(({ name }) => name).join('; ')}`,
      });
      for (const { name, id } of nearMisses) {
        // Soft: the real connection is read back below even when a near miss was taken for it.
        await expect.soft(await api.update(id, sentinel), `the real id with ${name}: ${id}`).toBeDocumentedResponse(404);
      }
      await expectUnchanged(api, target, 'after updates of ids one character away from it');
    },
  );
});
