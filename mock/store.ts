// The mock's state: storage connections in memory, seeded with one connection that has run once.
import crypto from 'node:crypto';
import type { AuthenticationType } from '../support/contract/operation';

export interface StoredConnection {
  id: string;
  iModelId: string;
  iTwinId: string;
  displayName: string;
  authenticationType: AuthenticationType;
  lastRunId?: string;
}

/** A new connection id of the shape the document's examples show: 43 base64url characters (32 random bytes). */
function newConnectionId(): string {
  return crypto.randomBytes(32).toString('base64url');
}

/** The connection the mock starts with; `id` of another shape for the variants that need one (mock/variants-shapes.ts). */
export function seedConnection(id = newConnectionId()): StoredConnection {
  return {
    id,
    iModelId: crypto.randomUUID(),
    iTwinId: crypto.randomUUID(),
    displayName: 'Conformance seed connection',
    authenticationType: 'User',
    lastRunId: crypto.randomUUID(),
  };
}

export class ConnectionStore {
  private readonly connections = new Map<string, StoredConnection>();

  constructor(private readonly seed: StoredConnection[]) {
    this.reset();
  }

  reset(): void {
    this.connections.clear();
    for (const connection of this.seed) this.connections.set(connection.id, { ...connection });
  }

  get(id: string): StoredConnection | undefined {
    const connection = this.connections.get(id);
    return connection && { ...connection };
  }

  has(id: string): boolean {
    return this.connections.has(id);
  }

  /** The ids of the stored connections. */
  ids(): string[] {
    return [...this.connections.keys()];
  }

  put(connection: StoredConnection): void {
    this.connections.set(connection.id, { ...connection });
  }

  get size(): number {
    return this.connections.size;
  }
}

/** The connection as the API represents it: `{ connection: {...} }` with links built on `linkBase`. */
export function representation(connection: StoredConnection, linkBase: string) {
  return {
    connection: {
      id: connection.id,
      iModelId: connection.iModelId,
      iTwinId: connection.iTwinId,
      authenticationType: connection.authenticationType,
      displayName: connection.displayName,
      _links: {
        iModel: { href: `${linkBase}/imodels/v1/${connection.iModelId}` },
        iTwin: { href: `${linkBase}/itwins/v1/${connection.iTwinId}` },
        ...(connection.lastRunId && {
          lastRun: { href: `${linkBase}/synchronization/imodels/storageconnections/${connection.id}/runs/${connection.lastRunId}` },
        }),
      },
    },
  };
}
