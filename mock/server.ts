// The embedded mock server: an HTTP front for mock/operation.ts on a free loopback port, with its own
// token and a seeded connection. create() / stop() / reset(), and setBehaviour() to change how it
// answers (the faults and variants of mock/behaviours.ts use it).
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleOperation, PATH_PREFIX, type MockRequest, type MockResponse, type OperationContext } from './operation';
import { RateLimiter, type RateLimitOptions } from './rate-limit';
import { ConnectionStore, seedConnection, type StoredConnection } from './store';

/** Wraps the documented behaviour: call `next` for what a conformant server would answer. */
export type Behaviour = (
  request: MockRequest,
  next: (request?: MockRequest) => MockResponse,
  context: OperationContext,
) => MockResponse | Promise<MockResponse>;

export interface MockOptions {
  port?: number;
  host?: string;
  token?: string;
  /** Default: 60 requests per second and client, so a probe is throttled in well under a second. */
  rateLimit?: RateLimitOptions;
  seed?: StoredConnection[];
  behaviour?: Behaviour;
}

const DEFAULT_RATE_LIMIT: RateLimitOptions = { limit: 60, windowSeconds: 1 };

export class StorageConnectionMock {
  readonly url: string;
  readonly token: string;
  readonly connectionId: string;
  /** Requests received since start or the last reset. */
  readonly requestCount = { total: 0 };
  private behaviour?: Behaviour;

  private constructor(
    private readonly server: http.Server,
    private readonly context: OperationContext,
    seed: StoredConnection[],
    behaviour?: Behaviour,
  ) {
    const { address, port } = server.address() as AddressInfo;
    this.url = `http://${address.includes(':') ? `[${address}]` : address}:${port}`;
    this.context.linkBase = this.url;
    this.token = context.token;
    this.connectionId = seed[0]!.id;
    this.behaviour = behaviour;
  }

  static async create(options: MockOptions = {}): Promise<StorageConnectionMock> {
    const seed = options.seed ?? [seedConnection()];
    const context: OperationContext = {
      store: new ConnectionStore(seed),
      limiter: new RateLimiter(options.rateLimit ?? DEFAULT_RATE_LIMIT),
      token: options.token ?? crypto.randomBytes(24).toString('base64url'),
      linkBase: '',
    };
    const server = http.createServer();
    server.keepAliveTimeout = 5_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve);
    });
    const mock = new StorageConnectionMock(server, context, seed, options.behaviour);
    // A failure serve() did not answer itself (say, headers a behaviour made up that Node refuses)
    // gets a 500 while nothing is sent yet, else the exchange is dropped: never an unhandled
    // rejection in the process hosting the mock (the Playwright runner).
    server.on('request', (req, res) => {
      mock.serve(req, res).catch((error: unknown) => failQuietly(res, error));
    });
    return mock;
  }

  /** The stored state of a connection, for tests of the mock itself. */
  connection(id = this.connectionId): StoredConnection | undefined {
    return this.context.store.get(id);
  }

  get connectionCount(): number {
    return this.context.store.size;
  }

  setBehaviour(behaviour: Behaviour | undefined): void {
    this.behaviour = behaviour;
  }

  reset(): void {
    this.context.store.reset();
    this.context.limiter.reset();
    this.requestCount.total = 0;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>(resolve => this.server.close(() => resolve()));
  }

  private async serve(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    let received: string;
    try {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      received = Buffer.concat(chunks).toString('utf8');
    } catch {
      // The client went away mid-body (reset, aborted): there is nobody to answer.
      res.destroy();
      return;
    }
    this.requestCount.total += 1;
    const request = toMockRequest(req, received);
    const next = (r: MockRequest = request) => handleOperation(r, this.context);
    let response: MockResponse;
    let body: string;
    try {
      response = this.behaviour ? await this.behaviour(request, next, this.context) : next();
      body = response.body === undefined ? '' : typeof response.body === 'string' ? response.body : JSON.stringify(response.body);
    } catch (error) {
      response = { status: 500, headers: { 'content-type': 'text/plain' }, body: `mock failure: ${String(error)}` };
      body = response.body as string;
    }
    if (res.destroyed) return;
    res.writeHead(response.status, response.headers);
    res.end(body);
  }
}

function failQuietly(res: http.ServerResponse, error: unknown): void {
  try {
    if (!res.headersSent && !res.destroyed) {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(`mock failure: ${String(error)}`);
      return;
    }
  } catch {
    // fall through: drop the exchange
  }
  res.destroy();
}

function toMockRequest(req: http.IncomingMessage, body: string): MockRequest {
  const pathname = new URL(req.url ?? '/', 'http://mock').pathname;
  let connectionId: string | undefined;
  if (pathname.toLowerCase().startsWith(PATH_PREFIX) && pathname.length > PATH_PREFIX.length) {
    const segment = pathname.slice(PATH_PREFIX.length);
    if (!segment.includes('/')) {
      try {
        connectionId = decodeURIComponent(segment);
      } catch {
        connectionId = segment;
      }
    }
  }
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(req.headers)) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  return { method: req.method ?? 'GET', connectionId, headers, body };
}
