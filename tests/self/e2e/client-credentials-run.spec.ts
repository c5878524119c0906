// A run against a target given by URL with a token from client credentials, as the nightly job runs
// against dev-api: the token is shared by the run and refreshed mid-run before it expires, and with it
// each cause of the 401 runs or skips with its reason as it would against dev-api.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as jose from 'jose';
import { test, expect, type ConformanceRun, type TestVerdict } from '../fixtures';
import type { StorageConnectionMock, Behaviour } from '../../../mock/server';

/** Each token the fake endpoint issued: its scope and when it expires (epoch ms, from its exp claim). */
type Issued = Map<string, { scope: string; expiresAt: number }>;

/**
 * A fake token endpoint for client credentials standing in for the platform's authority: it checks the
 * client's credentials and hands out JWTs the mock signs (so the mock validates them as its own), for
 * the scope asked for, living `lifetimeSeconds`.
 */
async function fakeTokenEndpoint(mock: StorageConnectionMock, secret: string, lifetimeSeconds: number, issued: Issued) {
  const server = http.createServer((req, res) => {
    const expected = `Basic ${Buffer.from(`conformance-client:${secret}`).toString('base64')}`;
    if (req.headers.authorization !== expected)
      return void res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"invalid_client"}');
    let form = '';
    req.on('data', chunk => (form += chunk));
    req.on('end', () => {
      const scope = new URLSearchParams(form).get('scope') ?? '';
      void mock.issueToken({ scope, lifetimeSeconds }).then(({ access_token, expires_in }) => {
        issued.set(access_token, { scope, expiresAt: jose.decodeJwt(access_token).exp! * 1000 });
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ access_token, token_type: 'Bearer', expires_in }));
      });
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/connect/token`, close: () => server.close() };
}

/** The verdict of the check whose title ends with `title`. */
function verdictOf(run: ConformanceRun, title: string): TestVerdict {
  const found = run.tests.find(t => t.title.endsWith(title));
  if (!found) throw new Error(`no check titled "${title}" in the run`);
  return found;
}

const skipReason = (verdict: TestVerdict) => verdict.annotations.find(a => a.type === 'skip')?.description ?? '';

test('a token from client credentials is shared by the run and refreshed before it expires; the 401 causes run or skip with their reasons', async ({
  mock,
  conformanceRun,
}) => {
  const secret = `client-secret-${Date.now()}`;
  let expiredUses = 0;
  const issued: Issued = new Map();
  // Counts requests sent with a token the fake endpoint issued that had expired (the mock refuses them itself).
  const countExpired: Behaviour = (request, next) => {
    const token = request.headers['authorization']?.replace(/^Bearer /, '') ?? '';
    const expiresAt = issued.get(token)?.expiresAt;
    if (expiresAt !== undefined && expiresAt <= Date.now()) expiredUses++;
    return next();
  };
  mock.setBehaviour(countExpired);
  const endpoint = await fakeTokenEndpoint(mock, secret, 4, issued);
  const env = {
    API_BASE_URL: mock.url,
    STORAGE_CONNECTION_ID: mock.connectionId,
    IMS_CLIENT_ID: 'conformance-client',
    IMS_CLIENT_SECRET: secret,
    IMS_TOKEN_URL: endpoint.url,
  };
  try {
    const run = await conformanceRun({ name: 'credentials', env: { ...env, IMS_OTHER_SCOPE: 'conformance-other-api' } });
    expect(run.exitCode, run.output).toBe(0);
    expect(expiredUses, 'requests sent with an expired token').toBe(0);
    const scopes = [...issued.values()].map(token => token.scope);
    expect(
      scopes.filter(scope => scope === 'itwin-platform').length,
      'tokens issued during a run longer than one token lives',
    ).toBeGreaterThan(1);
    expect(scopes, 'one token for IMS_OTHER_SCOPE, for the missing-scope check').toContain('conformance-other-api');
    expect(run.output).not.toContain(secret);

    // A live target: what only the embedded mock can issue is skipped with the reason; every other cause runs.
    const onlyTheMock = /^only the embedded mock issues tokens on request \(.+\); a live target's authority does not$/;
    const expected: [string, 'passed' | RegExp][] = [
      ["a token from another issuer, signed with the suite's own key, gets 401", 'passed'],
      ["a token the target's authority signed for another issuer gets 401", onlyTheMock],
      ["the target's own token with its signature altered gets 401", 'passed'],
      ["the target's own claims, unsigned (alg: none), get 401", 'passed'],
      ["an expired token of the target's authority gets 401", onlyTheMock],
      ['an expired token signed by the suite gets 401', 'passed'],
      ['a token without the itwin-platform scope gets 401', 'passed'],
      ["two Authorization headers, the valid token's first, gets 401", 'passed'],
      ["two Authorization headers, the valid token's second, gets 401", 'passed'],
      ['the valid token followed by a space and more text gets 401', 'passed'],
      ['a space inside the valid token gets 401', 'passed'],
      ['a non-ASCII character inside the valid token gets 401', 'passed'],
      ['the valid token without the Bearer scheme gets 401', 'passed'],
      ['the scheme name in lower case ("bearer") with the valid token is accepted (advisory)', 'passed'],
    ];
    for (const [title, outcome] of expected) {
      const verdict = verdictOf(run, title);
      if (outcome === 'passed') expect(verdict.status, title).toBe('passed');
      else expect([verdict.status, skipReason(verdict)], title).toEqual(['skipped', expect.stringMatching(outcome)]);
    }
    expect(verdictOf(run, 'a token without the itwin-platform scope gets 401').annotations).toContainEqual({
      type: 'token',
      description: 'obtained with the run\'s client credentials for IMS_OTHER_SCOPE "conformance-other-api"',
    });

    // Without IMS_OTHER_SCOPE the missing-scope check says what to set.
    const without = await conformanceRun({ name: 'no-other-scope', env, args: ['--grep', '@missing-scope'] });
    expect(without.exitCode, without.output).toBe(0);
    const skipped = verdictOf(without, 'a token without the itwin-platform scope gets 401');
    expect(skipped.status).toBe('skipped');
    expect(skipReason(skipped)).toMatch(/^IMS_OTHER_SCOPE is not set: set it to a scope the service app holds other than itwin-platform/);
  } finally {
    endpoint.close();
  }
});
