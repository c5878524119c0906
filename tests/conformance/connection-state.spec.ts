// Reading the connection back: the suite restores what it changes, so it must be able to read the
// connection first (the GET sibling, or an empty update on a target that serves only the PUT). A
// connection that reads back as anything but the documented connection is a broken contract, shown
// here with the response; the other checks are then skipped, since none could be undone.
import { test, expect } from '../../support/checks/fixtures';
import { tags } from '../../support/contract/tags';
import { restorableConnectionIn } from '../../support/contract/connection';

test.describe('200 OK', () => {
  test(
    'the connection under test reads back as the documented connection',
    tags('@200', '@critical', '@reads-back'),
    async ({ api, target }) => {
      // The empty update is the operation under test; it is sent when the GET sibling did not answer with the connection.
      const get = target.readMethod === 'GET' && !target.unreadable ? await api.get(target.connectionId) : undefined;
      const response = get ?? (await api.update(target.connectionId, {}));
      await expect(response, `read back the connection with ${get ? 'GET' : 'an empty PUT'}`).toBeDocumentedResponse(200);
      expect(restorableConnectionIn(response.json), 'a displayName and an authenticationType the suite could restore').toBeDefined();
    },
  );
});
