// Tokens for unattended runs (OAuth2 client credentials), against a fake token endpoint on this
// machine that also serves OpenID discovery: good and bad credentials, an unreachable authority, odd
// answers, and a token that expires mid-run, refreshed exactly once however many callers (and
// processes) ask at the same time. No error message may ever carry the secret or the token.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { test, expect } from '../../support/fixtures';
import { ConfigError } from '../../support/config';
import {
  createTokenFile, CredentialsError, fetchClientCredentialsToken, readCredentialSettings, SharedToken,
  sharedTokenFromEnvironment, TOKEN_FILE_VARIABLE, type CredentialSettings,
} from '../../support/credentials';
import { PROJECT_ROOT } from '../../support/paths';

const CLIENT_ID = 'service-conformance-1';
const SECRET = 'S3cr3t-never-shown-4f2a9c';
const BASIC = Buffer.from(`${CLIENT_ID}:${SECRET}`).toString('base64');

/** The fake authority: discovery, and a token endpoint that checks the client credentials. */
class FakeAuthority {
  tokenRequests = 0;
  discoveryRequests = 0;
  lastForm?: URLSearchParams;
  expiresIn = 3600;
  delayMs = 0;
  discovery: 'ok' | 'no token_endpoint' | 'html' | 'plain http elsewhere' = 'ok';
  answer: 'ok' | 'html' | '500 echoing the secret' | 'redirect' = 'ok';

  private constructor(private readonly server: http.Server, readonly url: string) {}

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
      if (this.discovery === 'plain http elsewhere') return send(200, { issuer: this.url, token_endpoint: 'http://ims.example.com/connect/token' });
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
    if (this.answer === '500 echoing the secret') return send(500, { error: 'server_error', error_description: `bad header Basic ${BASIC} for ${SECRET}` });
    return send(200, { access_token: `token-${this.tokenRequests}`, token_type: 'Bearer', expires_in: this.expiresIn });
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

const settingsFor = (ims: FakeAuthority, extra: Partial<CredentialSettings> = {}): CredentialSettings =>
  ({ clientId: CLIENT_ID, clientSecret: SECRET, authority: ims.url, scope: 'itwin-platform', ...extra });

async function errorOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

function expectNoSecret(message: string) {
  for (const secret of [SECRET, BASIC]) expect(message, 'no secret in the message').not.toContain(secret);
  expect(message).not.toMatch(/token-\d/);
  expect(message).not.toContain('\n');
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
      const error = (() => { try { readCredentialSettings(env); } catch (e) { return e as Error; } })();
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
    expect(readCredentialSettings(ID_AND_SECRET)).toEqual({ clientId: CLIENT_ID, clientSecret: SECRET, authority: 'https://ims.bentley.com', tokenUrl: undefined, scope: 'itwin-platform' });
  });

  test('a local http authority, a token URL and several scopes are accepted', () => {
    const env = { ...ID_AND_SECRET, IMS_AUTHORITY: 'http://127.0.0.1:8080/', IMS_TOKEN_URL: 'http://localhost:8080/connect/token', IMS_SCOPE: ' itwin-platform  sync:modify ' };
    expect(readCredentialSettings(env)).toMatchObject({ authority: 'http://127.0.0.1:8080', tokenUrl: 'http://localhost:8080/connect/token', scope: 'itwin-platform sync:modify' });
  });
});

fakeTest.describe('fetchClientCredentialsToken', () => {
  fakeTest('good credentials get a token from the endpoint found by discovery', async ({ ims }) => {
    const before = Date.now();
    const token = await fetchClientCredentialsToken(settingsFor(ims));
    expect(token.accessToken).toBe('token-1');
    expect(token.expiresAt).toBeGreaterThanOrEqual(before + 3600_000);
    expect([ims.discoveryRequests, ims.tokenRequests]).toEqual([1, 1]);
    expect(Object.fromEntries(ims.lastForm!)).toEqual({ grant_type: 'client_credentials', scope: 'itwin-platform' });
  });

  fakeTest('IMS_TOKEN_URL skips discovery', async ({ ims }) => {
    const token = await fetchClientCredentialsToken(settingsFor(ims, { authority: 'http://127.0.0.1:9', tokenUrl: ims.tokenUrl }));
    expect(token.accessToken).toBe('token-1');
    expect(ims.discoveryRequests).toBe(0);
  });

  fakeTest('bad credentials stop with a clear line and no secret', async ({ ims }) => {
    const error = await errorOf(fetchClientCredentialsToken(settingsFor(ims, { clientSecret: `${SECRET}-wrong` })));
    expect(error).toBeInstanceOf(CredentialsError);
    expect(error.message).toBe(`the token endpoint ${ims.tokenUrl} refused the client credentials (401 invalid_client): check IMS_CLIENT_ID and IMS_CLIENT_SECRET.`);
    expectNoSecret(error.message);
  });

  fakeTest('an unreachable authority stops with a clear line', async ({ ims }) => {
    const closed = await closedPort();
    const discovery = await errorOf(fetchClientCredentialsToken(settingsFor(ims, { authority: `http://127.0.0.1:${closed}` })));
    expect(discovery.message).toBe(`the authority http://127.0.0.1:${closed} could not be reached for OpenID discovery (connection refused): check IMS_AUTHORITY, or set IMS_TOKEN_URL.`);
    const direct = await errorOf(fetchClientCredentialsToken(settingsFor(ims, { tokenUrl: `http://127.0.0.1:${closed}/connect/token` })));
    expect(direct.message).toMatch(/could not be reached \(connection refused\): check IMS_TOKEN_URL\.$/);
    for (const error of [discovery, direct]) expectNoSecret(error.message);
  });

  fakeTest('an authority that does not answer in time stops with a clear line', async ({ ims }) => {
    ims.delayMs = 2_000;
    const error = await errorOf(fetchClientCredentialsToken(settingsFor(ims, { tokenUrl: ims.tokenUrl }), { timeoutMs: 300 }));
    expect(error.message).toMatch(/could not be reached \(no answer within 0.3 s\)/);
  });

  const oddAnswers: [string, (ims: FakeAuthority) => void, RegExp][] = [
    ['discovery without a token_endpoint', ims => (ims.discovery = 'no token_endpoint'), /names no token_endpoint: check IMS_AUTHORITY, or set IMS_TOKEN_URL\.$/],
    ['discovery that is not JSON', ims => (ims.discovery = 'html'), /not JSON \(text\/html\): check IMS_AUTHORITY/],
    ['discovery naming a plain-http token endpoint elsewhere', ims => (ims.discovery = 'plain http elsewhere'), /names a token_endpoint the secret must not be sent to \("http:\/\/ims\.example\.com\/connect\/token", not an https URL\): check IMS_AUTHORITY, or set IMS_TOKEN_URL\.$/],
    ['a token answer that is not JSON', ims => (ims.answer = 'html'), /answered 200 with something that is not JSON \(text\/html\): check IMS_AUTHORITY\.$/],
    ['a server error that echoes the credentials', ims => (ims.answer = '500 echoing the secret'), /answered 500 server_error, "bad header <redacted> for <redacted>": check IMS_AUTHORITY, or try again later\.$/],
    ['a token endpoint that redirects (the credentials are not resent)', ims => (ims.answer = 'redirect'), /redirected \(307\) instead of answering: set IMS_TOKEN_URL to the endpoint itself\.$/],
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

fakeTest.describe('SharedToken', () => {
  const sharedFor = (ims: FakeAuthority, file: string, refreshMarginMs = 60_000) =>
    new SharedToken({ file, refreshMarginMs, fetchToken: () => fetchClientCredentialsToken(settingsFor(ims, { tokenUrl: ims.tokenUrl })) });

  fakeTest('one token serves every caller, kept in a file only this user can read', async ({ ims }) => {
    const { file, remove } = createTokenFile();
    const tokens = await Promise.all(Array.from({ length: 5 }, () => sharedFor(ims, file).get()));
    expect(tokens).toEqual(Array(5).fill('token-1'));
    expect(ims.tokenRequests).toBe(1);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    remove();
    expect(fs.existsSync(path.dirname(file))).toBe(false);
  });

  fakeTest('a token that expires mid-run is refreshed exactly once for concurrent callers', async ({ ims }) => {
    const { file, remove } = createTokenFile();
    ims.expiresIn = 6;
    ims.delayMs = 200;
    const shared = sharedFor(ims, file, 5_000);
    expect(await shared.get()).toBe('token-1');
    expect(await Promise.all([shared.get(), sharedFor(ims, file, 5_000).get()])).toEqual(['token-1', 'token-1']);
    // Fresh for half its 6 s life (the margin is capped there), so stale 3.5 s on.
    await new Promise(resolve => setTimeout(resolve, 3_500));
    const others = [shared, shared, sharedFor(ims, file, 5_000), sharedFor(ims, file, 5_000)];
    expect(await Promise.all(others.map(s => s.get()))).toEqual(Array(4).fill('token-2'));
    expect(ims.tokenRequests).toBe(2);
    remove();
  });

  fakeTest('two worker processes asking at once fetch one token between them', async ({ ims }) => {
    const { file, remove } = createTokenFile();
    ims.delayMs = 500;
    const startAt = Date.now() + 2_500;
    const env = { IMS_CLIENT_ID: CLIENT_ID, IMS_CLIENT_SECRET: SECRET, IMS_AUTHORITY: ims.url, [TOKEN_FILE_VARIABLE]: file };
    const outputs = await Promise.all([runWorker(env, startAt), runWorker(env, startAt), runWorker(env, startAt)]);
    expect(outputs).toEqual(Array(3).fill('token-1'));
    expect(ims.tokenRequests).toBe(1);
    remove();
  });

  fakeTest('a lock left by a crashed process does not block the refresh', async ({ ims }) => {
    const { file, remove } = createTokenFile();
    fs.writeFileSync(`${file}.lock`, `${await deadPid()} ${os.hostname()} crashed`);
    expect(await sharedFor(ims, file).get()).toBe('token-1');
    const old = `${file}.lock`;
    fs.rmSync(file);
    fs.writeFileSync(old, `${process.pid} another-host held-too-long`);
    fs.utimesSync(old, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
    const stale = new SharedToken({ file, lockStaleMs: 5_000, fetchToken: () => fetchClientCredentialsToken(settingsFor(ims, { tokenUrl: ims.tokenUrl })) });
    expect(await stale.get()).toBe('token-2');
    expect(fs.existsSync(old), 'the lock is released').toBe(false);
    remove();
  });

  fakeTest('a refused refresh is reported and the next call tries again', async ({ ims }) => {
    const { file, remove } = createTokenFile();
    ims.answer = '500 echoing the secret';
    const shared = sharedFor(ims, file);
    const error = await errorOf(shared.get());
    expect(error).toBeInstanceOf(CredentialsError);
    expectNoSecret(error.message);
    ims.answer = 'ok';
    expect(await shared.get()).toBe('token-2');
    remove();
  });

  fakeTest('workers find no shared token when global setup made none', () => {
    expect(sharedTokenFromEnvironment({ IMS_CLIENT_ID: CLIENT_ID, IMS_CLIENT_SECRET: SECRET })).toBeUndefined();
    expect(sharedTokenFromEnvironment({ [TOKEN_FILE_VARIABLE]: '/tmp/x/token.json' })).toBeUndefined();
  });
});

async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise(resolve => server.close(resolve));
  return port;
}

async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise(resolve => child.on('exit', resolve));
  return child.pid!;
}

/** A separate Node process standing for a worker: waits until startAt, asks for the token, prints it. */
async function runWorker(env: NodeJS.ProcessEnv, startAt: number): Promise<string> {
  const script = test.info().outputPath('worker.ts');
  fs.mkdirSync(path.dirname(script), { recursive: true });
  fs.writeFileSync(script, [
    `import { sharedTokenFromEnvironment } from ${JSON.stringify(path.join(PROJECT_ROOT, 'support/credentials'))};`,
    `setTimeout(async () => process.stdout.write(await sharedTokenFromEnvironment()!.get()), ${startAt} - Date.now());`,
  ].join('\n'));
  const child = spawn(path.join(PROJECT_ROOT, 'node_modules/.bin/tsx'), [script], { env: { PATH: process.env.PATH, ...env }, cwd: PROJECT_ROOT });
  let output = '';
  child.stdout.on('data', chunk => (output += chunk));
  child.stderr.on('data', chunk => (output += chunk));
  const code = await new Promise(resolve => child.on('exit', resolve));
  expect(code, output).toBe(0);
  return output;
}
