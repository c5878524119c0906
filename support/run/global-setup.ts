// Runs once per run, before any test, one job per file: the configuration (config.ts) is resolved,
// the target started (start-target.ts); on a live target the connection's record is checked
// (state-record.ts) and the plan printed (plan.ts); the connection's original state is discovered
// (original-state.ts), a stale record recovered and the original recorded; the target published to
// the workers (target.ts); the returned teardown (teardown.ts) puts the state back and stops what was
// started, whether the tests passed or not.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FullConfig } from '@playwright/test';
import { RequestBudget } from '../client/budget';
import { TransportBreaker } from '../client/breaker';
import { StorageConnectionsClient } from '../client/client';
import { Pacer } from '../client/pacer';
import { CredentialsError } from '../client/token';
import { reportPaths } from '../report/paths';
import { redactText } from '../report/redact';
import { ConfigError, suiteConfig, type SuiteConfig } from './config';
import { environmentOf, writeAllureEnvironment } from './environment';
import { discoverOriginal, SetupError } from './original-state';
import { announcePlan } from './plan';
import { startTarget, type StartedTarget } from './start-target';
import { heldRecord, recordFileOf, recordOriginal, recover } from './state-record';
import { describeTarget, publishTarget, withdrawTarget, type Target } from './target';
import { restoreAtTeardown } from './teardown';

async function setUp(config: SuiteConfig, started: StartedTarget): Promise<() => Promise<void>> {
  const { connectionId, baseUrl } = started;
  const recordFile = config.live ? recordFileOf(baseUrl, connectionId, config.stateDir) : undefined;
  const record = recordFile ? heldRecord(recordFile, connectionId) : undefined;
  if (recordFile) announcePlan(config, started, recordFile);
  const deadlineMs = config.requestDeadlineSeconds * 1000;
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'conformance-run-'));
  const breaker = TransportBreaker.create(path.join(runDir, 'transport-failures'), config.unresponsiveAfter);
  const pacer = Pacer.create({ file: path.join(runDir, 'pace'), perMinute: config.ratePerMinute, concurrency: config.concurrency });
  const client = new StorageConnectionsClient({
    baseUrl,
    token: started.token,
    deadlineMs,
    maxResponseBytes: config.maxResponseBytes,
    pacer,
  });
  const { readMethod, original: found, unreadable } = await discoverOriginal(client, connectionId, !!config.credentials);
  const original = record ? await recover(client, readMethod, record, found) : found;
  if (recordFile && !unreadable) recordOriginal(recordFile, started, original, record);
  const budget = config.requestBudget ? RequestBudget.create(path.join(runDir, 'requests'), config.requestBudget) : undefined;
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
    maxResponseBytes: config.maxResponseBytes,
    breaker: { file: breaker.file, threshold: breaker.threshold },
    readLagMs: config.readLagSeconds * 1000,
    original,
    probeMaxRequests: config.probeMaxRequests,
    pace: pacer.settings,
    budget: budget && { file: budget.file, limit: budget.limit },
    findingsDir: path.join(runDir, 'findings'),
    sentAheadDir: path.join(runDir, 'sent-ahead'),
    writesFile: path.join(runDir, 'writes'),
    // One seed for the run's generated checks, in every worker: CONFORMANCE_SEED replays a run.
    seed: config.seed ?? crypto.randomInt(0, 2 ** 31),
    generatedCases: config.generatedCases,
  };
  publishTarget(target, runDir);
  writeAllureEnvironment(reportPaths(config.reportsDir).allureResults, environmentOf(target));
  console.log(describeTarget(target));
  console.log(`Seed: ${target.seed} (CONFORMANCE_SEED=${target.seed} replays this run's generated cases)`);
  return () => restoreAtTeardown({ client, connectionId, readMethod, original, unreadable, breaker, recordFile, budget });
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
        withdrawTarget();
        await stop();
      }
    };
  } catch (error) {
    withdrawTarget();
    await started?.stop();
    console.error(`Setup error: ${messageOf(error)}`);
    process.exit(2);
  }
}
