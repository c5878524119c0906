// 404 Not Found: an update of a connection that does not exist is refused with the documented code.
// The unknown id has the same shape as real ids, so the 404 is about existence, not format; and the
// refused update must not create the connection (no upsert through PUT).
import { test, expect } from '../../support/checks/fixtures';
import { tags } from '../../support/checks/tags';
import { unknownConnectionId } from '../../support/contract/ids';
import { ERROR_CODES, errorCodeOf } from '../../support/contract/operation';

test.describe('404 Not Found', () => {
  test(
    "an unknown id of the real ids' shape gets 404 StorageConnectionNotFound and creates nothing",
    tags('@404', '@critical', '@unknown-id'),
    async ({ api, target }) => {
      const id = unknownConnectionId();
      const update = { displayName: 'conformance 404', authenticationType: 'User' };
      const first = await api.update(id, update);
      await expect(first).toBeDocumentedResponse(404);
      expect(errorCodeOf(first.json), 'the documented code').toBe(ERROR_CODES.notFound);

      // Had the first PUT created the connection, the same PUT (or a GET) would now find it.
      const again = target.readMethod === 'GET' ? await api.get(id) : await api.update(id, update);
      await expect(again, 'the unknown id is still unknown').toBeDocumentedResponse(404);
    },
  );
});
