// The variables of unattended runs (OAuth2 client credentials: IMS_CLIENT_ID, IMS_CLIENT_SECRET,
// IMS_AUTHORITY, IMS_TOKEN_URL, IMS_SCOPE, IMS_OTHER_SCOPE) are read or refused with one line naming the variable and
// never the secret (e2e/client-credentials-token.spec.ts fetches tokens with them).
import { test, expect } from '../fixtures';
import { ConfigError } from '../../../support/client/config-error';
import { readCredentialSettings } from '../../../support/client/credential-settings';

const CLIENT_ID = 'service-conformance-1';
const SECRET = 'S3cr3t-never-shown-4f2a9c';
const BASIC = Buffer.from(`${CLIENT_ID}:${SECRET}`).toString('base64');

/** One line without the client secret or its Basic form. */
function expectNoSecret(message: string) {
  for (const secret of [SECRET, BASIC]) expect(message, 'no secret in the message').not.toContain(secret);
  expect(message, 'one line').not.toContain('\n');
}

const ID_AND_SECRET = { IMS_CLIENT_ID: CLIENT_ID, IMS_CLIENT_SECRET: SECRET };
const invalid: [string, NodeJS.ProcessEnv, string][] = [
  ['a client id without a secret', { IMS_CLIENT_ID: CLIENT_ID }, 'IMS_CLIENT_SECRET'],
  ['a secret without a client id', { IMS_CLIENT_SECRET: SECRET }, 'IMS_CLIENT_ID'],
  ['a secret with a line break', { ...ID_AND_SECRET, IMS_CLIENT_SECRET: `${SECRET}\n` }, 'IMS_CLIENT_SECRET'],
  ['an authority that is not a URL', { ...ID_AND_SECRET, IMS_AUTHORITY: 'ims.bentley.com' }, 'IMS_AUTHORITY'],
  ['an http authority on another host', { ...ID_AND_SECRET, IMS_AUTHORITY: 'http://ims.bentley.com' }, 'IMS_AUTHORITY'],
  ['an authority with a query', { ...ID_AND_SECRET, IMS_AUTHORITY: 'https://ims.bentley.com/?x=1' }, 'IMS_AUTHORITY'],
  ['a token URL that is not a URL', { ...ID_AND_SECRET, IMS_TOKEN_URL: 'connect/token' }, 'IMS_TOKEN_URL'],
  ['a scope with a quote', { ...ID_AND_SECRET, IMS_SCOPE: 'itwin-platform "x"' }, 'IMS_SCOPE'],
  ['an authority without credentials', { IMS_AUTHORITY: 'https://qa-ims.bentley.com' }, 'IMS_AUTHORITY'],
];

test.describe('readCredentialSettings', () => {
  for (const [name, env, variable] of invalid) {
    test(`${name} is refused with one line naming ${variable}`, () => {
      const error = (() => {
        try {
          readCredentialSettings(env);
        } catch (e) {
          return e as Error;
        }
      })();
      expect(error).toBeInstanceOf(ConfigError);
      expect(error!.message).toContain(variable);
      expect(error!.message, 'the message says what to do').toMatch(/: (set|unset)/);
      expectNoSecret(error!.message);
    });
  }

  test('no client credentials means none are used', () => {
    expect(readCredentialSettings({ API_ACCESS_TOKEN: 'abc' })).toBeUndefined();
  });

  test('the authority and scope have defaults, and the token URL is found by discovery', () => {
    expect(readCredentialSettings(ID_AND_SECRET)).toEqual({
      clientId: CLIENT_ID,
      clientSecret: SECRET,
      authority: 'https://ims.bentley.com',
      tokenUrl: undefined,
      scope: 'itwin-platform',
    });
  });

  test('a local http authority, a token URL and several scopes are accepted', () => {
    const env = {
      ...ID_AND_SECRET,
      IMS_AUTHORITY: 'http://127.0.0.1:8080/',
      IMS_TOKEN_URL: 'http://localhost:8080/connect/token',
      IMS_SCOPE: ' itwin-platform  sync:modify ',
    };
    expect(readCredentialSettings(env)).toMatchObject({
      authority: 'http://127.0.0.1:8080',
      tokenUrl: 'http://localhost:8080/connect/token',
      scope: 'itwin-platform sync:modify',
    });
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
