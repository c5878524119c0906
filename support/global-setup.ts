// Runs once per run, before any test: chooses the target (the embedded mock unless API_BASE_URL is
// set), finds how the connection can be read back, remembers its original state, and returns the
// teardown that puts that state back and stops the mock, whether the tests passed or not.
import fs from 'node:fs';
import path from 'node:path';
import { request as playwrightRequest, type APIRequestContext } from '@playwright/test';
import { behaviourNamed } from '../mock/behaviours';
import { StorageConnectionMock } from '../mock/server';
import { AUTHENTICATION_TYPES } from './connection';
import { CONNECTIONS_PATH, MAX_RETRY_AFTER_SECONDS, RECOMMENDED_ACCEPT } from './client';
import { MOCK_PROBE_MAX_REQUESTS, readConfig } from './config';
import { environmentOf, writeAllureEnvironment } from './environment';
import { reportPaths } from './paths';
import { publishTarget, type Connection, type ReadMethod, type Target } from './target';

class SetupError extends Error {}

/** One request with the target's token, waiting out 429s as the tests do. */
async function send(context: APIRequestContext, target: Pick<Target, 'baseUrl' | 'token' | 'connectionId'>, method: 'GET' | 'PUT', body?: unknown) {
  const url = `${target.baseUrl}${CONNECTIONS_PATH}/${encodeURIComponent(target.connectionId)}`;
  for (let attempt = 0; ; attempt++) {
    const response = await context.fetch(url, {
      method,
      headers: { accept: RECOMMENDED_ACCEPT, authorization: `Bearer ${target.token}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
      data: body === undefined ? undefined : JSON.stringify(body),
      failOnStatusCode: false,
      maxRedirects: 0,
    });
    const retryAfter = Number(response.headers()['retry-after']);
    if (response.status() !== 429 || attempt >= 3 || !Number.isInteger(retryAfter) || retryAfter > MAX_RETRY_AFTER_SECONDS) {
      let json: unknown;
      try {
        json = await response.json();
      } catch {
        json = undefined;
      }
      return { status: response.status(), json };
    }
    await new Promise(resolve => setTimeout(resolve, retryAfter * 1000));
  }
}

/**
 * The connection in a 200 body, if it has one. Only what restoring needs is required here: a body that
 * breaks the schema in other ways must not stop the run, since reporting that is the checks' job.
 */
function connectionIn(json: unknown): Connection | undefined {
  const connection = (json as { connection?: unknown } | undefined)?.connection;
  if (connection === null || typeof connection !== 'object' || Array.isArray(connection)) return undefined;
  const { displayName, authenticationType } = connection as Connection;
  if (typeof displayName !== 'string' || !AUTHENTICATION_TYPES.includes(authenticationType as never)) return undefined;
  return connection as Connection;
}

/** Finds the connection's current state and the way to read it: GET first, then an empty PUT. */
async function discover(context: APIRequestContext, target: Pick<Target, 'baseUrl' | 'token' | 'connectionId'>): Promise<{ readMethod: ReadMethod; original: Connection }> {
  const get = await send(context, target, 'GET');
  if (get.status === 401)
    throw new SetupError('API_ACCESS_TOKEN was rejected by the target (401): get a fresh token for scope itwin-platform.');
  const fromGet = get.status === 200 ? connectionIn(get.json) : undefined;
  if (fromGet) return { readMethod: 'GET', original: fromGet };
  const put = await send(context, target, 'PUT', {});
  if (put.status === 404)
    throw new SetupError(`STORAGE_CONNECTION_ID ${target.connectionId} was not found on the target (404): set it to an existing connection.`);
  const fromPut = put.status === 200 ? connectionIn(put.json) : undefined;
  if (fromPut) return { readMethod: 'PUT', original: fromPut };
  throw new SetupError(
    `the connection's current state cannot be read (GET answered ${get.status}, an empty PUT ${put.status}), so the suite could not restore it: check API_BASE_URL and STORAGE_CONNECTION_ID.`,
  );
}

async function restore(context: APIRequestContext, target: Target): Promise<string> {
  const wanted = { displayName: target.original.displayName, authenticationType: target.original.authenticationType };
  const { readMethod } = target;
  const current = readMethod === 'none' ? undefined : await send(context, target, readMethod, readMethod === 'PUT' ? {} : undefined);
  const state = current?.status === 200 ? connectionIn(current.json) : undefined;
  if (state && state.displayName === wanted.displayName && state.authenticationType === wanted.authenticationType)
    return 'the connection is in its original state';
  const put = await send(context, target, 'PUT', wanted);
  const echoed = put.status === 200 ? connectionIn(put.json) : undefined;
  if (echoed?.displayName === wanted.displayName && echoed?.authenticationType === wanted.authenticationType)
    return 'the connection was restored to its original state';
  throw new SetupError(`could not restore connection ${target.connectionId} (PUT answered ${put.status}): set it back by hand to ${JSON.stringify(wanted)}.`);
}

export default async function globalSetup(): Promise<() => Promise<void>> {
  const settings = readConfig();
  const mock = settings.baseUrl
    ? undefined
    : await StorageConnectionMock.create({ behaviour: behaviourNamed(process.env.MOCK_BEHAVIOUR)?.behaviour });
  const context = await playwrightRequest.newContext();
  try {
    const where = {
      baseUrl: settings.baseUrl ?? mock!.url,
      token: settings.accessToken ?? mock!.token,
      connectionId: settings.connectionId ?? mock!.connectionId,
    };
    const { readMethod, original } = await discover(context, where);
    const target: Target = {
      ...where,
      isEmbeddedMock: !!mock,
      readMethod,
      original,
      probeMaxRequests: settings.probeMaxRequests ?? (mock ? MOCK_PROBE_MAX_REQUESTS : 0),
    };
    publishTarget(target);
    writeAllureEnvironment(reportPaths().allureResults, environmentOf(target, process.env.MOCK_BEHAVIOUR));
    const behaviour = mock && process.env.MOCK_BEHAVIOUR ? ` (behaviour ${process.env.MOCK_BEHAVIOUR})` : '';
    console.log(`Target: ${mock ? `embedded mock${behaviour} at ` : ''}${target.baseUrl}, connection ${target.connectionId} (read back with ${readMethod}); 429 probe ${target.probeMaxRequests ? `on, at most ${target.probeMaxRequests} requests` : 'off'}.`);
    return async () => {
      try {
        console.log(`Teardown: ${await restore(context, target)}.`);
        if (mock) {
          const { mockRequests } = reportPaths();
          fs.mkdirSync(path.dirname(mockRequests), { recursive: true });
          fs.writeFileSync(mockRequests, JSON.stringify({ requests: mock.requestCount.total }) + '\n');
          console.log(`The embedded mock received ${mock.requestCount.total} requests.`);
        }
      } finally {
        await context.dispose();
        await mock?.stop();
      }
    };
  } catch (error) {
    await context.dispose();
    await mock?.stop();
    const message = error instanceof SetupError
      ? error.message
      : `the target could not be reached (${String((error as Error).message).split('\n')[0]}): check API_BASE_URL.`;
    console.error(`Setup error: ${message}`);
    process.exit(2);
  }
}
