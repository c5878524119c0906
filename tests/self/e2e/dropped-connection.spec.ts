// A connection dropped mid-request: the check fails with a plain message, the token appears in no
// report (Playwright's own error text lists the request's headers), and the connection, whose state
// the dropped request may have changed, is restored.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { test, expect } from '../fixtures';
import { findSecret } from '../helpers/find-secret';

const TOKEN = `dropped-connection-token-${Date.now().toString(36)}`;

/** Forwards to the mock, but drops the connection of the `nth` PUT after the mock has applied it. */
async function droppingProxy(target: string, nth: number) {
  let puts = 0;
  const server = http.createServer((req, res) => {
    const forward = http.request(`${target}${req.url}`, { method: req.method, headers: req.headers }, answer => {
      if (req.method === 'PUT' && ++puts === nth) return void req.socket.destroy();
      res.writeHead(answer.statusCode!, answer.headers);
      answer.pipe(res);
    });
    req.pipe(forward);
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() };
}

test.use({ mockOptions: { token: TOKEN } });

test('a dropped connection fails its check without leaking the token, and the connection is restored', async ({ mock, conformanceRun }) => {
  const proxy = await droppingProxy(mock.url, 2);
  try {
    const original = mock.connection();
    const run = await conformanceRun({
      reporters: 'configured',
      args: ['--grep', 'a rename echoes'],
      env: { API_BASE_URL: proxy.url, API_ACCESS_TOKEN: TOKEN, STORAGE_CONNECTION_ID: mock.connectionId },
    });
    expect(run.exitCode).toBe(1);
    expect(run.output).toContain('transport error on PUT');
    expect(run.output).not.toContain(TOKEN);
    expect(findSecret(run.reportsDir, TOKEN).findings, 'places where the token appears').toEqual([]);
    expect(mock.connection(), 'restored after a request with an unknown outcome').toEqual(original);
  } finally {
    proxy.close();
  }
});
