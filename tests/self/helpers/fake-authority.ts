// A stand-in for the platform's sign-in service, as small as oauth4webapi accepts: OpenID discovery
// naming its token endpoint, and a client-credentials grant that answers with the given token. It
// answers for the host it was asked as (behind an https front, that front's name). Counts what it served.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export async function startFakeAuthority(token: string) {
  const served = { discovery: 0, grants: 0 };
  const server = http.createServer((req, res) => {
    const issuer = `https://${req.headers.host}`;
    const send = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (req.method === 'GET' && req.url === '/.well-known/openid-configuration') {
      served.discovery++;
      return send(200, { issuer, token_endpoint: `${issuer}/connect/token` });
    }
    if (req.method === 'POST' && req.url === '/connect/token') {
      served.grants++;
      return send(200, { access_token: token, token_type: 'Bearer', expires_in: 3600 });
    }
    send(404, { error: 'not_found' });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    served,
    stop: () => new Promise<void>(resolve => server.close(() => resolve())),
  };
}
