// Accept as real clients send it. The document recommends application/vnd.bentley.itwin-platform.v1+json
// but only recommends it; the platform's own CLI (iTwin/itwin-cli, src/services/iTwin-platform-api-client.ts)
// sets no Accept, so Node's `*/*` goes out, and generic clients send application/json. An update with
// either gets the documented 200 and echoes what it set. A 406 refusal is allowed (an advisory,
// accept.any) if it changes nothing; any other answer is judged as every answer is. The fixtures
// restore the connection.
import { advise } from '../../support/checks/advisory';
import { expectEcho } from '../../support/checks/echo';
import { test, expect } from '../../support/checks/fixtures';
import { connectionOf, expectUnchanged } from '../../support/checks/state';
import { tags } from '../../support/contract/tags';
import { otherAuthenticationType } from '../../support/contract/connection';

const ACCEPTS = [
  ['*/*', 'what the platform CLI sends'],
  ['application/json', 'what generic JSON clients send'],
] as const;

test.describe('Accept as real clients send it', () => {
  for (const [accept, who] of ACCEPTS) {
    test(`an update with Accept: ${accept} (${who}) gets the documented 200`, tags('@200', '@accept'), async ({ api, target }) => {
      const expected = {
        displayName: `conformance accept ${accept} ${Date.now().toString(36)}`,
        authenticationType: otherAuthenticationType(target.original.authenticationType),
      };
      const response = await api.update(target.connectionId, expected, { accept });
      test.info().annotations.push({ type: 'observed', description: `${response.status} to an update with Accept: ${accept}` });
      if (response.status === 406) {
        advise('accept.any', false, `406 to an update with Accept: ${accept}`);
        // A refusal must not have written.
        return expectUnchanged(api, target, `after an update with Accept: ${accept} was refused with 406`);
      }
      await expect(response).toBeDocumentedResponse(200);
      await expectEcho(connectionOf(response), target, expected);
    });
  }
});
