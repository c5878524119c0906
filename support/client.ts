// The typed client of Update StorageConnection: the one place that knows the path, the headers, the
// recording of each exchange (redacted) and the wait-and-retry on 429 outside the rate-limit probe.
import { test, expect, type APIRequestContext, type APIResponse, type TestInfo } from '@playwright/test';
import { sharedTokenFromEnvironment, TOKEN_FILE_VARIABLE, type SharedToken } from './credentials';
import { redactHeaders, redactText, redactValue } from './redact';
import { RequestBudget } from './request-budget';
import { formatViolations, violationsOf } from './schemas';
import type { Target } from './target';

export const RECOMMENDED_ACCEPT = 'application/vnd.bentley.itwin-platform.v1+json';
export const CONNECTIONS_PATH = '/synchronization/imodels/storageconnections';
/** Retries of a throttled request outside the probe, and the longest retry-after the suite waits. */
export const MAX_THROTTLE_RETRIES = 3;
export const MAX_RETRY_AFTER_SECONDS = 90;

/** A request body sent byte for byte (malformed JSON, non-objects), instead of serialised JSON. */
export class RawBody {
  constructor(readonly text: string) {}
}
export const raw = (text: string) => new RawBody(text);
/** Send no body at all. */
export const NO_BODY = Symbol('no body');

/** Credentials: the target's token (default), none at all, or an Authorization header as given. */
export type Credentials = 'token' | 'none' | { authorization: string };

export interface SendOptions {
  credentials?: Credentials;
  /** Outside the 429 probe a throttled request waits retry-after and is sent again (default true). */
  retryWhenThrottled?: boolean;
  /** Restoring the connection is never refused for want of budget. */
  outsideBudget?: boolean;
}

export interface ApiResponse {
  method: string;
  url: string;
  status: number;
  /** Lower-case header names. */
  headers: Record<string, string>;
  text: string;
  /** The parsed body, or undefined when it is not JSON. */
  json: unknown;
  /** Seconds waited on 429s before this response. */
  throttleWaits: number[];
}

export interface Exchange {
  connectionId: string;
  method: 'GET' | 'PUT';
  sentBody: unknown;
  credentials: Credentials;
  response: ApiResponse;
}

function bodyOf(body: unknown): { data?: string; description: string } {
  if (body === NO_BODY) return { description: '(no body)' };
  if (body instanceof RawBody) return { data: body.text, description: body.text };
  const data = JSON.stringify(body);
  return { data, description: data };
}

function authorizationOf(credentials: Credentials, token: string): string | undefined {
  if (credentials === 'token') return `Bearer ${token}`;
  if (credentials === 'none') return undefined;
  return credentials.authorization;
}

export class StorageConnectionsClient {
  private readonly listeners: ((exchange: Exchange) => void)[] = [];
  private readonly sharedToken?: SharedToken;
  private readonly budget?: RequestBudget;
  /** Extra headers for every request, e.g. a target profile's `Prefer`. */
  readonly extraHeaders: Record<string, string> = {};
  requestsSent = 0;

  constructor(
    private readonly request: APIRequestContext,
    private readonly target: Target,
    private readonly testInfo: TestInfo,
  ) {
    if (target.tokenFile) {
      this.sharedToken = sharedTokenFromEnvironment({ ...process.env, [TOKEN_FILE_VARIABLE]: target.tokenFile });
      if (!this.sharedToken) throw new Error('the run shares a token file but IMS_CLIENT_ID/IMS_CLIENT_SECRET are not in the environment');
    }
    if (target.budget) this.budget = new RequestBudget(target.budget.file, target.budget.limit);
  }

  /** True, and counted as a refusal, once the run has sent its request budget. */
  refuseIfBudgetSpent(): boolean {
    if (!this.budget?.spent) return false;
    this.budget.refuse();
    return true;
  }

  /** The run's token: fixed, or with client credentials the shared one, refreshed before it expires. */
  private async token(): Promise<string> {
    return this.sharedToken ? this.sharedToken.get() : this.target.token;
  }

  /** Called after every exchange (the fixtures use it to know whether the connection may have changed). */
  onExchange(listener: (exchange: Exchange) => void): void {
    this.listeners.push(listener);
  }

  urlOf(connectionId: string): string {
    return `${this.target.baseUrl}${CONNECTIONS_PATH}/${encodeURIComponent(connectionId)}`;
  }

  /** PUT .../storageconnections/{connectionId}: the operation under test. */
  update(connectionId: string, body: unknown, options: SendOptions = {}): Promise<ApiResponse> {
    return this.send('PUT', connectionId, body, options);
  }

  /** GET .../storageconnections/{connectionId}: the sibling used to read a connection back. */
  get(connectionId: string, options: SendOptions = {}): Promise<ApiResponse> {
    return this.send('GET', connectionId, NO_BODY, options);
  }

  private async send(method: 'GET' | 'PUT', connectionId: string, body: unknown, options: SendOptions): Promise<ApiResponse> {
    const credentials = options.credentials ?? 'token';
    const { data, description } = bodyOf(body);
    const url = this.urlOf(connectionId);
    const title = `${method} storageconnections/${connectionId.length > 48 ? `${connectionId.slice(0, 45)}...` : connectionId}${data !== undefined ? ` ${description.length > 60 ? `${description.slice(0, 57)}...` : description}` : ''}`;
    const notify = (response: ApiResponse) => {
      for (const listener of this.listeners) listener({ connectionId, method, sentBody: body, credentials, response });
    };
    return test.step(title, async () => {
      const throttleWaits: number[] = [];
      for (let attempt = 0; ; attempt++) {
        // The token is asked for on every attempt: after a long retry-after the last one may have expired.
        const token = await this.token();
        const headers: Record<string, string> = { accept: RECOMMENDED_ACCEPT, ...this.extraHeaders };
        const authorization = authorizationOf(credentials, token);
        if (authorization !== undefined) headers['authorization'] = authorization;
        if (data !== undefined) headers['content-type'] = 'application/json';
        // As bytes: Playwright would quote a string that is not valid JSON, and the malformed bodies
        // of the 422 checks must reach the server exactly as written.
        const bytes = data === undefined ? undefined : Buffer.from(data, 'utf8');
        if (!options.outsideBudget) this.budget?.take();
        let response: APIResponse;
        try {
          response = await this.request.fetch(url, { method, headers, data: bytes, failOnStatusCode: false, maxRedirects: 0 });
        } catch (error) {
          // What the request did is unknown (the connection may have changed), and Playwright's message
          // carries a call log with the request's headers: keep its first line only, redacted.
          notify({ method, url, status: 0, headers: {}, text: '', json: undefined, throttleWaits });
          const firstLine = String((error as Error).message).split('\n')[0] ?? '';
          throw new Error(`transport error on ${method} ${url}: ${redactText(firstLine, [this.target.token, token])}`);
        }
        this.requestsSent++;
        const text = await response.text();
        const result: ApiResponse = { method, url, status: response.status(), headers: response.headers(), text, json: parseJson(text), throttleWaits };
        await this.record(result, headers, data, token);
        const retry = options.retryWhenThrottled ?? true;
        if (result.status !== 429 || !retry || attempt >= MAX_THROTTLE_RETRIES) {
          notify(result);
          return result;
        }
        throttleWaits.push(await this.waitOutThrottle(result));
      }
    }, { box: true });
  }

  /** A 429 outside the probe: it must still keep the contract; then wait retry-after, visibly. */
  private async waitOutThrottle(response: ApiResponse): Promise<number> {
    const retryAfter = response.headers['retry-after'];
    expect(retryAfter, 'a 429 must carry retry-after, a whole number of seconds').toMatch(/^\d+$/);
    const seconds = Number(retryAfter);
    expect(seconds, `retry-after is at most ${MAX_RETRY_AFTER_SECONDS} s, the longest this suite waits`).toBeLessThanOrEqual(MAX_RETRY_AFTER_SECONDS);
    const violations = violationsOf('ErrorResponse', response.json);
    expect(violations, `the 429 body must match Error Response:\n${formatViolations(violations)}`).toEqual([]);
    this.testInfo.annotations.push({ type: 'throttled', description: `429 on ${response.method}; waited retry-after ${seconds} s and retried` });
    await test.step(`throttled (429): waiting retry-after ${seconds} s`, () => new Promise(resolve => setTimeout(resolve, seconds * 1000)));
    return seconds;
  }

  /** Attaches the request and the response, redacted, to the step of this exchange. */
  private async record(response: ApiResponse, sentHeaders: Record<string, string>, data: string | undefined, token: string): Promise<void> {
    const secrets = [this.target.token, token];
    const request = {
      method: response.method,
      url: response.url,
      headers: redactHeaders(sentHeaders),
      body: data === undefined ? undefined : redactJsonText(data, secrets),
    };
    const received = {
      status: response.status,
      headers: redactHeaders(response.headers),
      body: response.json !== undefined ? redactValue(response.json) : redactText(response.text, secrets),
    };
    // Field names catch most secrets; the text pass catches the token wherever else a server echoed it.
    await this.testInfo.attach(`request ${response.method}`, { body: redactText(JSON.stringify(request, null, 2), secrets), contentType: 'application/json' });
    await this.testInfo.attach(`response ${response.status}`, { body: redactText(JSON.stringify(received, null, 2), secrets), contentType: 'application/json' });
  }
}

/** A JSON request body as a value (readable in the report), or as text when it is not JSON. */
function redactJsonText(text: string, secrets: string[]): unknown {
  const parsed = parseJson(text);
  return parsed !== undefined ? redactValue(parsed) : redactText(text, secrets);
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
