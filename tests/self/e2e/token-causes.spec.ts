// The 401's causes against a target given by URL: a target whose token is not a JWT gets the
// forgeries skipped with the reason, and no token derived from the target's real one reaches a report,
// even from a server that echoes the Authorization header it was sent.
import { test, expect, type TestVerdict } from '../fixtures';
import { findSecret } from '../helpers/find-secret';
import type { Behaviour } from '../../../mock/server';
import { errorResponse } from '../../../mock/operation';

/** The verdicts of the checks of 401-token-causes.spec.ts, by title. */
const causes = (tests: TestVerdict[]) =>
  Object.fromEntries(
    tests
      .filter(t => t.title.startsWith('401-token-causes.spec.ts'))
      .map(t => [
        t.title.split(' › ').at(-1)!,
        t.status === 'skipped' ? `skipped: ${t.annotations.find(a => a.type === 'skip')?.description}` : t.status,
      ]),
  );

test.describe('a target whose token is not a JWT', () => {
  test.use({ mockOptions: { token: `opaque-token-${Date.now().toString(36)}-0123456789` } });

  test('the forgeries from its token are skipped with the reason, the other causes run', async ({ mock, conformanceRun }) => {
    const run = await conformanceRun({ against: mock, args: ['--grep', '@401'] });
    expect(run.exitCode, run.output).toBe(0);
    const notAJwt =
      "skipped: the target's token is not a JWT (an opaque token): it has no signature or claims to forge from, so this cause cannot be shown with it";
    const onlyTheMock = expect.stringMatching(/^skipped: only the embedded mock issues tokens on request/);
    expect(causes(run.tests)).toEqual({
      "a token from another issuer, signed with the suite's own key, gets 401": 'passed',
      "a token the target's authority signed for another issuer gets 401": onlyTheMock,
      "the target's own token with its signature altered gets 401": notAJwt,
      "the target's own claims, unsigned (alg: none), get 401": notAJwt,
      "an expired token of the target's authority gets 401": onlyTheMock,
      'an expired token signed by the suite gets 401': 'passed',
      'a token without the itwin-platform scope gets 401': expect.stringMatching(
        /^skipped: the run's token is given as it is \(API_ACCESS_TOKEN\), so no token for another scope can be obtained/,
      ),
      "two Authorization headers, the valid token's first, gets 401": 'passed',
      "two Authorization headers, the valid token's second, gets 401": 'passed',
      'the valid token followed by a space and more text gets 401': 'passed',
      'a space inside the valid token gets 401': 'passed',
      'a non-ASCII character inside the valid token gets 401': 'passed',
      'the valid token without the Bearer scheme gets 401': 'passed',
      'the scheme name in lower case ("bearer") with the valid token is accepted (advisory)': 'passed',
    });
  });
});

// Every 401 quotes the Authorization header it got, and the run's token is a JWT, so every forgery runs.
const echo: Behaviour = (request, next) => {
  const response = next();
  return response.status === 401 && request.headers['authorization'] !== undefined
    ? errorResponse(401, 'InvalidAuthorizationToken', `Access denied for Authorization: ${request.headers['authorization']}`)
    : response;
};

test.describe('a target that echoes the Authorization header', () => {
  test.use({ mockOptions: { behaviour: echo } });

  test('no token derived from the real one reaches a report', async ({ mock: echoing, conformanceRun }) => {
    const run = await conformanceRun({ against: echoing, reporters: 'configured', args: ['--grep', '@401'] });
    const reportsDir = run.reportsDir;
    expect(run.exitCode, run.output).toBe(0);
    const signature = echoing.token.split('.')[2]!;
    // The real token, and a stretch of its signature that every token derived from it keeps (the
    // altered signature differs in its first two characters, a space goes mid-token, é mid-signature).
    for (const secret of [echoing.token, signature.slice(-40)]) {
      const { findings, filesSearched } = findSecret(reportsDir, secret);
      expect(filesSearched, 'the reports were written').toBeGreaterThan(20);
      expect(findings, 'places where the token or its signature appears').toEqual([]);
    }
    expect(run.output).not.toContain(signature.slice(-40));
  });
});
