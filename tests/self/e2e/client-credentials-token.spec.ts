// Tokens for unattended runs (OAuth2 client credentials), against a fake token endpoint on this
// machine that also serves OpenID discovery (unit/credential-settings.spec.ts reads the variables): good and bad credentials, an unreachable authority, odd
// answers, and the in-process token of a worker (ClientCredentialsToken): the token global setup
// handed over is used while fresh, and one that expires mid-run is refreshed exactly once however
// many callers ask at the same time. No error message may ever carry the secret or a token.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { test, expect } from '../fixtures';
import type { CredentialSettings } from '../../../support/client/credential-settings';
import { ClientCredentialsToken, CredentialsError, fetchClientCredentialsToken } from '../../../support/client/token';

const CLIENT_ID = 'service-conformance-1';
const SECRET = 'S3cr3t-never-shown-4f2a9c';
const BASIC = Buffer.from(`${CLIENT_ID}:${SECRET}`).toString('base64');
/** The n-th token the fake issues: long enough to count as a secret (report/secrets.ts), so it is redacted too. */
const issued = (n: number) => `token-${n}-from-the-fake`;

/** The fake authority: discovery, and a token endpoint that checks the client credentials. */
class FakeAuthority {
  tokenRequests = 0;
  discoveryRequests = 0;
  lastForm?: URLSearchParams;
  lastIssued = '';
  expiresIn = 3600;
  delayMs = 0;
  discovery: 'ok' | 'no token_endpoint' | 'html' | 'plain http elsewhere' | 'another issuer' = 'ok';
  answer: 'ok' | 'html' | '500 echoing the secret' | '400 echoing everything' | 'redirect' = 'ok';

  private constructor(
    private readonly server: http.Server,
    readonly url: string,
  ) {}

  static async create(): Promise<FakeAuthority> {
    const server = http.createServer();
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    const fake = new FakeAuthority(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    server.on('request', (req, res) => void fake.handle(req, res));
    return fake;
  }

  get tokenUrl() {
    return `${this.url}/connect/token`;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse) {
    let body = '';
    for await (const chunk of req) body += chunk;
    const send = (status: number, value: unknown, type = 'application/json') =>
      res.writeHead(status, { 'content-type': type }).end(typeof value === 'string' ? value : JSON.stringify(value));
    if (req.method === 'GET' && req.url === '/.well-known/openid-configuration') {
      this.discoveryRequests++;
      if (this.discovery === 'html') return send(200, '<html>login</html>', 'text/html');
      if (this.discovery === 'another issuer') return send(200, { issuer: 'https://ims.example.com', token_endpoint: this.tokenUrl });
      if (this.discovery === 'plain http elsewhere')
        return send(200, { issuer: this.url, token_endpoint: 'http://ims.example.com/connect/token' });
      return send(200, { issuer: this.url, ...(this.discovery === 'ok' && { token_endpoint: this.tokenUrl }) });
    }
    if (req.method !== 'POST' || req.url !== '/connect/token') return send(404, { error: 'not_found' });
    this.tokenRequests++;
    this.lastForm = new URLSearchParams(body);
    await new Promise(resolve => setTimeout(resolve, this.delayMs));
    if (req.headers.authorization !== `Basic ${BASIC}`) return send(401, { error: 'invalid_client' });
    if (this.lastForm.get('grant_type') !== 'client_credentials') return send(400, { error: 'unsupported_grant_type' });
    if (this.answer === 'redirect') return res.writeHead(307, { location: 'http://127.0.0.1:9/elsewhere' }).end();
    if (this.answer === 'html') return send(200, '<html>maintenance</html>', 'text/html');
    if (this.answer === '500 echoing the secret')
      return send(500, { error: 'server_error', error_description: `bad header Basic ${BASIC} for ${SECRET}` });
    if (this.answer === '400 echoing everything') {
      const echo = `Basic ${BASIC} ${SECRET} ${encodeURIComponent(SECRET)} ${this.lastIssued}`;
      return send(400, { error: `invalid_request ${echo}`, error_description: `${echo}\n${body}` });
    }
    this.lastIssued = issued(this.tokenRequests);
    return send(200, { access_token: this.lastIssued, token_type: 'Bearer', expires_in: this.expiresIn });
  }

  async stop() {
    this.server.closeAllConnections();
    await new Promise(resolve => this.server.close(resolve));
  }
}

const fakeTest = test.extend<{ ims: FakeAuthority }>({
  ims: async ({}, use) => {
    const ims = await FakeAuthority.create();
    await use(ims);
    await ims.stop();
  },
});

const settingsFor = (ims: FakeAuthority, extra: Partial<CredentialSettings> = {}): CredentialSettings => ({
  clientId: CLIENT_ID,
  clientSecret: SECRET,
  authority: ims.url,
  scope: 'itwin-platform',
  ...extra,
});

async function errorOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

/** One line without the client secret, its Basic form or any token the fake issued. */
function expectNoSecret(message: string) {
  for (const secret of [SECRET, BASIC]) expect(message, 'no secret in the message').not.toContain(secret);
  expect(message, 'no issued token in the message').not.toMatch(/token-\d/);
  expect(message, 'one line').not.toContain('\n');
}

fakeTest.describe('fetchClientCredentialsToken', () => {
  fakeTest('good credentials get a token from the endpoint found by discovery', async ({ ims }) => {
    const before = Date.now();
    const token = await fetchClientCredentialsToken(settingsFor(ims));
    expect(token.accessToken).toBe(issued(1));
    expect(token.expiresAt).toBeGreaterThanOrEqual(before + 3600_000);
    expect([ims.discoveryRequests, ims.tokenRequests]).toEqual([1, 1]);
    expect(Object.fromEntries(ims.lastForm!)).toEqual({ grant_type: 'client_credentials', scope: 'itwin-platform' });
  });

  fakeTest('IMS_TOKEN_URL skips discovery', async ({ ims }) => {
    const token = await fetchClientCredentialsToken(settingsFor(ims, { authority: 'http://127.0.0.1:9', tokenUrl: ims.tokenUrl }));
    expect(token.accessToken).toBe(issued(1));
    expect(ims.discoveryRequests).toBe(0);
  });

  fakeTest('bad credentials stop with a clear line and no secret', async ({ ims }) => {
    const error = await errorOf(fetchClientCredentialsToken(settingsFor(ims, { clientSecret: `${SECRET}-wrong` })));
    expect(error).toBeInstanceOf(CredentialsError);
    expect(error.message).toBe(
      `the token endpoint ${ims.tokenUrl} refused the client credentials (401 invalid_client): check IMS_CLIENT_ID and IMS_CLIENT_SECRET.`,
    );
    expectNoSecret(error.message);
  });

  fakeTest('an unreachable authority stops with a clear line', async ({ ims }) => {
    const closed = await closedPort();
    const discovery = await errorOf(fetchClientCredentialsToken(settingsFor(ims, { authority: `http://127.0.0.1:${closed}` })));
    expect(discovery.message).toBe(
      `the authority http://127.0.0.1:${closed} could not be reached for OpenID discovery (connection refused): check IMS_AUTHORITY, or set IMS_TOKEN_URL.`,
    );
    const direct = await errorOf(fetchClientCredentialsToken(settingsFor(ims, { tokenUrl: `http://127.0.0.1:${closed}/connect/token` })));
    expect(direct.message).toMatch(/could not be reached \(connection refused\): check IMS_TOKEN_URL\.$/);
    for (const error of [discovery, direct]) expectNoSecret(error.message);
  });

  fakeTest('an authority that does not answer in time stops with a clear line', async ({ ims }) => {
    ims.delayMs = 2_000;
    const started = Date.now();
    const error = await errorOf(fetchClientCredentialsToken(settingsFor(ims, { tokenUrl: ims.tokenUrl }), { timeoutMs: 300 }));
    expect(Date.now() - started, 'gave up after the timeout, not the answer').toBeLessThan(1_500);
    expect(error).toBeInstanceOf(CredentialsError);
    expect(error.message).toBe(`the token endpoint ${ims.tokenUrl} could not be reached (no answer within 0.3 s): check IMS_TOKEN_URL.`);
    expectNoSecret(error.message);
  });

  const oddAnswers: [string, (ims: FakeAuthority) => void, RegExp][] = [
    [
      'discovery without a token_endpoint',
      ims => (ims.discovery = 'no token_endpoint'),
      /names no token_endpoint: check IMS_AUTHORITY, or set IMS_TOKEN_URL\.$/,
    ],
    [
      'discovery naming another issuer than the authority',
      ims => (ims.discovery = 'another issuer'),
      /gave an unusable answer \(.*issuer.*\): check IMS_AUTHORITY, or set IMS_TOKEN_URL\.$/,
    ],
    ['discovery that is not JSON', ims => (ims.discovery = 'html'), /not JSON \(text\/html\): check IMS_AUTHORITY/],
    [
      'discovery naming a plain-http token endpoint elsewhere',
      ims => (ims.discovery = 'plain http elsewhere'),
      /names a token_endpoint the secret must not be sent to \("http:\/\/ims\.example\.com\/connect\/token", not an https URL\): check IMS_AUTHORITY, or set IMS_TOKEN_URL\.$/,
    ],
    [
      'a token answer that is not JSON',
      ims => (ims.answer = 'html'),
      /answered 200 with something that is not JSON \(text\/html\): check IMS_AUTHORITY\.$/,
    ],
    [
      'a server error that echoes the credentials',
      ims => (ims.answer = '500 echoing the secret'),
      /answered 500 server_error, "bad header <redacted> for <redacted>": check IMS_AUTHORITY, or try again later\.$/,
    ],
    [
      'a token endpoint that redirects (the credentials are not resent)',
      ims => (ims.answer = 'redirect'),
      /redirected \(307\) instead of answering: set IMS_TOKEN_URL to the endpoint itself\.$/,
    ],
  ];
  for (const [name, arrange, message] of oddAnswers) {
    fakeTest(`${name} stops with a clear line`, async ({ ims }) => {
      arrange(ims);
      const error = await errorOf(fetchClientCredentialsToken(settingsFor(ims)));
      expect(error).toBeInstanceOf(CredentialsError);
      expect(error.message).toMatch(message);
      expectNoSecret(error.message);
    });
  }
});

fakeTest.describe('ClientCredentialsToken', () => {
  const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

  fakeTest('concurrent callers share one token request', async ({ ims }) => {
    ims.delayMs = 200;
    const token = new ClientCredentialsToken(settingsFor(ims));
    expect(await Promise.all(Array.from({ length: 5 }, () => token.get()))).toEqual(Array(5).fill(issued(1)));
    expect([ims.discoveryRequests, ims.tokenRequests]).toEqual([1, 1]);
    expect(await token.get(), 'answered from memory afterwards').toBe(issued(1));
    expect(ims.tokenRequests).toBe(1);
    expect(token.current?.accessToken).toBe(issued(1));
  });

  fakeTest('the token global setup handed over is used without any request while fresh', async ({ ims }) => {
    const fromSetup = { accessToken: 'token-0-from-global-setup', expiresAt: Date.now() + 3600_000 };
    const token = new ClientCredentialsToken(settingsFor(ims), fromSetup);
    expect(await Promise.all([token.get(), token.get(), token.get()])).toEqual(Array(3).fill(fromSetup.accessToken));
    expect([ims.discoveryRequests, ims.tokenRequests]).toEqual([0, 0]);
    expect(token.current).toEqual(fromSetup);
  });

  fakeTest('a handed-over token that has already expired is replaced at once', async ({ ims }) => {
    const token = new ClientCredentialsToken(settingsFor(ims), { accessToken: 'token-0-from-global-setup', expiresAt: Date.now() - 1_000 });
    expect(await token.get()).toBe(issued(1));
    expect(ims.tokenRequests).toBe(1);
  });

  fakeTest('a token that expires mid-run is refreshed exactly once for concurrent callers', async ({ ims }) => {
    ims.expiresIn = 6;
    ims.delayMs = 200;
    const token = new ClientCredentialsToken(settingsFor(ims, { tokenUrl: ims.tokenUrl }), undefined, { refreshMarginMs: 5_000 });
    expect(await token.get()).toBe(issued(1));
    expect(await Promise.all([token.get(), token.get()])).toEqual([issued(1), issued(1)]);
    expect(ims.tokenRequests).toBe(1);
    // Fresh for half its 6 s life (the 5 s margin is capped there): still fresh 2.2 s on, stale 3.7 s on.
    await sleep(2_000);
    expect(await token.get(), 'not refreshed a whole margin early').toBe(issued(1));
    expect(ims.tokenRequests).toBe(1);
    await sleep(1_500);
    expect(await Promise.all(Array.from({ length: 4 }, () => token.get()))).toEqual(Array(4).fill(issued(2)));
    expect(ims.tokenRequests).toBe(2);
    expect(await token.get(), 'the new token is fresh again').toBe(issued(2));
    expect(ims.tokenRequests).toBe(2);
  });

  fakeTest('a refused refresh is reported without the secret, and the next call tries again', async ({ ims }) => {
    const stale = { accessToken: 'token-0-from-global-setup', expiresAt: Date.now() - 1_000 };
    const token = new ClientCredentialsToken(settingsFor(ims, { tokenUrl: ims.tokenUrl }), stale);
    ims.answer = '500 echoing the secret';
    const errors = await Promise.all([errorOf(token.get()), errorOf(token.get())]);
    expect(ims.tokenRequests, 'concurrent callers share the failed request too').toBe(1);
    for (const error of errors) {
      expect(error).toBeInstanceOf(CredentialsError);
      expect(error.message).toBe(
        `the token endpoint ${ims.tokenUrl} answered 500 server_error, "bad header <redacted> for <redacted>": check IMS_TOKEN_URL, or try again later.`,
      );
      expectNoSecret(error.message);
    }
    ims.answer = 'ok';
    expect(await token.get()).toBe(issued(2));
    expect(ims.tokenRequests).toBe(2);
  });

  fakeTest('the timeout option is honoured', async ({ ims }) => {
    ims.delayMs = 2_000;
    const token = new ClientCredentialsToken(settingsFor(ims, { tokenUrl: ims.tokenUrl }), undefined, { timeoutMs: 300 });
    const started = Date.now();
    const error = await errorOf(token.get());
    expect(Date.now() - started, 'gave up after 0.3 s, not the 2 s answer').toBeLessThan(1_500);
    expect(error).toBeInstanceOf(CredentialsError);
    expect(error.message).toBe(`the token endpoint ${ims.tokenUrl} could not be reached (no answer within 0.3 s): check IMS_TOKEN_URL.`);
    expectNoSecret(error.message);
    ims.delayMs = 0;
    expect(await token.get(), 'the next call tries again').toBe(issued(2));
  });
});

fakeTest('no error message ever carries the client secret, its Basic form or an issued token', async ({ ims }) => {
  // A token is issued first, so there is one to leak; then every way of failing, including an
  // answer that echoes the credentials, the secret URL-encoded, the issued token and the request.
  const settings = settingsFor(ims, { tokenUrl: ims.tokenUrl });
  const token = new ClientCredentialsToken(settings, undefined, { timeoutMs: 300 });
  expect(await token.get()).toBe(issued(1));
  const closed = `http://127.0.0.1:${await closedPort()}`;
  const failures: [string, () => void, () => Promise<unknown>][] = [
    ['wrong secret', () => {}, () => fetchClientCredentialsToken({ ...settings, clientSecret: `${SECRET}-wrong` })],
    ['an answer echoing everything', () => (ims.answer = '400 echoing everything'), () => fetchClientCredentialsToken(settings)],
    [
      'a refresh answered by echoing everything',
      () => (ims.answer = '400 echoing everything'),
      () => new ClientCredentialsToken(settings, { accessToken: issued(1), expiresAt: 0 }).get(),
    ],
    ['a server error echoing the secret', () => (ims.answer = '500 echoing the secret'), () => fetchClientCredentialsToken(settings)],
    ['an answer that is not JSON', () => (ims.answer = 'html'), () => fetchClientCredentialsToken(settings)],
    ['a redirect', () => (ims.answer = 'redirect'), () => fetchClientCredentialsToken(settings)],
    ['discovery that is not JSON', () => (ims.discovery = 'html'), () => fetchClientCredentialsToken(settingsFor(ims))],
    ['an unreachable token endpoint', () => {}, () => fetchClientCredentialsToken({ ...settings, tokenUrl: `${closed}/connect/token` })],
    ['an unreachable authority', () => {}, () => fetchClientCredentialsToken(settingsFor(ims, { authority: closed }))],
    [
      'no answer in time',
      () => ((ims.answer = 'ok'), (ims.delayMs = 2_000)),
      () => fetchClientCredentialsToken(settings, { timeoutMs: 300 }),
    ],
  ];
  for (const [name, arrange, attempt] of failures) {
    await fakeTest.step(name, async () => {
      arrange();
      const error = await errorOf(attempt());
      expect(error).toBeInstanceOf(CredentialsError);
      expectNoSecret(error.message);
      const shown = inspect(error);
      for (const secret of [SECRET, BASIC, encodeURIComponent(SECRET), issued(1)])
        expect(shown, 'nothing in the error object either').not.toContain(secret);
    });
  }
});

async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise(resolve => server.close(resolve));
  return port;
}
