// The network variables, read like the rest of the configuration: which requests go through the proxy
// (NO_PROXY matched as curl does, this machine always directly), the proxy's URL shown with its password
// as ***, and a wrong value stopped with one line naming the variable, never echoing it (it may hold a
// password). The runs through a real proxy are in corporate-network.spec.ts.
import fs from 'node:fs';
import { test, expect } from '../fixtures';
import { createDispatcher } from '../../../support/client/network';
import { networkFailureOf } from '../../../support/client/network-failure';
import { redactText } from '../../../support/report/redact';
import { ConfigError, readConfig } from '../../../support/run/config';
import { readNetworkSettings, redactProxyUrl, routeOf } from '../../../support/client/network-settings';

const PROXY = 'http://proxy.example.com:3128';

test('NO_PROXY covers a host and its sub-domains, on any port or the one given; this machine is always reached directly', () => {
  const settings = readNetworkSettings({
    HTTPS_PROXY: PROXY,
    NO_PROXY: 'example.com, .corp.internal,*.lab.test  other.test:8443',
  });
  const cases: [url: string, direct: string | undefined][] = [
    ['https://example.com/', 'NO_PROXY'],
    ['https://api.example.com/', 'NO_PROXY'],
    ['https://notexample.com/', undefined],
    ['https://corp.internal/', 'NO_PROXY'],
    ['https://a.b.corp.internal/', 'NO_PROXY'],
    ['https://x.lab.test/', 'NO_PROXY'],
    ['https://other.test:8443/', 'NO_PROXY'],
    ['https://other.test/', undefined],
    ['https://dev-api.bentley.com/', undefined],
    ['http://127.0.0.1:4010/', 'no proxy'],
    ['https://127.0.0.1:4010/', 'loopback'],
    ['https://localhost/', 'loopback'],
    ['https://[::1]:8080/', 'loopback'],
  ];
  for (const [url, direct] of cases)
    expect(routeOf(settings, url), url).toEqual(direct ? { direct } : { proxy: { url: PROXY, variable: 'HTTPS_PROXY' } });
  expect(routeOf(readNetworkSettings({ HTTPS_PROXY: PROXY, no_proxy: '*' }), 'https://dev-api.bentley.com')).toEqual({
    direct: 'NO_PROXY',
  });
});

test('the lower-case variable wins, an empty one counts as unset, and https falls back to HTTP_PROXY', () => {
  const route = (env: NodeJS.ProcessEnv) => routeOf(readNetworkSettings(env), 'https://dev-api.bentley.com');
  expect(route({ https_proxy: 'http://lower:1', HTTPS_PROXY: 'http://upper:2' })).toEqual({
    proxy: { url: 'http://lower:1', variable: 'https_proxy' },
  });
  expect(route({ https_proxy: '', HTTPS_PROXY: 'http://upper:2' })).toEqual({ proxy: { url: 'http://upper:2', variable: 'HTTPS_PROXY' } });
  expect(route({ HTTP_PROXY: 'proxy.corp:8080' })).toEqual({ proxy: { url: 'http://proxy.corp:8080', variable: 'HTTP_PROXY' } });
  expect(route({})).toEqual({ direct: 'no proxy' });
});

test("the proxy's password is shown as *** and registered as a secret", () => {
  expect(redactProxyUrl('http://user:pass@proxy:3128')).toBe('http://user:***@proxy:3128');
  expect(redactProxyUrl('http://proxy:3128')).toBe('http://proxy:3128');
  const password = `p@ss:w/rd-${Date.now().toString(36)}`;
  const url = `http://someone:${encodeURIComponent(password)}@proxy.example.com:3128`;
  const config = readConfig({ HTTPS_PROXY: url });
  expect(redactProxyUrl(config.network!.httpsProxy!.url)).toBe('http://someone:***@proxy.example.com:3128');
  const text = `as given ${password}, encoded ${encodeURIComponent(password)}, Basic ${Buffer.from(`someone:${password}`).toString('base64')}`;
  expect(redactText(text), 'before the dispatcher is built').toContain(password);
  void createDispatcher(config.network!).close();
  expect(redactText(text)).toBe('as given <redacted>, encoded <redacted>, Basic <redacted>');
});

test('a wrong proxy or CA file stops the run with one line naming the variable, never its value', () => {
  const caFile = test.info().outputPath('not-a-certificate.pem');
  fs.mkdirSync(test.info().outputPath(), { recursive: true });
  fs.writeFileSync(caFile, 'hello\n');
  const cases: [env: NodeJS.ProcessEnv, variable: string, message: RegExp][] = [
    [{ HTTPS_PROXY: 'socks5://user:secret-one@proxy:1080' }, 'HTTPS_PROXY', /uses socks5, but only http and https proxies are supported/],
    [{ http_proxy: 'http://user:secret-two@proxy:3128/some/path' }, 'http_proxy', /has a path, query or fragment/],
    [{ HTTPS_PROXY: 'http://user:secret-three@[bad' }, 'HTTPS_PROXY', /is not a proxy URL/],
    [{ CONFORMANCE_CA_FILE: '/no/such/ca.pem' }, 'CONFORMANCE_CA_FILE', /"\/no\/such\/ca\.pem" does not exist: set it to/],
    [{ CONFORMANCE_CA_FILE: caFile }, 'CONFORMANCE_CA_FILE', /is not a PEM certificate file/],
    [{ NODE_EXTRA_CA_CERTS: '/no/such/extra.pem' }, 'NODE_EXTRA_CA_CERTS', /does not exist/],
  ];
  for (const [env, variable, message] of cases) {
    let error: unknown;
    try {
      readConfig(env);
    } catch (e) {
      error = e;
    }
    expect(error, variable).toBeInstanceOf(ConfigError);
    const text = (error as Error).message;
    expect(text).toMatch(new RegExp(`^${variable} `));
    expect(text).toMatch(message);
    expect(text).not.toContain('\n');
    expect(text).not.toMatch(/secret-/);
  }
});

test("a proxy's 407 without credentials in the URL asks for them; a failure elsewhere keeps the caller's words", () => {
  const settings = readNetworkSettings({ HTTPS_PROXY: PROXY });
  const refused = new TypeError('fetch failed', {
    cause: Object.assign(new Error('Proxy response (407) !== 200 when HTTP Tunneling'), { code: 'UND_ERR_ABORTED' }),
  });
  expect(networkFailureOf(refused, 'https://dev-api.bentley.com', 'API_BASE_URL', settings)).toEqual({
    reason: `the proxy ${PROXY} asked for credentials (407 Proxy Authentication Required)`,
    fix: "put the proxy's user and password in HTTPS_PROXY (http://user:password@host:port)",
  });
  const tunnel = new Error('Proxy response (403) !== 200 when HTTP Tunneling');
  expect(networkFailureOf(tunnel, 'https://dev-api.bentley.com', 'API_BASE_URL', settings)?.reason).toBe(
    `the proxy ${PROXY} would not open a tunnel to dev-api.bentley.com (it answered 403)`,
  );
  const reset = new TypeError('fetch failed', { cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }) });
  expect(networkFailureOf(reset, 'https://dev-api.bentley.com', 'API_BASE_URL', settings)).toBeUndefined();
  const refusedDirect = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED', port: 9 });
  expect(networkFailureOf(refusedDirect, 'http://127.0.0.1:9', 'API_BASE_URL', settings)).toBeUndefined();
});
