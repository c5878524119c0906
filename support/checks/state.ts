// The connection under test, as the checks see it: reading it back, checking it is unchanged,
// knowing whether a test may have changed it, and restoring it.
import { test } from '@playwright/test';
import type { ApiResponse, Exchange, StorageConnectionsClient } from '../client/client';
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
export async function readBack(api: StorageConnectionsClient, target: Target): Promise<Connection> {
  const response = target.readMethod === 'GET' ? await api.get(target.connectionId) : await api.update(target.connectionId, {});
  await expect(response, `read back the connection with ${target.readMethod}`).toBeDocumentedResponse(200);
  return connectionOf(response);
}

/** Reads the connection back and checks it still has its original state. */
export async function expectUnchanged(api: StorageConnectionsClient, target: Target, why: string): Promise<void> {
  await test.step(
    `the connection is unchanged: ${why}`,
    async () => {
      const connection = await readBack(api, target);
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

/** Documented refusals: they change nothing, and the checks that say so read the connection back. */
const REFUSALS = [401, 404, 422, 429];

/** Follows a test's exchanges to know whether the connection may differ from its original state. */
export class StateTracker {
  private dirty = false;

  constructor(private readonly target: Target) {}

  readonly observe = (exchange: Exchange): void => {
    if (exchange.connectionId !== this.target.connectionId) return;
    const { status } = exchange.response;
    if (status === 200) {
      this.dirty = !sameState(connectionOf(exchange.response), this.target.original);
    } else if (exchange.method === 'PUT' && !REFUSALS.includes(status)) {
      // An undocumented answer (400, 5xx, a transport failure) to a PUT: what it did is unknown.
      this.dirty = true;
    }
  };

  get mayHaveChanged(): boolean {
    return this.dirty;
  }
}

/** Puts the original displayName and authenticationType back and checks the echo. */
export async function restoreOriginal(api: StorageConnectionsClient, target: Target): Promise<void> {
  const response = await api.update(target.connectionId, writeBackBody(target.original), { outsideBudget: true });
  await aboutState(() => {
    expect(response.status, 'restoring the connection to its original state').toBe(200);
    expect(mutableState(connectionOf(response)), 'the restored connection').toEqual(mutableState(target.original));
  });
}
