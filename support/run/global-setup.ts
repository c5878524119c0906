// Runs once per run, before any test: starts the target (run/start-target.ts), finds how the
// connection can be read back and remembers its original state (on a live target also in a record
// file, restoring first a record left by a run that never finished), says what it is about to do,
// publishes the target to the workers, and returns the teardown that puts the state back and stops
// what it started, whether the tests passed or not.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FullConfig } from '@playwright/test';
import { RequestBudget } from '../client/budget';
import { TransportBreaker } from '../client/breaker';
import { StorageConnectionsClient } from '../client/client';
import { mutableState, type Connection } from '../contract/connection';
import { environmentOf, writeAllureEnvironment } from './environment';
import { redactText } from '../report/redact';
import { ConfigError, LIVE_REQUEST_BUDGET, MOCK_PROBE_MAX_REQUESTS, suiteConfig, type SuiteConfig } from './config';
import { describeNetwork } from '../client/network-settings';
import { discover, restore, SetupError } from './original-state';
import { reportPaths } from '../report/paths';
import { planBlock } from './plan';
import { startTarget, type StartedTarget } from './start-target';
import { isRunning, readRecord, recordFileOf, removeRecord, writeRecord, type StateRecord } from './state-record';
import { publishTarget, type Target } from './target';
import { CredentialsError } from '../client/token';

/** A replicated service may show the previous state this long after a write (CONFORMANCE_READ_LAG_SECONDS). */
const DEFAULT_READ_LAG_SECONDS = 3;
/** The transport's bounds (CONFORMANCE_REQUEST_DEADLINE_SECONDS, CONFORMANCE_UNRESPONSIVE_AFTER, CONFORMANCE_MAX_RESPONSE_BYTES). */
const DEFAULT_DEADLINE_SECONDS = 30;
const DEFAULT_UNRESPONSIVE_AFTER = 3;
const DEFAULT_MAX_RESPONSE_BYTES = 10 * 1024 * 1024;
/** The restore of an unresponsive target gets this long per request, so a hung target ends the run quickly. */
const UNRESPONSIVE_RESTORE_DEADLINE_MS = 5_000;

interface Plan {
  live: boolean;
  probeMaxRequests: number;
  limit?: number;
}

function planOf(config: SuiteConfig, started: StartedTarget): Plan {
  const live = !started.isEmbeddedMock && !config.profile;
  const probeMaxRequests = config.probeMaxRequests ?? (started.isEmbeddedMock ? MOCK_PROBE_MAX_REQUESTS : 0);
  const limit = config.requestBudget ?? (started.isEmbeddedMock ? undefined : LIVE_REQUEST_BUDGET + probeMaxRequests);
  return { live, probeMaxRequests, limit };
}

/** On a live target: refuses a connection a running run holds, and says what this run will do. */
function announce(config: SuiteConfig, started: StartedTarget, plan: Plan, record: StateRecord | undefined): void {
  const { baseUrl, connectionId } = started;
  if (record && isRunning(record))
    throw new SetupError(
      `another run (pid ${record.pid}, started ${record.startedAt}) is using connection ${connectionId}: wait for it to finish, or stop it and run again.`,
    );
  const recordFile = path.relative(process.cwd(), recordFileOf(baseUrl, connectionId));
  // With a proxy set: the route of each host (NO_PROXY may send one past it), and the CA certificates trusted.
  const network =
    config.network?.httpsProxy || config.network?.httpProxy
      ? describeNetwork(config.network, networkUrls(config, baseUrl)).replace(/^Network: /, '')
      : undefined;
  console.log(planBlock({ baseUrl, connectionId, limit: plan.limit, probeMaxRequests: plan.probeMaxRequests, recordFile, network }));
}

/** The URLs a live run sends to: the target, and the authority that gives its token. */
function networkUrls(config: SuiteConfig, baseUrl: string): { what: string; url: string }[] {
  const authority = config.credentials && (config.credentials.tokenUrl ?? config.credentials.authority);
  return [{ what: 'the target', url: baseUrl }, ...(authority ? [{ what: 'the token endpoint', url: authority }] : [])];
}

/** Writes the record of the original state before the first change (live targets only). */
function recordOriginal(started: StartedTarget, original: Connection, replacing: StateRecord | undefined): void {
  const { baseUrl, connectionId } = started;
  try {
    writeRecord(
      {
        baseUrl,
        connectionId,
        original: mutableState(original),
        startedAt: new Date().toISOString(),
        pid: process.pid,
        host: os.hostname(),
      },
      replacing,
    );
  } catch {
    throw new SetupError(`another run started on connection ${connectionId} at the same time: wait for it to finish, then run again.`);
  }
  console.log(`Original state of connection ${connectionId}: ${JSON.stringify(mutableState(original))}.`);
}

function describeTarget(target: Target): string {
  const kind = target.isEmbeddedMock
    ? `embedded mock${target.mockBehaviour ? ` (behaviour ${target.mockBehaviour})` : ''} at `
    : target.profile
      ? `${target.profile} at `
      : '';
  const probe = target.probeMaxRequests ? `on, at most ${target.probeMaxRequests} requests` : 'off';
  return `Target: ${kind}${target.baseUrl}, connection ${target.connectionId} (read back with ${target.readMethod}); 429 probe ${probe}.`;
}

async function setUp(config: SuiteConfig, started: StartedTarget): Promise<() => Promise<void>> {
  const { connectionId, baseUrl } = started;
  const plan = planOf(config, started);
  const record = plan.live ? readRecord(baseUrl, connectionId) : undefined;
  if (plan.live) announce(config, started, plan, record);
  const deadlineMs = (config.requestDeadlineSeconds ?? DEFAULT_DEADLINE_SECONDS) * 1000;
  const maxResponseBytes = config.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'conformance-run-'));
  const breaker = TransportBreaker.create(path.join(runDir, 'transport-failures'), config.unresponsiveAfter ?? DEFAULT_UNRESPONSIVE_AFTER);
  const client = new StorageConnectionsClient({ baseUrl, token: started.token, deadlineMs, maxResponseBytes });
  const tokenSource = config.credentials
    ? 'check IMS_CLIENT_ID, IMS_SCOPE and that the service app was invited to the iTwin'
    : 'set API_ACCESS_TOKEN to a fresh token for scope itwin-platform';
  const { readMethod, original: found, unreadable } = await discover(client, connectionId, tokenSource);
  let original = found;
  if (unreadable)
    console.log(
      `The connection's state could not be read (${unreadable}): the check that reads it reports the response, every other check is skipped, and nothing is changed.`,
    );
  if (record) {
    const outcome = await restore(client, connectionId, readMethod, record.original);
    console.log(
      `Recovered: the run of ${record.startedAt} did not finish; connection ${connectionId} ${outcome === 'restored' ? 'was restored to' : 'already had'} its recorded original state.`,
    );
    original = { ...original, ...record.original };
  }
  if (plan.live && !unreadable) recordOriginal(started, original, record);
  const budget = plan.limit ? RequestBudget.create(path.join(runDir, 'requests'), plan.limit) : undefined;
  const target: Target = {
    baseUrl,
    connectionId,
    token: await started.token(),
    tokenExpiresAt: started.tokenLifetime?.().expiresAt,
    tokenObtainedAt: started.tokenLifetime?.().obtainedAt,
    credentials: config.credentials,
    isEmbeddedMock: started.isEmbeddedMock,
    mockBehaviour: config.mockBehaviour,
    profile: config.profile,
    readMethod,
    unreadable,
    deadlineMs,
    maxResponseBytes,
    breaker: { file: breaker.file, threshold: breaker.threshold },
    readLagMs: (config.readLagSeconds ?? DEFAULT_READ_LAG_SECONDS) * 1000,
    original,
    probeMaxRequests: plan.probeMaxRequests,
    budget: budget && { file: budget.file, limit: budget.limit },
    findingsDir: path.join(runDir, 'findings'),
    // One seed for the run's generated checks, in every worker: CONFORMANCE_SEED replays a run.
    seed: config.seed ?? crypto.randomInt(0, 2 ** 31),
    generatedCases: config.generatedCases,
  };
  publishTarget(target);
  writeAllureEnvironment(reportPaths().allureResults, environmentOf(target));
  console.log(describeTarget(target));
  console.log(`Seed: ${target.seed} (CONFORMANCE_SEED=${target.seed} replays this run's generated cases)`);
  return async () => {
    if (unreadable) return;
    const unresponsive = breaker.open;
    if (unresponsive)
      console.log(
        `The target stopped answering at ${unresponsive.since} (${unresponsive.failures} requests in a row got no answer within ${deadlineMs / 1000} s); restoring the connection under a ${UNRESPONSIVE_RESTORE_DEADLINE_MS / 1000} s deadline.`,
      );
    const restorer = unresponsive
      ? new StorageConnectionsClient({ ...client.options, deadlineMs: UNRESPONSIVE_RESTORE_DEADLINE_MS })
      : client;
    let outcome: Awaited<ReturnType<typeof restore>>;
    try {
      outcome = await restore(restorer, connectionId, readMethod, mutableState(original));
    } catch (error) {
      if (!unresponsive) throw error;
      // The run already failed on the transport; say plainly what was left, and where it is kept.
      const kept = plan.live
        ? `its original state stays recorded in ${path.relative(process.cwd(), recordFileOf(baseUrl, connectionId))}, and the next run restores it`
        : 'it may keep a changed state';
      console.error(`Teardown: the target did not answer the restore either (${(error as Error).message}); ${kept}.`);
      return;
    }
    console.log(
      `Teardown: the connection ${outcome === 'restored' ? 'was restored to' : 'is in'} its original state${budget ? `; ${budget.used} of ${plan.limit} budgeted requests sent` : ''}.`,
    );
    if (plan.live) removeRecord(baseUrl, connectionId);
    if (budget?.refusals)
      throw new Error(
        `the run's request budget of ${plan.limit} was spent before every check ran (${budget.refusals} refused): raise CONFORMANCE_REQUEST_BUDGET if the target can take more.`,
      );
  };
}

/** One line for a setup failure; an unexpected one is named as such, with no secret in it. */
function messageOf(error: unknown): string {
  if (error instanceof SetupError || error instanceof CredentialsError || error instanceof ConfigError) return error.message;
  return `setup failed (${redactText(String((error as Error).message).split('\n')[0] ?? '')}): check the configuration above.`;
}

export default async function globalSetup(playwright: FullConfig): Promise<() => Promise<void>> {
  let started: StartedTarget | undefined;
  try {
    const config = suiteConfig();
    started = await startTarget(config, playwright.shard);
    const teardown = await setUp(config, started);
    const stop = started.stop;
    return async () => {
      try {
        await teardown();
      } finally {
        await stop();
      }
    };
  } catch (error) {
    await started?.stop();
    console.error(`Setup error: ${messageOf(error)}`);
    process.exit(2);
  }
}
