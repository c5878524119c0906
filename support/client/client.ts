// The typed client of Update StorageConnection (and of the GET sibling used to read a connection
// back): the one place that knows the path, the headers, the deadline, the request budget and the
// retry-after policy. It knows nothing of the test runner: setup, teardown, checks and the probe all
// send through it; the fixtures add report steps around it through its hooks.
import { CONNECTIONS_PATH, RECOMMENDED_ACCEPT } from '../contract/operation';
import { redactText } from '../report/redact';
import { requestSignature, type AnswersSentAhead } from './answers';
import type { RequestBudget } from './budget';
import type { Pacer } from './pacer';
import { encodeBody, NO_BODY, parseJson, readCapped, type ApiResponse, type Credentials, type Method } from './http';
import { networkFailureOf } from './network-failure';
import { networkFetch, networkSettings, requestWithLines } from './network';
import type { SendOptions } from './send-options';
import { DEFAULT_THROTTLE_POLICY, retryWaitOf, sleep, type ThrottlePolicy } from './throttle';

export { NO_BODY, raw, RawBody, type ApiResponse, type Credentials } from './http';
export type { SendOptions } from './send-options';

/** Gives the bearer token valid now (fixed, or refreshed before it expires). */
export type TokenSource = () => Promise<string>;

export interface Exchange {
  connectionId: string;
  method: Method;
  sentBody: unknown;
  /** The request's headers as sent (the recording layer redacts them). */
  sentHeaders: Record<string, string>;
  /** The body's bytes as sent, undefined without a body. */
  sentData?: string;
  credentials: Credentials;
  /** Status 0: the request failed in transit, and what it did is unknown. */
  response: ApiResponse;
  /** Sent ahead, at once with others (support/checks/refusals.ts): how, and what was read back after them. */
  sentAhead?: string;
}

export interface ClientHooks {
  /** Every exchange, each throttled or unavailable attempt included. */
  exchange?: (exchange: Exchange) => void | Promise<void>;
  /**
   * How a retry-after of a 429 or a 503 is waited out (default: a timer); the fixtures make it a report
   * step. `waited`: an answer sent ahead, whose wait is over (its retry is judged, not waited again).
   */
  wait?: (seconds: number, answer: ApiResponse, waited?: boolean) => Promise<void>;
  /** Around each request with its retries (the fixtures make it a report step). */
  around?: <T>(title: string, send: () => Promise<T>) => Promise<T>;
}

export interface ClientOptions {
  baseUrl: string;
  token: TokenSource;
  budget?: RequestBudget;
  /** The run's pace: requests per minute and in flight at once (absent: unpaced). */
  pacer?: Pacer;
  throttle?: ThrottlePolicy;
  /** Longest wait for one response, body included (the run's: CONFORMANCE_REQUEST_DEADLINE_SECONDS). */
  deadlineMs: number;
  /** The largest body read whole (the run's: CONFORMANCE_MAX_RESPONSE_BYTES); past it the answer is marked oversized. */
  maxResponseBytes: number;
  /** Extra headers for every request, e.g. a target profile's `Prefer`. */
  headers?: Record<string, string>;
  /** Answers sent ahead: a request among them is answered from them, not sent again (client/answers.ts). */
  answers?: AnswersSentAhead<Exchange>;
}

export class TransportError extends Error {
  override name = 'TransportError';

  constructor(
    message: string,
    /** When the way to the server is at fault (a certificate, the proxy, DNS): what to change, naming the variable. */
    readonly fix?: string,
  ) {
    super(message);
  }
}

function authorizationOf(credentials: Credentials, token: string): string | undefined {
  if (credentials === 'token') return `Bearer ${token}`;
  if (credentials === 'none') return undefined;
  return credentials.authorization;
}

const shorten = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 3)}...` : text);

export class StorageConnectionsClient {
  requestsSent = 0;

  constructor(
    readonly options: ClientOptions,
    private readonly hooks: ClientHooks = {},
  ) {}

  /** The same client with other hooks (the fixtures' recording layer) and extra headers. */
  withHooks(hooks: ClientHooks, headers: Record<string, string> = {}): StorageConnectionsClient {
    return new StorageConnectionsClient({ ...this.options, headers: { ...this.options.headers, ...headers } }, { ...this.hooks, ...hooks });
  }

  /** The same client and hooks with some options changed (a shorter deadline, say). */
  withOptions(options: Partial<ClientOptions>): StorageConnectionsClient {
    return new StorageConnectionsClient({ ...this.options, ...options }, this.hooks);
  }

  urlOf(connectionId: string, query?: Record<string, string>): string {
    const search = query && Object.keys(query).length ? `?${new URLSearchParams(query)}` : '';
    return `${this.options.baseUrl}${CONNECTIONS_PATH}/${encodeURIComponent(connectionId)}${search}`;
  }

  /** PUT .../storageconnections/{connectionId}: the operation under test. */
  update(connectionId: string, body: unknown, options: SendOptions = {}): Promise<ApiResponse> {
    return this.send('PUT', connectionId, body, options);
  }

  /** GET .../storageconnections/{connectionId}: the sibling used to read a connection back. */
  get(connectionId: string, options: SendOptions = {}): Promise<ApiResponse> {
    return this.send('GET', connectionId, NO_BODY, options);
  }

  private send(method: Method, connectionId: string, body: unknown, options: SendOptions): Promise<ApiResponse> {
    const { data, description } = encodeBody(body);
    const title = `${method} storageconnections/${shorten(connectionId, 48)}${data !== undefined ? ` ${shorten(description, 60)}` : ''}`;
    const around = this.hooks.around ?? ((_title, send) => send());
    return around(title, async () => {
      const ahead = this.options.answers?.take(requestSignature(method, connectionId, data, options));
      if (ahead) {
        for (const [index, exchange] of ahead.exchanges.entries()) {
          await this.hooks.exchange?.(exchange);
          // A 429 or 503 that was waited out and retried: judged and recorded as if it had been met now.
          const seconds = index < ahead.exchanges.length - 1 ? retryWaitOf(exchange.response, options) : undefined;
          if (seconds !== undefined) await this.hooks.wait?.(seconds, exchange.response, true);
        }
        return ahead.response;
      }
      this.options.answers?.sentNow(method, connectionId);
      const waits: Waits = { throttle: [], unavailable: [] };
      const policy = this.options.throttle ?? DEFAULT_THROTTLE_POLICY;
      // One count for every retry of this request, after a 429 or a 503 alike.
      for (let attempt = 0; ; attempt++) {
        const response = await this.attempt(method, connectionId, body, data, options, waits);
        const seconds = retryWaitOf(response, options, policy);
        if (seconds === undefined || attempt >= policy.maxRetries) return response;
        await (this.hooks.wait ?? (s => sleep(s * 1000)))(seconds, response);
        (response.status === 429 ? waits.throttle : waits.unavailable).push(seconds);
      }
    });
  }

  private async attempt(
    method: Method,
    connectionId: string,
    body: unknown,
    data: string | undefined,
    options: SendOptions,
    waits: Waits,
  ): Promise<ApiResponse> {
    const lines = options.authorizationLines;
    const credentials: Credentials = lines ? { authorization: lines.join(', ') } : (options.credentials ?? 'token');
    // Asked for on every attempt: after a long retry-after the last one may have expired.
    const token = credentials === 'token' ? await this.options.token() : '';
    const headers: Record<string, string> = { accept: options.accept ?? RECOMMENDED_ACCEPT, ...this.options.headers };
    const authorization = authorizationOf(credentials, token);
    if (authorization !== undefined) headers['authorization'] = authorization;
    if (data !== undefined) headers['content-type'] = 'application/json';
    for (const [name, value] of Object.entries(options.headers ?? {})) headers[name.toLowerCase()] = value;
    if (!options.outsideBudget) this.options.budget?.take();
    const url = this.urlOf(connectionId, options.query);
    // Each line recorded under a name of its own (the recording layer redacts them all).
    const sentHeaders = lines ? { ...withoutAuthorization(headers), ...linesAsRecorded(lines) } : headers;
    const exchange = { connectionId, method, sentBody: body, sentHeaders, sentData: data, credentials };
    const deadlineMs = this.options.deadlineMs;
    const started = Date.now();
    let response: ApiResponse;
    try {
      // As bytes: the malformed bodies of the 422 checks must reach the server exactly as written.
      const bytes = data === undefined ? undefined : Buffer.from(data, 'utf8');
      const request = () =>
        lines
          ? requestWithLines(url, method, { ...withoutAuthorization(headers), authorization: lines }, bytes, deadlineMs)
          : networkFetch(url, { method, headers, body: bytes, redirect: 'manual', signal: AbortSignal.timeout(deadlineMs) }).then(
              async answer => ({
                status: answer.status,
                headers: Object.fromEntries(answer.headers),
                ...(await readCapped(answer, this.options.maxResponseBytes)),
              }),
            );
      const pacer = options.unpaced ? undefined : this.options.pacer;
      const answer = pacer ? await pacer.run(request) : await request();
      const json = 'oversized' in answer && answer.oversized !== undefined ? undefined : parseJson(answer.text);
      response = { method, url, ...answer, json, throttleWaits: [...waits.throttle], unavailableWaits: [...waits.unavailable] };
    } catch (error) {
      await this.hooks.exchange?.({
        ...exchange,
        response: { method, url, status: 0, headers: {}, text: '', json: undefined, throttleWaits: [...waits.throttle] },
      });
      const network = networkFailureOf(error, url, 'API_BASE_URL', networkSettings());
      throw new TransportError(
        `transport error on ${method} ${url} after ${Date.now() - started} ms: ${redactText(network?.reason ?? reasonOf(error, deadlineMs))}`,
        network?.fix,
      );
    }
    this.requestsSent++;
    await this.hooks.exchange?.({ ...exchange, response });
    return response;
  }
}

/** Seconds waited before a request's attempts: on 429s, and on 503s. */
interface Waits {
  throttle: number[];
  unavailable: number[];
}

function withoutAuthorization(headers: Record<string, string>): Record<string, string> {
  const rest = { ...headers };
  delete rest['authorization'];
  return rest;
}

const linesAsRecorded = (lines: string[]) =>
  Object.fromEntries(lines.map((line, i) => [i === 0 ? 'authorization' : `authorization (line ${i + 1})`, line]));

/** Why a request got no answer, in a few words. */
function reasonOf(error: unknown, deadlineMs: number): string {
  const err = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (err.name === 'TimeoutError' || err.name === 'AbortError') return `no answer within ${deadlineMs / 1000} s`;
  const code = err.cause?.code;
  const known: Record<string, string> = {
    ECONNREFUSED: 'connection refused',
    ENOTFOUND: 'host not found',
    ECONNRESET: 'connection reset (socket hang up)',
    UND_ERR_SOCKET: 'connection closed by the server (socket hang up)',
  };
  return (code && (known[code] ?? `${code}: ${err.cause?.message ?? ''}`)) || err.cause?.message || err.message || String(error);
}
