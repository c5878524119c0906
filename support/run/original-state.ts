// The connection's state before the run, and putting it back: global setup finds how the connection
// can be read (GET, or an empty PUT on a target that serves only the PUT) and what it holds; teardown
// and the recovery of an unfinished run restore it. All through the run's one client.
import type { StorageConnectionsClient } from '../client/client';
import { TransportError } from '../client/client';
import { mutableState, restorableConnectionIn, sameState, writeBackBody, type Connection, type MutableState } from '../contract/connection';
import type { ReadMethod } from './target';

export class SetupError extends Error {
  override name = 'SetupError';
}

/** A request of setup or teardown: a transport failure becomes one line about the target. */
async function send<T>(request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (error) {
    if (error instanceof TransportError)
      throw new SetupError(`the target could not be reached (${error.message}): ${error.fix ?? 'check API_BASE_URL'}.`);
    throw error;
  }
}

/**
 * Finds the connection's current state and the way to read it: GET first, then an empty PUT. A
 * configuration problem (the token refused, the id unknown, the host unreachable) is a SetupError; an
 * answer that breaks the contract (a 200 of the wrong shape, a 5xx, an undocumented status) is not:
 * the run goes on with `unreadable` saying why, and a check reports the response.
 */
export async function discover(
  client: StorageConnectionsClient,
  connectionId: string,
  tokenSource: string,
): Promise<{ readMethod: ReadMethod; original: Connection; unreadable?: string }> {
  const get = await send(() => client.get(connectionId, { outsideBudget: true }));
  if (get.status === 401) throw new SetupError(`the target rejected the token (401): ${tokenSource}.`);
  const fromGet = get.status === 200 ? restorableConnectionIn(get.json) : undefined;
  if (fromGet) return { readMethod: 'GET', original: fromGet };
  const put = await send(() => client.update(connectionId, {}, { outsideBudget: true }));
  if (put.status === 401) throw new SetupError(`the target rejected the token (401): ${tokenSource}.`);
  if (put.status === 404)
    throw new SetupError(`STORAGE_CONNECTION_ID ${connectionId} was not found on the target (404): set it to an existing connection.`);
  const fromPut = put.status === 200 ? restorableConnectionIn(put.json) : undefined;
  if (fromPut) return { readMethod: 'PUT', original: fromPut };
  return { readMethod: 'PUT', original: {}, unreadable: `GET answered ${get.status}, an empty PUT ${put.status}` };
}

/** Discovery as global setup runs it: `withCredentials` says where the token came from, for the 401's fix; an unreadable state is said. */
export async function discoverOriginal(
  client: StorageConnectionsClient,
  connectionId: string,
  withCredentials: boolean,
): Promise<{ readMethod: ReadMethod; original: Connection; unreadable?: string }> {
  const tokenSource = withCredentials
    ? 'check IMS_CLIENT_ID, IMS_SCOPE and that the service app was invited to the iTwin'
    : 'set API_ACCESS_TOKEN to a fresh token for scope itwin-platform';
  const found = await discover(client, connectionId, tokenSource);
  if (found.unreadable)
    console.log(
      `The connection's state could not be read (${found.unreadable}): the check that reads it reports the response, every other check is skipped, and nothing is changed.`,
    );
  return found;
}

/** Puts `wanted` back unless the connection already has it; says which. */
export async function restore(
  client: StorageConnectionsClient,
  connectionId: string,
  readMethod: ReadMethod,
  wanted: MutableState,
): Promise<'unchanged' | 'restored'> {
  const current = await send(() =>
    readMethod === 'GET' ? client.get(connectionId, { outsideBudget: true }) : client.update(connectionId, {}, { outsideBudget: true }),
  );
  if (sameState(current.status === 200 ? restorableConnectionIn(current.json) : undefined, wanted)) return 'unchanged';
  const put = await send(() => client.update(connectionId, writeBackBody(wanted), { outsideBudget: true }));
  if (sameState(put.status === 200 ? restorableConnectionIn(put.json) : undefined, wanted)) return 'restored';
  throw new SetupError(
    `could not restore connection ${connectionId} (PUT answered ${put.status}): set it back by hand to ${JSON.stringify(mutableState(wanted))}.`,
  );
}
