// The tokens of the 401's causes: what the suite forges is what the checks claim (one thing wrong at a
// time), IMS_OTHER_SCOPE is validated like the other settings, a target whose token is not a JWT gets
// the forgeries skipped with the reason, and no token derived from the target's real one reaches a
// report, even from a server that echoes the Authorization header it was sent.
import * as jose from 'jose';
import { test, expect } from './fixtures';
import { findSecret } from './helpers/find-secret';
import { StorageConnectionMock, type Behaviour } from '../../mock/server';
import { errorResponse } from '../../mock/operation';
import {
  carriesRequiredScope,
  decodeJwt,
  malformed,
  selfSigned,
  suiteKeyPair,
  SUITE_ISSUER,
  unsigned,
  withAlteredSignature,
} from '../../support/checks/forged-tokens';
import { ConfigError } from '../../support/client/config-error';
import { readCredentialSettings } from '../../support/client/credential-settings';
import { runConformance, type TestVerdict } from './helpers/child-run';
import { redactText } from '../../support/report/redact';

let mock: StorageConnectionMock;
test.beforeAll(async () => {
  mock = await StorageConnectionMock.create();
});
test.afterAll(async () => {
  await mock.stop();
});

const jwksOf = (m: StorageConnectionMock) => jose.createRemoteJWKSet(new URL(`${m.url}/.well-known/openid-configuration/jwks`));

test.describe('forged tokens', () => {
  test('an altered signature keeps the header and claims and no longer verifies', async () => {
    const jwt = decodeJwt(mock.token)!;
    const altered = withAlteredSignature(jwt);
    const [header, payload, signature] = altered.split('.') as [string, string, string];
    expect([header, payload]).toEqual(jwt.segments.slice(0, 2));
    expect(signature).not.toBe(jwt.segments[2]);
    expect(Buffer.from(signature, 'base64url').length, 'a signature of the same length').toBe(
      Buffer.from(jwt.segments[2], 'base64url').length,
    );
    await expect(jose.jwtVerify(mock.token, jwksOf(mock))).resolves.toBeTruthy();
    await expect(jose.jwtVerify(altered, jwksOf(mock))).rejects.toThrow(/signature verification failed/);
  });

  test("alg: none carries the target's claims exactly, with no signature", () => {
    const jwt = decodeJwt(mock.token)!;
    const token = unsigned(jwt);
    expect(token.endsWith('.')).toBe(true);
    expect(token.split('.')[1]).toBe(jwt.segments[1]);
    expect(jose.decodeProtectedHeader(token)).toEqual({ alg: 'none', typ: jwt.header.typ });
    expect(jose.UnsecuredJWT.decode(token).payload).toEqual(jwt.claims);
  });

  test("the suite's own tokens: its issuer and key, the target's other claims, the expiry asked for", async () => {
    const claims = decodeJwt(mock.token)!.claims;
    const { publicKey } = await suiteKeyPair();
    const foreign = await selfSigned({ like: claims });
    const { payload } = await jose.jwtVerify(foreign, publicKey, { issuer: SUITE_ISSUER, audience: claims.aud as string });
    expect(payload).toMatchObject({ scope: claims.scope, client_id: claims.client_id, sub: claims.sub });
    await expect(jose.jwtVerify(foreign, jwksOf(mock)), 'the target does not know the key').rejects.toThrow();
    const expired = await selfSigned({ like: claims, issuer: claims.iss, expiresInSeconds: -3600 });
    await expect(jose.jwtVerify(expired, publicKey, { issuer: claims.iss })).rejects.toThrow(/"exp" claim timestamp check failed/);
    expect(jose.decodeJwt(expired).exp).toBeLessThan(Date.now() / 1000 - 3500);
    expect(carriesRequiredScope(await selfSigned())).toBe(true);
    expect(carriesRequiredScope('opaque-token'), 'unknown for an opaque token').toBeUndefined();
  });

  test('malformed headers are built around the token, and each is redacted like the token itself', () => {
    const token = 'aaaa.bbbbbbbbbbbb.cccccccccccccccccccc';
    const headers = {
      trailingText: malformed.trailingText(token),
      spaceInside: malformed.spaceInside(token),
      nonAscii: malformed.nonAscii(token),
      noScheme: malformed.noScheme(token),
      lowerCaseScheme: malformed.lowerCaseScheme(token),
    };
    expect(headers).toEqual({
      trailingText: `Bearer ${token} conformance`,
      spaceInside: 'Bearer aaaa.bbbbbbbbbbbb.c ccccccccccccccccccc',
      nonAscii: 'Bearer aaaa.bbbbbbbbbbbb.ccccccccccÃ©cccccccccc',
      noScheme: token,
      lowerCaseScheme: `bearer ${token}`,
    });
    for (const [name, value] of Object.entries(headers))
      expect(redactText(`echoed: ${value}`), name).not.toContain(value.replace(/^bearer /i, '').slice(0, 12));
  });
});

test.describe('IMS_OTHER_SCOPE', () => {
  const base = { IMS_CLIENT_ID: 'id', IMS_CLIENT_SECRET: 'secret-value' };

  test('is read with client credentials, and refused where its token could not show a missing scope', () => {
    expect(readCredentialSettings({ ...base, IMS_OTHER_SCOPE: ' other-api ' })?.otherScope).toBe('other-api');
    expect(readCredentialSettings(base)).not.toHaveProperty('otherScope');
    const refusal = (env: NodeJS.ProcessEnv) => {
      try {
        readCredentialSettings(env);
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        return (error as Error).message;
      }
      return 'accepted';
    };
    expect(refusal({ ...base, IMS_OTHER_SCOPE: 'other-api itwin-platform' })).toMatch(
      /^IMS_OTHER_SCOPE "other-api itwin-platform" includes itwin-platform, so its token could not show a missing scope/,
    );
    expect(refusal({ ...base, IMS_OTHER_SCOPE: 'a "b"' })).toMatch(/^IMS_OTHER_SCOPE "a "b"" is not a list of scopes/);
    expect(refusal({ IMS_OTHER_SCOPE: 'other-api' })).toMatch(/^IMS_OTHER_SCOPE is set but IMS_CLIENT_ID and IMS_CLIENT_SECRET are not/);
  });
});

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

test('a target whose token is not a JWT: the forgeries from it are skipped with the reason, the other causes run', async () => {
  const opaque = await StorageConnectionMock.create({ token: `opaque-token-${Date.now().toString(36)}-0123456789` });
  try {
    const run = await runConformance({
      reportsDir: test.info().outputPath('opaque'),
      args: ['--grep', '@401'],
      env: { API_BASE_URL: opaque.url, API_ACCESS_TOKEN: opaque.token, STORAGE_CONNECTION_ID: opaque.connectionId },
    });
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
  } finally {
    await opaque.stop();
  }
});

test('no token derived from the real one reaches a report, even from a server that echoes Authorization', async () => {
  // Every 401 quotes the Authorization header it got, and the run's token is a JWT, so every forgery runs.
  const echo: Behaviour = (request, next) => {
    const response = next();
    return response.status === 401 && request.headers['authorization'] !== undefined
      ? errorResponse(401, 'InvalidAuthorizationToken', `Access denied for Authorization: ${request.headers['authorization']}`)
      : response;
  };
  const echoing = await StorageConnectionMock.create({ behaviour: echo });
  try {
    const reportsDir = test.info().outputPath('reports');
    const run = await runConformance({
      reportsDir,
      reporters: 'configured',
      args: ['--grep', '@401'],
      env: { API_BASE_URL: echoing.url, API_ACCESS_TOKEN: echoing.token, STORAGE_CONNECTION_ID: echoing.connectionId },
    });
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
  } finally {
    await echoing.stop();
  }
});
