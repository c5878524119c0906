// The checks of credentials outside the Authorization header put the run's own token where reports
// look least for it: in a URL's query and in a Cookie header. Against servers that take it there (so
// the checks fail, and failure messages quote the request), a known token must still be in no report,
// attachment or log, plain or encoded.
import { test, expect } from '../fixtures';
import { BEHAVIOURS } from '../../../mock/behaviours';
import { findSecret } from '../helpers/find-secret';

const TOKEN = `known-query-cookie-token-${Date.now().toString(36)}-do-not-leak`;

for (const fault of ['token-in-query-accepted', 'authorization-cookie-accepted']) {
  test.describe(fault, () => {
    test.use({ mockOptions: { token: TOKEN, behaviour: BEHAVIOURS[fault]!.behaviour } });

    test(`with ${fault}, the token sent outside the header is caught and in no report`, async ({ mock, conformanceRun }) => {
      const run = await conformanceRun({
        against: mock,
        reporters: 'configured',
        args: ['--grep', '@token-in-query|@token-in-cookie'],
      });
      const reportsDir = run.reportsDir;
      expect(run.exitCode, `the checks caught ${fault}:\n${run.output}`).toBe(1);
      expect(run.output).toMatch(/3 checks in .*: 2 passed, 1 failed/);
      const { findings, filesSearched } = findSecret(reportsDir, TOKEN);
      expect(filesSearched, 'the reports were written').toBeGreaterThan(10);
      expect(findings, 'places where the token appears').toEqual([]);
      expect(run.output).not.toContain(TOKEN);
    });
  });
}
