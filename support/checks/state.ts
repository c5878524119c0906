// The connection under test, as the checks see it: reading it back, checking it is unchanged,
// knowing whether a test may have changed it, and restoring it.
import { test } from '@playwright/test';
import type { ApiResponse, Exchange, SendOptions, StorageConnectionsClient } from '../client/client';
import { connectionIn, mutableState, identityOf, sameState, writeBackBody, type Connection } from '../contract/connection';
import { noteFailureKind } from '../report/failure-kind';
import type { Target } from '../run/target';
import { expect } from './matchers';

/** Runs assertions about the stored state; a failure among them is filed as state not preserved. */
export async function aboutState<T>(assertions: () => T | Promise<T>): Promise<T> {
  try {
    return await assertions();
  } catch (error) {
    noteFailureKind(test.info(), 'State not preserved');
    throw error;
  }
}

export const connectionOf = (response: ApiResponse): Connection => connectionIn(response.json);

/** Reads the connection back through the target's read method: GET, or PUT with an empty update. */
export async function readBack(api: StorageConnectionsClient, target: Target, options: SendOptions = {}): Promise<Connection> {
  const response =
    target.readMethod === 'GET' ? await api.get(target.connectionId, options) : await api.update(target.connectionId, {}, options);
  await expect(response, `read back the connection with ${target.readMethod}`).toBeDocumentedResponse(200);
  return connectionOf(response);
}

/** Time between two reads while a write has not shown yet. */
const POLL_INTERVAL_MS = 250;

/**
 * Reads the connection back until `shows` holds or the target's read lag (CONFORMANCE_READ_LAG_SECONDS)
 * is over: a replicated service may serve the previous state just after a write. Returns the last read;
 * a read that needed more than one try is noted in the report.
 */
export async function readBackUntil(
  api: StorageConnectionsClient,
  target: Target,
  shows: (connection: Connection) => boolean,
): Promise<Connection> {
  const started = Date.now();
  for (let reads = 1; ; reads++) {
    const connection = await readBack(api, target);
    const elapsed = Date.now() - started;
    if (shows(connection) || elapsed + POLL_INTERVAL_MS > target.readLagMs) {
      if (reads > 1)
        test.info().annotations.push({
          type: 'read lag',
          description: `${shows(connection) ? 'the write showed' : 'the write had not shown'} after ${reads} reads in ${elapsed} ms (allowed: ${target.readLagMs} ms)`,
        });
      return connection;
    }
    await new Promise(resolve => setTimeout(resolve, POLL_INTERVAL_MS));
  }
}

/** Reads the connection back and checks it still has its original state. */
export async function expectUnchanged(api: StorageConnectionsClient, target: Target, why: string): Promise<void> {
  await test.step(
    `the connection is unchanged: ${why}`,
    async () => {
      // A write from an earlier step may still be on its way out of a lagging replica: wait for the original.
      const connection = await readBackUntil(api, target, read => sameState(read, target.original));
      await aboutState(() => {
        expect(identityOf(connection), `the connection is unchanged ${why}: its identity`).toEqual(identityOf(target.original));
        expect(mutableState(connection), `the connection is unchanged ${why}: displayName and authenticationType`).toEqual(
          mutableState(target.original),
        );
      });
    },
    { box: true },
  );
}

/**
 * Follows a test's exchanges to know whether the connection may differ from its original state: a
 * 200 tells what the connection now holds; any other answer to a PUT (a refusal included: a server
 * may write before it refuses) leaves it unknown, to be read back after the test.
 */
export class StateTracker {
  private changed = false;
  private unknown = false;
  /** A request of this test failed in transit: its restore is left to teardown (the target may not answer). */
  transportFailed = false;

  constructor(private readonly target: Target) {}

  readonly observe = (exchange: Exchange): void => {
    if (exchange.response.status === 0) this.transportFailed = true;
    if (exchange.connectionId !== this.target.connectionId) return;
    if (exchange.response.status === 200) {
      const differs = !sameState(connectionOf(exchange.response), this.target.original);
      // A PUT's echo is the state now; a read may lag behind it, so it can show a change but never undo one.
      if (exchange.method === 'PUT') {
        this.changed = differs;
        this.unknown = false;
      } else if (differs) this.changed = true;
    } else if (exchange.method === 'PUT') {
      this.unknown = true;
    }
  };

  /** Changed for sure (a 200 said so), unknown (a PUT got another answer), or as it was. */
  get state(): 'changed' | 'unknown' | 'original' {
    return this.changed ? 'changed' : this.unknown ? 'unknown' : 'original';
  }
}

/** After a test: puts the original state back when a 200 changed it, or when a PUT got another answer. */
export async function restoreIfChanged(api: StorageConnectionsClient, target: Target, tracker: StateTracker): Promise<void> {
  if (tracker.state === 'original') return;
  // Whether a refused PUT wrote cannot be told from a read that may lag: write the original back, one
  // request as a read would be.
  await restoreOriginal(api, target);
}

/** Puts the original displayName and authenticationType back and checks the echo. */
export async function restoreOriginal(api: StorageConnectionsClient, target: Target): Promise<void> {
  const response = await api.update(target.connectionId, writeBackBody(target.original), { outsideBudget: true });
  await aboutState(() => {
    expect(response.status, 'restoring the connection to its original state').toBe(200);
    expect(mutableState(connectionOf(response)), 'the restored connection').toEqual(mutableState(target.original));
  });
}
