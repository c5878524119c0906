// Connection ids for negative cases. Real ids are opaque, 43 base64url characters (32 bytes, no
// padding, see the platform notes): an unknown id has exactly that shape, so a 404 cannot be
// blamed on the id's format.
import crypto from 'node:crypto';

export function unknownConnectionId(): string {
  return crypto.randomBytes(32).toString('base64url');
}

/** Ids no server can take for a connection id: the document answers them with 422 InvalidValue. */
export const INVALID_CONNECTION_IDS = ['not a valid id!', '{connectionId}', "'; DROP TABLE connections;--"];
