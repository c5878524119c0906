// Runs once per run, before any test: chooses the target (the embedded mock unless API_BASE_URL is
// set; Prism with TARGET_PROFILE=prism), obtains the token, finds how the connection can be read back,
// remembers its original state (on a live target also in a record file, and restores a record left by
// a run that never finished), says what it is about to do, and returns the teardown that puts the
// state back and stops what it started, whether the tests passed or not.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { request as playwrightRequest, type APIRequestContext, type APIResponse, type FullConfig } from '@playwright/test';
import { behaviourNamed } from '../mock/behaviours';
import { StorageConnectionMock } from '../mock/server';
import { AUTHENTICATION_TYPES, mutableState, sameState } from './connection';
import { CONNECTIONS_PATH, MAX_RETRY_AFTER_SECONDS, RECOMMENDED_ACCEPT } from './client';
import { LIVE_REQUEST_BUDGET, MOCK_PROBE_MAX_REQUESTS, readConfig, type SuiteConfig } from './config';
import { createTokenFile, CredentialsError, fetchClientCredentialsToken, SharedToken, TOKEN_FILE_VARIABLE } from './credentials';
import { environmentOf, writeAllureEnvironment } from './environment';
import { reportPaths } from './paths';
import { PROFILES } from './profiles';
import { startPrism } from './prism';
import { redactText } from './redact';
import { RequestBudget } from './request-budget';
import { isRunning, readRecord, recordFileOf, removeRecord, writeRecord } from './state-record';
import { publishTarget, type Connection, type ReadMethod, type Target } from './target';

class SetupError extends Error {}

/** One request with the target's token, waiting out 429s as the tests do. */
async function send(context: APIRequestContext, target: Pick<Target, 'baseUrl' | 'token' | 'connectionId'>, method: 'GET' | 'PUT', body?: unknown) {
  const url = `${target.baseUrl}${CONNECTIONS_PATH}/${encodeURIComponent(target.connectionId)}`;
  for (let attempt = 0; ; attempt++) {
    let response: APIResponse;
    try {
      response = await context.fetch(url, {
        method,
        headers: { accept: RECOMMENDED_ACCEPT, authorization: `Bearer ${target.token}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
        data: body === undefined ? undefined : Buffer.from(JSON.stringify(body)),
        failOnStatusCode: false,
        maxRedirects: 0,
      });
    } catch (error) {
      // Playwright's message carries a call log with the request's headers: its first line only, redacted.
      const firstLine = String((error as Error).message).split('\n')[0] ?? '';
      throw new SetupError(`the target could not be reached (${redactText(firstLine, [target.token])}): check API_BASE_URL.`);
    }
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
async function discover(context: APIRequestContext, target: Pick<Target, 'baseUrl' | 'token' | 'connectionId'>, tokenSource: string): Promise<{ readMethod: ReadMethod; original: Connection }> {
  const get = await send(context, target, 'GET');
  if (get.status === 401)
    throw new SetupError(`the target rejected the token (401): ${tokenSource}.`);
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

type Where = Pick<Target, 'baseUrl' | 'token' | 'connectionId'>;
type State = ReturnType<typeof mutableState>;

/** Puts `wanted` back unless the connection already has it; says which. */
async function restore(context: APIRequestContext, where: Where, readMethod: ReadMethod, wanted: State): Promise<'unchanged' | 'restored'> {
  const current = await send(context, where, readMethod, readMethod === 'PUT' ? {} : undefined);
  const state = current?.status === 200 ? connectionIn(current.json) : undefined;
  if (sameState(state, wanted)) return 'unchanged';
  const put = await send(context, where, 'PUT', wanted);
  const echoed = put.status === 200 ? connectionIn(put.json) : undefined;
  if (sameState(echoed, wanted)) return 'restored';
  throw new SetupError(`could not restore connection ${where.connectionId} (PUT answered ${put.status}): set it back by hand to ${JSON.stringify(wanted)}.`);
}

/** The connection this run (or this shard of it) may change: one per shard, so shards never race. */
function connectionFor(ids: string[], shard: FullConfig['shard']): string {
  if (!shard || shard.total === 1) return ids[0]!;
  if (ids.length < shard.total)
    throw new SetupError(`this is shard ${shard.current} of ${shard.total} but STORAGE_CONNECTION_ID names ${ids.length} connection(s): give one per shard, comma-separated, so shards never change the same connection at once.`);
  return ids[shard.current - 1]!;
}

interface Started {
  where: Where;
  isEmbeddedMock: boolean;
  tokenFile?: string;
  /** A token valid now (with client credentials the one at start may have expired by teardown). */
  freshToken?: () => Promise<string>;
  stop: () => Promise<void>;
}

/** Starts the embedded mock (or Prism, for that profile) when no target is given; gets the token. */
async function startTarget(settings: SuiteConfig, shard: FullConfig['shard']): Promise<Started> {
  if (settings.baseUrl) {
    const connectionId = connectionFor(settings.connectionIds!, shard);
    if (!settings.credentials) return { where: { baseUrl: settings.baseUrl, token: settings.accessToken!, connectionId }, isEmbeddedMock: false, stop: async () => {} };
    const { file, remove } = createTokenFile();
    const credentials = settings.credentials;
    const shared = new SharedToken({ file, fetchToken: () => fetchClientCredentialsToken(credentials) });
    const token = await shared.get();
    process.env[TOKEN_FILE_VARIABLE] = file;
    return { where: { baseUrl: settings.baseUrl, token, connectionId }, isEmbeddedMock: false, tokenFile: file, freshToken: () => shared.get(), stop: async () => remove() };
  }
  if (settings.profile === 'prism') {
    const prism = await startPrism();
    const { env } = PROFILES.prism;
    return { where: { baseUrl: prism.url, token: env.API_ACCESS_TOKEN, connectionId: env.STORAGE_CONNECTION_ID }, isEmbeddedMock: false, stop: prism.stop };
  }
  const mock = await StorageConnectionMock.create({ behaviour: behaviourNamed(process.env.MOCK_BEHAVIOUR)?.behaviour });
  return {
    where: { baseUrl: mock.url, token: mock.token, connectionId: mock.connectionId },
    isEmbeddedMock: true,
    stop: async () => {
      const { mockRequests } = reportPaths();
      fs.mkdirSync(path.dirname(mockRequests), { recursive: true });
      fs.writeFileSync(mockRequests, JSON.stringify({ requests: mock.requestCount.total }) + '\n');
      console.log(`The embedded mock received ${mock.requestCount.total} requests.`);
      await mock.stop();
    },
  };
}

export default async function globalSetup(config: FullConfig): Promise<() => Promise<void>> {
  const settings = readConfig();
  const context = await playwrightRequest.newContext();
  let started: Started | undefined;
  try {
    started = await startTarget(settings, config.shard);
    const { where, isEmbeddedMock } = started;
    const live = !isEmbeddedMock && !settings.profile;
    const probeMaxRequests = settings.probeMaxRequests ?? (isEmbeddedMock ? MOCK_PROBE_MAX_REQUESTS : 0);
    const limit = settings.requestBudget ?? (isEmbeddedMock ? undefined : LIVE_REQUEST_BUDGET + probeMaxRequests);
    const record = live ? readRecord(where.baseUrl, where.connectionId) : undefined;
    if (live) {
      if (record && isRunning(record))
        throw new SetupError(`another run (pid ${record.pid}, started ${record.startedAt}) is using connection ${where.connectionId}: wait for it to finish, or stop it and run again.`);
      console.log(
        `Live target ${where.baseUrl}: this run will update connection ${where.connectionId} and restore its displayName and authenticationType at the end; ` +
          `its checks send at most ${limit} requests (CONFORMANCE_REQUEST_BUDGET), plus a few to read and restore the connection; ` +
          `the 429 probe is ${probeMaxRequests ? `on, at most ${probeMaxRequests} of them` : 'off'}. ` +
          `The original state is recorded in ${path.relative(process.cwd(), recordFileOf(where.baseUrl, where.connectionId))} until it is restored.`,
      );
    }
    const tokenSource = settings.credentials ? 'check IMS_CLIENT_ID, IMS_SCOPE and that the service app was invited to the iTwin' : 'set API_ACCESS_TOKEN to a fresh token for scope itwin-platform';
    const discovered = await discover(context, where, tokenSource);
    const { readMethod } = discovered;
    let { original } = discovered;
    if (record) {
      const outcome = await restore(context, where, readMethod, record.original);
      console.log(`Recovered: the run of ${record.startedAt} did not finish; connection ${where.connectionId} ${outcome === 'restored' ? 'was restored to' : 'already had'} its recorded original state.`);
      original = { ...original, ...record.original };
    }
    if (live) {
      try {
        writeRecord({ baseUrl: where.baseUrl, connectionId: where.connectionId, original: mutableState(original), startedAt: new Date().toISOString(), pid: process.pid, host: os.hostname() }, record);
      } catch {
        throw new SetupError(`another run started on connection ${where.connectionId} at the same time: wait for it to finish, then run again.`);
      }
      console.log(`Original state of connection ${where.connectionId}: ${JSON.stringify(mutableState(original))}.`);
    }
    const budget = limit ? RequestBudget.create(path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'conformance-budget-')), 'requests'), limit) : undefined;
    const target: Target = {
      ...where,
      tokenFile: started.tokenFile,
      isEmbeddedMock,
      profile: settings.profile,
      readMethod,
      original,
      probeMaxRequests,
      budget: budget && { file: budget.file, limit: budget.limit },
    };
    publishTarget(target);
    writeAllureEnvironment(reportPaths().allureResults, environmentOf(target, process.env.MOCK_BEHAVIOUR));
    const kind = isEmbeddedMock ? `embedded mock${process.env.MOCK_BEHAVIOUR ? ` (behaviour ${process.env.MOCK_BEHAVIOUR})` : ''} at ` : settings.profile ? `${settings.profile} at ` : '';
    console.log(`Target: ${kind}${target.baseUrl}, connection ${target.connectionId} (read back with ${readMethod}); 429 probe ${probeMaxRequests ? `on, at most ${probeMaxRequests} requests` : 'off'}.`);
    return async () => {
      try {
        const token = (await started?.freshToken?.()) ?? where.token;
        const outcome = await restore(context, { ...where, token }, readMethod, mutableState(original));
        console.log(`Teardown: the connection ${outcome === 'restored' ? 'was restored to' : 'is in'} its original state${budget ? `; ${budget.used} of ${limit} budgeted requests sent` : ''}.`);
        if (live) removeRecord(where.baseUrl, where.connectionId);
      } finally {
        await context.dispose();
        await started?.stop();
      }
      if (budget?.refusals)
        throw new Error(`the run's request budget of ${limit} was spent before every check ran (${budget.refusals} refused): raise CONFORMANCE_REQUEST_BUDGET if the target can take more.`);
    };
  } catch (error) {
    await context.dispose();
    await started?.stop();
    const message = error instanceof SetupError || error instanceof CredentialsError
      ? error.message
      : `setup failed (${redactText(String((error as Error).message).split('\n')[0] ?? '', [settings.accessToken])}): check the configuration above.`;
    console.error(`Setup error: ${message}`);
    process.exit(2);
  }
}
