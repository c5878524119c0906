// Through a corporate network, with real parts: an https target whose name only the forward proxy
// resolves (conformance.internal), its certificate from a CA made for the test with openssl, fronting
// the embedded mock. Through the proxy and with the CA the run passes, and the proxy saw its requests;
// every way this can go wrong (the CA missing, a certificate expired or for another name, a proxy that
// refuses or is not there, NO_PROXY sending the host past the proxy, no proxy at all) stops the run at
// setup with exit 2 and one line naming the fix. The proxy's password appears in no report.
import fs from 'node:fs';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { test as base, expect, type ConformanceRun } from '../fixtures';
import { reportPaths } from '../../../support/report/paths';
import type { StorageConnectionMock } from '../../../mock/server';
import { startFakeAuthority } from '../helpers/fake-authority';
import { findSecret } from '../helpers/find-secret';
import { ForwardProxy } from '../helpers/forward-proxy';
import { makePrivateCa, PRIVATE_HOST, startTlsFront, type PrivateCa } from '../helpers/tls-front';

const USER = 'conformance';
const PASSWORD = `proxy-password-${Date.now().toString(36)}`;
const CLIENT_SECRET = `client-secret-${Date.now().toString(36)}`;

interface Network {
  mock: StorageConnectionMock;
  ca: PrivateCa;
  proxy: ForwardProxy;
  /** Starts an https front for `upstream` (default: the mock) with this certificate: its port. */
  front: (cert: keyof PrivateCa['certs'], upstream?: string) => Promise<number>;
  /** A live run against https://conformance.internal:port, stopped at setup or going through `grep`. */
  run: (
    port: number,
    env: Record<string, string>,
    options: { name: string; grep?: string; configured?: boolean },
  ) => Promise<ConformanceRun>;
}

/** The mock behind https fronts, and a proxy that resolves PRIVATE_HOST to them; with proxyCredentials the proxy asks for them. */
const test = base.extend<{ proxyCredentials: boolean; network: Network }>({
  proxyCredentials: [false, { option: true }],
  network: async ({ mock, conformanceRun, proxyCredentials }, use, testInfo) => {
    const ca = makePrivateCa(testInfo.outputPath('ca'));
    const proxy = await ForwardProxy.start({
      hosts: { [PRIVATE_HOST]: '127.0.0.1' },
      ...(proxyCredentials && { credentials: { user: USER, password: PASSWORD } }),
    });
    const fronts: Awaited<ReturnType<typeof startTlsFront>>[] = [];
    await use({
      mock,
      ca,
      proxy,
      front: async (cert, upstream = mock.url) => {
        const front = await startTlsFront(upstream, ca.keyFile, ca.certs[cert]);
        fronts.push(front);
        return front.port;
      },
      run: (port, env, options) =>
        conformanceRun({
          name: options.name,
          args: ['--grep', options.grep ?? 'an unknown id of the real ids'],
          ...(options.configured && { reporters: 'configured' as const }),
          env: {
            API_BASE_URL: `https://${PRIVATE_HOST}:${port}`,
            API_ACCESS_TOKEN: mock.token,
            STORAGE_CONNECTION_ID: mock.connectionId,
            NODE_EXTRA_CA_CERTS: '',
            ...env,
          },
        }),
    });
    await Promise.all([...fronts.map(front => front.stop()), proxy.stop()]);
  },
});

/** The run stopped at setup (exit 2) with this one line after the plan, and ran no check. */
function expectStoppedWith(run: ConformanceRun, line: RegExp): void {
  expect(run.exitCode, run.output).toBe(2);
  const lines = run.output.trim().split('\n');
  expect(lines[0], 'the plan, printed before the first request').toMatch(
    /^Live target https:\/\/conformance\.internal:\d+: the plan of this run$/,
  );
  // The plan's rows are indented; after them, the one line.
  expect(
    lines.slice(1).filter(text => !text.startsWith('  ')),
    run.output,
  ).toEqual([expect.stringMatching(line)]);
  expect(
    run.tests.filter(t => t.status !== 'skipped'),
    'no check ran',
  ).toEqual([]);
}

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>(resolve => server.close(() => resolve()));
  return port;
}

test.describe('a proxy that asks for credentials', () => {
  test.use({ proxyCredentials: true });

  test('through the proxy and with the private CA the run passes, the proxy sees every request, and its password is in no report', async ({
    network,
  }) => {
    const authority = await startFakeAuthority(network.mock.token);
    try {
      const port = await network.front('valid');
      const authorityPort = await network.front('valid', authority.url);
      const original = network.mock.connection();
      const reportsDir = test.info().outputPath('passing');
      const run = await network.run(
        port,
        {
          HTTPS_PROXY: network.proxy.urlWith(USER, PASSWORD),
          NODE_EXTRA_CA_CERTS: network.ca.caFile,
          // The token from client credentials: OpenID discovery and the grant go through the proxy too.
          API_ACCESS_TOKEN: '',
          IMS_CLIENT_ID: 'conformance-client',
          IMS_CLIENT_SECRET: CLIENT_SECRET,
          IMS_AUTHORITY: `https://${PRIVATE_HOST}:${authorityPort}`,
        },
        // A rename, an unknown id, and the two requests with two Authorization lines (undici's request, not
        // fetch): the one with the valid token second passes only if both lines reach the target.
        { name: 'passing', grep: 'both fields at once|an unknown id of the real ids|two Authorization headers', configured: true },
      );
      expect(run.exitCode, run.output).toBe(0);
      expect(run.output).toMatch(/\b4 passed\b/);
      const shown = `http://${USER}:***@127.0.0.1:${new URL(network.proxy.url).port}`;
      // The plan's network row.
      expect(run.output).toContain(
        `  network     requests to the target https://${PRIVATE_HOST}:${port} go through the proxy ${shown} (HTTPS_PROXY); ` +
          `to the token endpoint https://${PRIVATE_HOST}:${authorityPort} go through the proxy ${shown} (HTTPS_PROXY); ` +
          `CA certificates trusted: Node's own and those in ${network.ca.caFile} (NODE_EXTRA_CA_CERTS).`,
      );
      expect(authority.served, 'discovery and the grant reached the authority').toEqual({ discovery: 1, grants: 1 });
      expect(network.mock.requestCount.total, 'the requests reached the mock').toBeGreaterThan(5);
      expect(new Set(network.proxy.connects), 'every tunnel the proxy opened was to the private host').toEqual(
        new Set([`${PRIVATE_HOST}:${port}`, `${PRIVATE_HOST}:${authorityPort}`]),
      );
      expect(network.proxy.refusals).toBe(0);
      expect(network.mock.connection(), 'the connection is restored through the proxy too').toEqual(original);
      const environment = fs.readFileSync(`${reportPaths(reportsDir).allureResults}/environment.properties`, 'utf8');
      expect(environment, 'the environment block').toContain(`Network=through the proxy ${shown} (HTTPS_PROXY)`);
      for (const secret of [PASSWORD, CLIENT_SECRET]) {
        expect(run.output).not.toContain(secret);
        const { findings, filesSearched } = findSecret(reportsDir, secret);
        expect(filesSearched).toBeGreaterThan(10);
        expect(findings, 'places where a secret appears').toEqual([]);
      }
    } finally {
      await authority.stop();
    }
  });

  test('a proxy that refuses the credentials, or is not there, stops the run with a line naming HTTPS_PROXY', async ({ network }) => {
    const port = await network.front('valid');
    const wrong = `wrong-password-${Date.now().toString(36)}`;
    const closed = await closedPort();
    const [refused, absent] = await Promise.all([
      network.run(port, { HTTPS_PROXY: network.proxy.urlWith(USER, wrong), NODE_EXTRA_CA_CERTS: network.ca.caFile }, { name: 'refused' }),
      network.run(port, { https_proxy: `http://127.0.0.1:${closed}`, NODE_EXTRA_CA_CERTS: network.ca.caFile }, { name: 'absent' }),
    ]);
    const shown = `http://${USER}:\\*\\*\\*@127\\.0\\.0\\.1:${new URL(network.proxy.url).port}`;
    expectStoppedWith(
      refused,
      new RegExp(
        `: the proxy ${shown} asked for credentials \\(407 Proxy Authentication Required\\)\\): check the user and password in HTTPS_PROXY\\.$`,
      ),
    );
    expect(network.proxy.refusals).toBeGreaterThan(0);
    expect(refused.output).not.toContain(wrong);
    expectStoppedWith(
      absent,
      new RegExp(
        `: the proxy http://127\\.0\\.0\\.1:${closed} could not be reached \\(connection refused\\)\\): check https_proxy \\(its host and port\\), or unset it where there is a direct route out\\.$`,
      ),
    );
  });
});

test('without the CA the run stops at setup with one line naming NODE_EXTRA_CA_CERTS', async ({ network }) => {
  const run = await network.run(await network.front('valid'), { HTTPS_PROXY: network.proxy.url }, { name: 'no-ca' });
  expectStoppedWith(
    run,
    /^Setup error: the target could not be reached \(transport error on GET https:\/\/conformance\.internal:\d+\/\S+ after \d+ ms: the certificate of conformance\.internal is not trusted \(UNABLE_TO_VERIFY_LEAF_SIGNATURE\)\): set NODE_EXTRA_CA_CERTS \(or CONFORMANCE_CA_FILE\) to the PEM file of the CA certificate that signed it/,
  );
  expect(network.proxy.connects.length, 'it went through the proxy').toBeGreaterThan(0);
});

const certificateCases = [
  {
    cert: 'expired' as const,
    line: /the certificate of conformance\.internal has expired \(CERT_HAS_EXPIRED\)\): check that API_BASE_URL names the right host and this machine's clock is right; otherwise the server's certificate must be renewed by its owner\.$/,
  },
  {
    cert: 'otherName' as const,
    line: /the certificate of conformance\.internal is for another name \(ERR_TLS_CERT_ALTNAME_INVALID: it names DNS:other\.conformance\.internal\)\): set API_BASE_URL to a host name its certificate names\.$/,
  },
];
for (const { cert, line } of certificateCases) {
  test(`a certificate ${cert === 'expired' ? 'that has expired' : 'for another name'} stops the run at setup with its own line`, async ({
    network,
  }) => {
    const port = await network.front(cert);
    // CONFORMANCE_CA_FILE, the suite's own variable, this time: the CA is trusted, the certificate is still wrong.
    const run = await network.run(port, { HTTPS_PROXY: network.proxy.url, CONFORMANCE_CA_FILE: network.ca.caFile }, { name: cert });
    expectStoppedWith(run, line);
  });
}

test('NO_PROXY sends the host past the proxy, and a name only the proxy resolves says so; without a proxy the line names HTTPS_PROXY', async ({
  network,
}) => {
  const port = await network.front('valid');
  const ca = { NODE_EXTRA_CA_CERTS: network.ca.caFile };
  const [bypassed, direct] = await Promise.all([
    network.run(port, { HTTPS_PROXY: network.proxy.url, NO_PROXY: 'example.com,.internal', ...ca }, { name: 'no-proxy' }),
    network.run(port, ca, { name: 'direct' }),
  ]);
  expectStoppedWith(
    bypassed,
    /: conformance\.internal could not be resolved \((ENOTFOUND|EAI_AGAIN)\); NO_PROXY sends it past the proxy\): check API_BASE_URL, or take conformance\.internal out of NO_PROXY so that it goes through the proxy\.$/,
  );
  expect(bypassed.output).toContain(`go directly (NO_PROXY covers ${PRIVATE_HOST})`);
  expect(network.proxy.connects, 'the proxy saw nothing').toEqual([]);
  expectStoppedWith(
    direct,
    /: conformance\.internal could not be resolved \((ENOTFOUND|EAI_AGAIN)\), and no proxy is set\): check API_BASE_URL; on a network without a direct route out, set HTTPS_PROXY to the proxy/,
  );
});
