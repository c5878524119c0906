// The end of a run, whether the checks passed or not: the connection is put back in its original state
// (under a short deadline when the target stopped answering), the live record removed once it is, and
// a request budget spent before every check ran is said as the run's failure.
import path from 'node:path';
import type { RequestBudget } from '../client/budget';
import type { TransportBreaker } from '../client/breaker';
import { StorageConnectionsClient } from '../client/client';
import { mutableState, type Connection } from '../contract/connection';
import { restore } from './original-state';
import { removeRecord } from './state-record';
import type { ReadMethod } from './target';

/** The restore of an unresponsive target gets this long per request, so a hung target ends the run quickly. */
const UNRESPONSIVE_RESTORE_DEADLINE_MS = 5_000;

export interface RunToRestore {
  client: StorageConnectionsClient;
  connectionId: string;
  readMethod: ReadMethod;
  original: Connection;
  /** Why the state could not be read at setup: then nothing was changed, and nothing is restored. */
  unreadable?: string;
  breaker: TransportBreaker;
  /** A live target's record of the original state, removed once the connection is restored. */
  recordFile?: string;
  budget?: RequestBudget;
}

export async function restoreAtTeardown(run: RunToRestore): Promise<void> {
  const { client, connectionId, readMethod, original, breaker, recordFile, budget } = run;
  if (run.unreadable) return;
  const unresponsive = breaker.open;
  if (unresponsive)
    console.log(
      `The target stopped answering at ${unresponsive.since} (${unresponsive.failures} requests in a row got no answer within ${client.options.deadlineMs / 1000} s); restoring the connection under a ${UNRESPONSIVE_RESTORE_DEADLINE_MS / 1000} s deadline.`,
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
    const kept = recordFile
      ? `its original state stays recorded in ${path.relative(process.cwd(), recordFile)}, and the next run restores it`
      : 'it may keep a changed state';
    console.error(`Teardown: the target did not answer the restore either (${(error as Error).message}); ${kept}.`);
    return;
  }
  console.log(
    `Teardown: the connection ${outcome === 'restored' ? 'was restored to' : 'is in'} its original state${budget ? `; ${budget.used} of ${budget.limit} budgeted requests sent` : ''}.`,
  );
  if (recordFile) removeRecord(recordFile);
  if (budget?.refusals)
    throw new Error(
      `the run's request budget of ${budget.limit} was spent before every check ran (${budget.refusals} refused): raise CONFORMANCE_REQUEST_BUDGET if the target can take more.`,
    );
}
