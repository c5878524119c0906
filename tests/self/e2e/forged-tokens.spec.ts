// The tokens of the 401's causes: what the suite forges from the target's token (the embedded mock's,
// verified against its published key) is what the checks claim, one thing wrong at a time.
import * as jose from 'jose';
import { test, expect } from '../fixtures';
import type { StorageConnectionMock } from '../../../mock/server';
import {
  carriesRequiredScope,
  decodeJwt,
  selfSigned,
  suiteKeyPair,
  SUITE_ISSUER,
  unsigned,
  withAlteredSignature,
} from '../../../support/checks/forged-tokens';

const jwksOf = (m: StorageConnectionMock) => jose.createRemoteJWKSet(new URL(`${m.url}/.well-known/openid-configuration/jwks`));

test.describe('forged tokens', () => {
  test('an altered signature keeps the header and claims and no longer verifies', async ({ mock }) => {
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

  test("alg: none carries the target's claims exactly, with no signature", ({ mock }) => {
    const jwt = decodeJwt(mock.token)!;
    const token = unsigned(jwt);
    expect(token.endsWith('.')).toBe(true);
    expect(token.split('.')[1]).toBe(jwt.segments[1]);
    expect(jose.decodeProtectedHeader(token)).toEqual({ alg: 'none', typ: jwt.header.typ });
    expect(jose.UnsecuredJWT.decode(token).payload).toEqual(jwt.claims);
  });

  test("the suite's own tokens: its issuer and key, the target's other claims, the expiry asked for", async ({ mock }) => {
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
});
