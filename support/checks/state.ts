// The connection under test, as the checks see it: reading it back, checking it is unchanged,
// knowing whether a test may have changed it, and restoring it. A state that is not preserved is a
// finding (support/checks/findings.ts) of the clause the check's tags name for it.
import { test } from '@playwright/test';
import type { ApiResponse, Exchange, SendOptions, StorageConnectionsClient } from '../client/client';
import { brokenClauseOf, type ClauseId } from '../contract/clauses';
import { connectionIn, mutableState, sameState, writeBackBody, type Connection } from '../contract/connection';
import { noteFailureKind } from '../report/failure-kind';
import type { Target } from '../run/target';
import { expectEach } from './echo';
import type { FindingFact } from './findings';
import { expect, knownFindingsOf } from './matchers';
import { mayBeLag, noteWrite } from './write-log';

/**
 * Runs assertions about the stored state; a failure among them is filed as state not preserved (the
 * assertions themselves say which finding it is, through expectEach or asFinding).
 */
export async function aboutState<T>(assertions: () => T | Promise<T>): Promise<T> {
  try {
    return await assertions();
  } catch (error) {
    noteFailureKind(test.info(), 'State not preserved');
    throw error;
  }
}

/**
 * The connection a 200 echoed. When the answer has none, and what kept it from having one is a finding
 * another check already failed with, the rest of this check cannot be judged: it is skipped, saying so.
 */
export function connectionOf(response: ApiResponse): Connection {
  const connection = connectionIn(response.json);
  const known = knownFindingsOf(response);
  if (Object.keys(connection).length === 0 && known.length)
    test.skip(true, `not judged further: the answer has no connection to read, because of a finding met before in this run (${known[0]})`);
  return connection;
}

/** The answer to a read of the connection through the target's read method: GET, or PUT with an empty update. */
export function readRequest(api: StorageConnectionsClient, target: Target, options: SendOptions = {}): Promise<ApiResponse> {
  return target.readMethod === 'GET' ? api.get(target.connectionId, options) : api.update(target.connectionId, {}, options);
}

/** Reads the connection back through the target's read method, which must answer the documented 200. */
export async function readBack(api: StorageConnectionsClient, target: Target, options: SendOptions = {}): Promise<Connection> {
  const response = await readRequest(api, target, options);
  await expect(response, `read back the connection with ${target.readMethod}`).toBeDocumentedResponse(200);
  return connectionOf(response);
}

/** Time between two reads while a write has not shown yet. */
export const POLL_INTERVAL_MS = 250;

/**
 * Reads (with `read`) until `shows` holds or the target's read lag (CONFORMANCE_READ_LAG_SECONDS) is
 * over: a replicated service may serve the previous state just after a write. A read showing a state
 * no lag explains (support/checks/write-log.ts), or no connection at all, ends the wait at once.
 * Returns the last read, with how many reads and how long it took.
 */
export async function pollReads<C extends Connection | undefined>(
  target: Target,
  read: () => Promise<C>,
  shows: (connection: Connection) => boolean,
): Promise<{ connection: C; reads: number; elapsedMs: number }> {
  const started = Date.now();
  for (let reads = 1; ; reads++) {
    const connection = await read();
    const elapsedMs = Date.now() - started;
    // A state no lagging replica could show is what the connection holds: no need to wait for another.
    if (!connection || shows(connection) || elapsedMs + POLL_INTERVAL_MS > target.readLagMs || !mayBeLag(target, connection))
      return { connection, reads, elapsedMs };
    await new Promise(resolve => setTimeout(resolve, POLL_INTERVAL_MS));
  }
}

/**
 * Reads the connection back (pollReads) until `shows` holds, as a report step; a read that needed more
 * than one try is noted in the report.
 */
export async function readBackUntil(
  api: StorageConnectionsClient,
  target: Target,
  shows: (connection: Connection) => boolean,
): Promise<Connection> {
  // Boxed: a read that breaks the document is reported at the check's own line, not here.
  return test.step(
    `read back the connection with ${target.readMethod}`,
    async () => {
      const { connection, reads, elapsedMs } = await pollReads(target, () => readBack(api, target), shows);
      if (reads > 1)
        test.info().annotations.push({
          type: 'read lag',
          description: `${shows(connection) ? 'the write showed' : 'the write had not shown'} after ${reads} reads in ${elapsedMs} ms (allowed: ${target.readLagMs} ms)`,
        });
      return connection;
    },
    { box: true },
  );
}

/** The fact a changed property breaks after requests that must change nothing (`why`): one, whichever property changed. */
export const unchangedFact = (why: string, clause: ClauseId): FindingFact => ({ clause, what: `the connection changed ${why}` });

/** The properties a request that changes nothing must leave as they were. */
export const CONNECTION_PROPERTIES = ['id', 'iModelId', 'iTwinId', 'displayName', 'authenticationType'];

/**
 * Reads the connection back and checks it still has its original state, each property a finding of
 * `clause` (by default the one the check's tags name for its state).
 */
export async function expectUnchanged(api: StorageConnectionsClient, target: Target, why: string, clause?: ClauseId): Promise<void> {
  await test.step(
    `the connection is unchanged: ${why}`,
    async () => {
      // Requests answered from a batch sent at once were read back after it (support/checks/refusals.ts);
      // otherwise a write from an earlier step may still be on its way out of a lagging replica: wait for the original.
      const known = api.options.answers?.stateAfter();
      const connection = known ?? (await readBackUntil(api, target, read => sameState(read, target.original)));
      const fact = unchangedFact(why, clause ?? brokenClauseOf('State not preserved', test.info().tags) ?? 'update.operation');
      await aboutState(() => expectEach(fact, connection, target.original, CONNECTION_PROPERTIES, `the connection is unchanged ${why}`));
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
    // Sent ahead with other refusals: the connection was read back, and put back if need be, after them.
    if (exchange.sentAhead) return;
    noteWrite(this.target, exchange);
    if (exchange.response.status === 0) this.transportFailed = true;
    if (exchange.connectionId !== this.target.connectionId) return;
    if (exchange.response.status === 200) {
      const differs = !sameState(connectionIn(exchange.response.json), this.target.original);
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

/**
 * Puts the original displayName and authenticationType back. A 200 echoing them is enough; any other
 * answer (findings of their own, judged by the checks) is followed by a read-back that must show them.
 */
export async function restoreOriginal(api: StorageConnectionsClient, target: Target): Promise<void> {
  const response = await api.update(target.connectionId, writeBackBody(target.original), { outsideBudget: true });
  if (response.status === 200 && sameState(connectionIn(response.json), target.original)) return;
  const stored = await readBackUntil(api, target, read => sameState(read, target.original));
  // The suite's own housekeeping, not a judgment of a check: a failure here is no finding.
  await aboutState(() =>
    expect(mutableState(stored), `restoring the connection (the PUT answered ${response.status})`).toEqual(mutableState(target.original)),
  );
}
