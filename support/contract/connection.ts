// The Storage Connection as the document defines it: its properties, its identity, the two properties
// an update can change, and the consistency rules between its fields and its links.
import { AUTHENTICATION_TYPES, type AuthenticationType } from './operation';

export interface Connection {
  id?: string;
  iModelId?: string;
  iTwinId?: string;
  displayName?: string;
  authenticationType?: AuthenticationType;
  _links?: Record<string, { href?: string } | undefined>;
  [extra: string]: unknown;
}

/** The properties an update can change: displayName and authenticationType. */
export type MutableState = Pick<Connection, 'displayName' | 'authenticationType'>;

/** The connection of a `{ connection: ... }` body, or an empty one. */
export function connectionIn(json: unknown): Connection {
  const connection = (json as { connection?: unknown } | undefined)?.connection;
  return connection !== null && typeof connection === 'object' && !Array.isArray(connection) ? (connection as Connection) : {};
}

/** The connection in a body, if it has the state a restore needs (a string name, a documented type). */
export function restorableConnectionIn(json: unknown): Connection | undefined {
  const connection = connectionIn(json);
  const { displayName, authenticationType } = connection;
  if (typeof displayName !== 'string' || !AUTHENTICATION_TYPES.includes(authenticationType as never)) return undefined;
  return connection;
}

export function otherAuthenticationType(type: Connection['authenticationType']): AuthenticationType {
  return type === 'Service' ? 'User' : 'Service';
}

export function mutableState(connection: Connection): MutableState {
  return { displayName: connection.displayName, authenticationType: connection.authenticationType };
}

/** The displayName and authenticationType a connection gives (one it leaves out is the schema's finding, not a state). */
export function presentState(connection: Connection): MutableState {
  return Object.fromEntries(Object.entries(mutableState(connection)).filter(([, value]) => value !== undefined));
}

/** Whether `connection` holds every value `state` gives. */
export const holds = (connection: Connection, state: MutableState) =>
  Object.entries(state).every(([name, value]) => connection[name] === value);

/** The named properties of a connection. */
export const pick = (connection: Connection, names: readonly string[]) => Object.fromEntries(names.map(name => [name, connection[name]]));

/** Whether two connections have the same displayName and authenticationType. */
export function sameState(a: Connection | undefined, b: Connection): boolean {
  return a !== undefined && a.displayName === b.displayName && a.authenticationType === b.authenticationType;
}

/** The update that writes a connection's displayName and authenticationType (those it has) again. */
export function writeBackBody(connection: Connection): Record<string, unknown> {
  return Object.fromEntries(Object.entries(mutableState(connection)).filter(([, value]) => value !== undefined));
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

/** The UUID form the schema gives iModelId and iTwinId (any version, any case). */
export const isUuid = (text: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(text);

/** UUIDs compare without case (RFC 4122); the connection id is opaque and compares exactly. */
const sameUuid = (a: string | undefined, b: string | undefined) => a !== undefined && a.toLowerCase() === b?.toLowerCase();

/** Whether the lastRun href is a run of the connection (the segment's name in any case, the id exactly). */
function isRunOf(href: string, connectionId: string): boolean {
  let path = '';
  try {
    path = decodeURIComponent(new URL(href).pathname);
  } catch {
    return false;
  }
  const at = path.toLowerCase().indexOf('/storageconnections/');
  return at >= 0 && path.startsWith(`${connectionId}/runs/`, at + '/storageconnections/'.length);
}

/**
 * Where the links disagree with the connection: the iModel and iTwin links end with the connection's
 * ids, and the lastRun link (when the connection has run) is a run of this connection. Each problem
 * starts with the link it is about. A link or id left out is the schema's finding, not one of these.
 */
export function linkProblems(connection: Connection, connectionId: string): string[] {
  const problems: string[] = [];
  const links = connection._links ?? {};
  if (links.iModel && isUuid(connection.iModelId ?? '') && !sameUuid(lastSegment(links.iModel.href), connection.iModelId))
    problems.push(`_links.iModel.href ${JSON.stringify(links.iModel.href)} does not end with iModelId ${connection.iModelId}`);
  if (links.iTwin && isUuid(connection.iTwinId ?? '') && !sameUuid(lastSegment(links.iTwin.href), connection.iTwinId))
    problems.push(`_links.iTwin.href ${JSON.stringify(links.iTwin.href)} does not end with iTwinId ${connection.iTwinId}`);
  const lastRun = links.lastRun?.href;
  if (lastRun !== undefined && !isRunOf(lastRun, connectionId))
    problems.push(`_links.lastRun.href ${JSON.stringify(lastRun)} is not a run of connection ${connectionId}`);
  return problems;
}
