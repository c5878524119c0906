// The connection under test: reading it back, comparing it with its original state, restoring it,
// and the consistency rules between its fields and its links.
import { test } from '@playwright/test';
import type { ApiResponse, Exchange, StorageConnectionsClient } from './client';
import { expect } from './matchers';
import type { Connection, Target } from './target';

export const AUTHENTICATION_TYPES = ['User', 'Service'] as const;

export function connectionOf(response: ApiResponse): Connection {
  return ((response.json ?? {}) as { connection?: Connection }).connection ?? {};
}

export function otherAuthenticationType(type: Connection['authenticationType']): 'User' | 'Service' {
  return type === 'Service' ? 'User' : 'Service';
}

/** The fields the suite changes and restores. */
export function mutableState(connection: Connection): Pick<Connection, 'displayName' | 'authenticationType'> {
  return { displayName: connection.displayName, authenticationType: connection.authenticationType };
}

/** Whether two connections have the same displayName and authenticationType. */
export function sameState(a: Connection | undefined, b: Connection): boolean {
  return a !== undefined && a.displayName === b.displayName && a.authenticationType === b.authenticationType;
}

/** Reads the connection back through the target's read method: GET, or PUT with an empty update. */
export async function readBack(api: StorageConnectionsClient, target: Target): Promise<Connection> {
  const response = target.readMethod === 'GET' ? await api.get(target.connectionId) : await api.update(target.connectionId, {});
  await expect(response, `read back the connection with ${target.readMethod}`).toBeDocumentedResponse(200);
  return connectionOf(response);
}

/** Reads the connection back and checks it still has its original state. */
export async function expectUnchanged(api: StorageConnectionsClient, target: Target, why: string): Promise<void> {
  await test.step(`the connection is unchanged: ${why}`, async () => {
    const connection = await readBack(api, target);
    expect(identityOf(connection), `the connection is unchanged ${why}: its identity`).toEqual(identityOf(target.original));
    expect(mutableState(connection), `the connection is unchanged ${why}: displayName and authenticationType`).toEqual(mutableState(target.original));
  }, { box: true });
}

export function identityOf(connection: Connection): Pick<Connection, 'id' | 'iModelId' | 'iTwinId'> {
  return { id: connection.id, iModelId: connection.iModelId, iTwinId: connection.iTwinId };
}

function lastSegment(href: string | undefined): string | undefined {
  if (!href) return undefined;
  try {
    return new URL(href).pathname.split('/').filter(Boolean).pop();
  } catch {
    return undefined;
  }
}

/**
 * Where the links disagree with the connection: the iModel and iTwin links end with the connection's
 * ids, and the lastRun link (when the connection has run) is a run of this connection.
 */
export function linkProblems(connection: Connection, connectionId: string): string[] {
  const problems: string[] = [];
  const links = connection._links ?? {};
  if (connection.iModelId === undefined) problems.push('the connection has no iModelId (a connection is linked with an iModel)');
  // UUIDs compare without case (RFC 4122); the connection id is opaque and compares exactly.
  const sameUuid = (a: string | undefined, b: string | undefined) => a !== undefined && a.toLowerCase() === b?.toLowerCase();
  if (links.iModel && !sameUuid(lastSegment(links.iModel.href), connection.iModelId))
    problems.push(`_links.iModel.href ${JSON.stringify(links.iModel.href)} does not end with iModelId ${connection.iModelId}`);
  if (links.iTwin && !sameUuid(lastSegment(links.iTwin.href), connection.iTwinId))
    problems.push(`_links.iTwin.href ${JSON.stringify(links.iTwin.href)} does not end with iTwinId ${connection.iTwinId}`);
  const lastRun = links.lastRun?.href;
  if (lastRun !== undefined) {
    let path = '';
    try {
      path = decodeURIComponent(new URL(lastRun).pathname);
    } catch {
      // an unparsable href is reported below, as well as by the schema's uri format
    }
    // The segment's name in any case (an older definition spelled it storageConnections), the id exactly.
    const at = path.toLowerCase().indexOf('/storageconnections/');
    if (at < 0 || !path.startsWith(`${connectionId}/runs/`, at + '/storageconnections/'.length))
      problems.push(`_links.lastRun.href ${JSON.stringify(lastRun)} is not a run of connection ${connectionId}`);
  }
  return problems;
}

/** Documented refusals: they change nothing, and the checks that say so read the connection back. */
const REFUSALS = [401, 404, 422, 429];

/**
 * Follows the exchanges of one test and says whether the connection may differ from its original
 * state afterwards, so that the restore costs a request only when it is needed.
 */
export class StateTracker {
  private dirty = false;

  constructor(private readonly target: Target) {}

  readonly observe = (exchange: Exchange): void => {
    if (exchange.connectionId !== this.target.connectionId) return;
    const { status } = exchange.response;
    if (status === 200) {
      this.dirty = !sameState(connectionOf(exchange.response), this.target.original);
    } else if (exchange.method === 'PUT' && !REFUSALS.includes(status)) {
      // An undocumented answer (400, 5xx, ...) to a PUT: what it did to the connection is unknown.
      this.dirty = true;
    }
  };

  get mayHaveChanged(): boolean {
    return this.dirty;
  }
}

/** The update that writes a connection's displayName and authenticationType (those it has) again. */
export function writeBackBody(connection: Connection): Record<string, unknown> {
  return Object.fromEntries(Object.entries(mutableState(connection)).filter(([, value]) => value !== undefined));
}

/** Puts the original displayName and authenticationType back and checks the echo. */
export async function restoreOriginal(api: StorageConnectionsClient, target: Target): Promise<void> {
  const original = mutableState(target.original);
  const response = await api.update(target.connectionId, writeBackBody(target.original), { outsideBudget: true });
  expect(response.status, 'restoring the connection to its original state').toBe(200);
  expect(mutableState(connectionOf(response)), 'the restored connection').toEqual(original);
}
