// A small forward proxy, as a corporate network has one: it opens CONNECT tunnels and records each
// target it was asked for. It can ask for credentials (407 without the right Proxy-Authorization), and
// it resolves names of its own that this machine's DNS does not know (as the proxy of a network whose
// hosts only it can see). A name it does not know is resolved as usual; a target it cannot reach gets 502.
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';

export interface ForwardProxyOptions {
  /** Names only this proxy resolves: name → address. */
  hosts?: Record<string, string>;
  /** Ask for these credentials (Basic); anything else gets 407. */
  credentials?: { user: string; password: string };
}

export class ForwardProxy {
  /** The `host:port` of every CONNECT the proxy received, refused ones included. */
  readonly connects: string[] = [];
  /** How many CONNECTs it refused for want of credentials. */
  refusals = 0;
  private readonly sockets = new Set<net.Socket>();

  private constructor(
    private readonly server: http.Server,
    readonly url: string,
  ) {}

  static async start(options: ForwardProxyOptions = {}): Promise<ForwardProxy> {
    const server = http.createServer((_req, res) => res.writeHead(405, { 'content-type': 'text/plain' }).end('CONNECT only\n'));
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    const proxy = new ForwardProxy(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    server.on('connection', socket => proxy.track(socket));
    server.on('connect', (req, client: net.Socket, head: Buffer) => proxy.tunnel(req, client, head, options));
    return proxy;
  }

  /** The proxy's URL with credentials in it, as a user writes HTTPS_PROXY. */
  urlWith(user: string, password: string): string {
    const url = new URL(this.url);
    url.username = encodeURIComponent(user);
    url.password = encodeURIComponent(password);
    return url.href.replace(/\/$/, '');
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>(resolve => this.server.close(() => resolve()));
  }

  private track(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
  }

  private tunnel(req: http.IncomingMessage, client: net.Socket, head: Buffer, options: ForwardProxyOptions): void {
    const target = req.url ?? '';
    this.connects.push(target);
    client.on('error', () => client.destroy());
    const { user, password } = options.credentials ?? {};
    const expected = options.credentials && `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
    if (expected && req.headers['proxy-authorization'] !== expected) {
      this.refusals++;
      client.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="proxy"\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const match = /^(.+):(\d+)$/.exec(target);
    if (!match) return void client.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n');
    const [, host, port] = match;
    const upstream = net.connect(Number(port), options.hosts?.[host!] ?? host!);
    this.track(upstream);
    let open = false;
    upstream.on('connect', () => {
      open = true;
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client).pipe(upstream);
    });
    upstream.on('error', () => {
      if (open) client.destroy();
      else client.end('HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n');
    });
  }
}
