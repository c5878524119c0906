// The embedded mock server: an HTTP front for mock/operation.ts on a free loopback port, with a
// seeded connection and an authority of its own (mock/tokens.ts): it issues signed JWTs, publishes its
// key through OpenID discovery, and validates the token of every request. create() / stop() / reset(),
// and setBehaviour() to change how it answers (the faults and variants of mock/behaviours.ts use it).
// latencyMs delays each answer of the operation, as a network would: a timer per request, so requests
// in flight at once overlap (MOCK_LATENCY_MS; the benchmark's figure of a run on a slow network).
// Besides the operation it serves, outside any behaviour and outside the request count:
//   GET  /.well-known/openid-configuration       discovery (issuer, jwks_uri)
//   GET  /.well-known/openid-configuration/jwks  the public key
//   POST /_mock/tokens                           a token with the given scope, issuer or life (mock/tokens.ts
//                                                TokenRequest), for the checks of the 401's causes
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  errorResponse,
  handleOperation,
  JSON_TYPE,
  PATH_PREFIX,
  type MockRequest,
  type MockResponse,
  type OperationContext,
  type Behaviour,
} from './operation';
import { releaseHanging, sendMisbehaving } from './transport';
import { MOCK_RATE_LIMIT, RateLimiter, type RateLimitOptions } from './rate-limit';
import { ConnectionStore, seedConnection, type StoredConnection } from './store';
import {
  DISCOVERY_PATH,
  JWKS_PATH,
  MOCK_TOKEN_LIFETIME_SECONDS,
  MOCK_TOKENS_PATH,
  parseTokenRequest,
  TokenAuthority,
  type IssuedToken,
  type TokenRequest,
} from './tokens';

export type { Behaviour } from './operation';

export interface MockOptions {
  port?: number;
  host?: string;
  /**
   * A fixed token accepted as it is, besides the JWTs the mock issues, and then mock.token: for clients
   * that need a known value. Default: a JWT the mock issues, valid for a day.
   */
  token?: string;
  /** Default: MOCK_RATE_LIMIT (mock/rate-limit.ts), a limit per client tier that the 429 probe reaches on any machine. */
  rateLimit?: RateLimitOptions;
  seed?: StoredConnection[];
  behaviour?: Behaviour;
  /**
   * Milliseconds each answer of the operation waits before it is written (default 0): every request
   * outside discovery, the key and /_mock/tokens. One timer per request, never a queue.
   */
  latencyMs?: number;
}

const DEFAULT_RATE_LIMIT: RateLimitOptions = MOCK_RATE_LIMIT;

export class StorageConnectionMock {
  readonly url: string;
  /** A valid token of the run (see MockOptions.token). */
  readonly token: string;
  readonly connectionId: string;
  /** Requests of the operation (not discovery or /_mock) received since start or the last reset. */
  readonly requestCount = { total: 0 };
  private behaviour?: Behaviour;

  private constructor(
    private readonly server: http.Server,
    private readonly context: OperationContext,
    seed: StoredConnection[],
    behaviour?: Behaviour,
    private readonly latencyMs = 0,
  ) {
    this.url = context.linkBase;
    this.token = context.token;
    this.connectionId = seed[0]!.id;
    this.behaviour = behaviour;
  }

  static async create(options: MockOptions = {}): Promise<StorageConnectionMock> {
    const latencyMs = options.latencyMs ?? 0;
    if (!Number.isFinite(latencyMs) || latencyMs < 0)
      throw new Error(`latencyMs ${latencyMs} is not a delay: give 0 or more milliseconds.`);
    const seed = options.seed ?? options.behaviour?.seed?.() ?? [seedConnection()];
    const server = http.createServer();
    server.keepAliveTimeout = 5_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve);
    });
    const { address, port } = server.address() as AddressInfo;
    // The mock is its own authority: its URL is the tokens' issuer, as https://ims.bentley.com is the platform's.
    const url = `http://${address.includes(':') ? `[${address}]` : address}:${port}`;
    const tokens = await TokenAuthority.create(url, options.token);
    const context: OperationContext = {
      store: new ConnectionStore(seed),
      limiter: new RateLimiter(options.rateLimit ?? DEFAULT_RATE_LIMIT),
      token: options.token ?? (await tokens.issue({ lifetimeSeconds: MOCK_TOKEN_LIFETIME_SECONDS })).access_token,
      tokens,
      linkBase: url,
    };
    const mock = new StorageConnectionMock(server, context, seed, options.behaviour, latencyMs);
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

  /** A token signed by the mock (for tests in this process, and a fake token endpoint standing in for the platform's). */
  issueToken(request: TokenRequest = {}): Promise<IssuedToken> {
    return this.context.tokens.issue(request);
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
    releaseHanging();
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
    const own = await this.serveOwn(req, received);
    if (own) return send(res, own);
    this.requestCount.total += 1;
    const request = toMockRequest(req, received);
    // The signature of the request's token is verified here, the rest of its validation in the operation.
    await this.context.tokens.prepare(request.headers['authorization']);
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
    // The network's share: the answer is ready, and reaches the client latencyMs later.
    if (this.latencyMs > 0) await delay(this.latencyMs);
    if (res.destroyed) return;
    if (response.transport) return sendMisbehaving(res, response.status, response.headers, body, response.transport);
    res.writeHead(response.status, response.headers);
    res.end(body);
  }

  /** The authority's endpoints and the test helper: the answer, or undefined for the operation's paths. */
  private async serveOwn(req: http.IncomingMessage, body: string): Promise<MockResponse | undefined> {
    const pathname = new URL(req.url ?? '/', 'http://mock').pathname;
    const json = (status: number, value: unknown): MockResponse => ({ status, headers: { 'content-type': JSON_TYPE }, body: value });
    const { tokens } = this.context;
    if (pathname === DISCOVERY_PATH && req.method === 'GET') return json(200, tokens.discovery());
    if (pathname === JWKS_PATH && req.method === 'GET') return json(200, tokens.jwks);
    if (pathname !== MOCK_TOKENS_PATH) return undefined;
    if (req.method !== 'POST') return errorResponse(405, 'MethodNotAllowed', `${MOCK_TOKENS_PATH} takes POST.`);
    const request = parseTokenRequest(body);
    if (typeof request === 'string') return errorResponse(400, 'InvalidTokenRequest', `${request}.`);
    return json(201, await tokens.issue(request));
  }
}

/** A timer that does not keep the process alive on its own (stop() ends the mock's sockets meanwhile). */
const delay = (ms: number) => new Promise<void>(resolve => setTimeout(resolve, ms).unref());

function send(res: http.ServerResponse, response: MockResponse): void {
  if (res.destroyed) return;
  res.writeHead(response.status, response.headers).end(JSON.stringify(response.body));
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
  const { pathname, search } = new URL(req.url ?? '/', 'http://mock');
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
  // Node keeps the first of repeated Authorization headers and drops the rest; a gateway that combines
  // them, as a list field, gets a value that is no bearer credential: two Authorization headers are refused.
  const authorization = req.headersDistinct['authorization'];
  if (authorization) headers['authorization'] = authorization.join(', ');
  return { method: req.method ?? 'GET', connectionId, headers, query: search.slice(1), body };
}
