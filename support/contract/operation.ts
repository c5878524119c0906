// The operation as the document states it: its path, the recommended Accept value, the documented
// statuses with the model of each one's body, the documented error codes and the enum values. Every
// other module (the client, the checks, the mock's tests) takes these from here.
import type { ModelName } from './schemas';

export const DOCUMENTATION_URL = 'https://developer.bentley.com/apis/synchronization/operations/update-storage-connection/';

/** `PUT {base}/synchronization/imodels/storageconnections/{connectionId}` (and its GET sibling). */
export const CONNECTIONS_PATH = '/synchronization/imodels/storageconnections';

/** "Setting to application/vnd.bentley.itwin-platform.v1+json is recommended." */
export const RECOMMENDED_ACCEPT = 'application/vnd.bentley.itwin-platform.v1+json';

/** Authentication Type: "One of 'User' or 'Service'." */
export const AUTHENTICATION_TYPES = ['User', 'Service'] as const;
export type AuthenticationType = (typeof AUTHENTICATION_TYPES)[number];

/** The statuses the operation documents, and the model of each one's body. */
export const DOCUMENTED_RESPONSES: Record<number, ModelName> = {
  200: 'StorageConnectionResponse',
  401: 'ErrorResponse',
  404: 'ErrorResponse',
  422: 'ErrorResponse',
  429: 'ErrorResponse',
};

/** The error the document shows for each documented case: its code and message. */
export const DOCUMENTED_ERRORS = {
  headerNotFound: { code: 'HeaderNotFound', message: 'Header Authorization was not found in the request. Access denied.' },
  notFound: { code: 'StorageConnectionNotFound', message: 'Requested StorageConnection is not available.' },
  invalidRequest: { code: 'InvalidStorageConnectionRequest', message: 'Cannot perform operation.' },
  rateLimited: {
    code: 'RateLimitExceeded',
    message: 'The client sent more requests than allowed by this API for the current tier of the client.',
  },
} as const;

/** The error code the document gives for each documented case. */
export const ERROR_CODES = {
  headerNotFound: DOCUMENTED_ERRORS.headerNotFound.code,
  notFound: DOCUMENTED_ERRORS.notFound.code,
  invalidRequest: DOCUMENTED_ERRORS.invalidRequest.code,
  rateLimited: DOCUMENTED_ERRORS.rateLimited.code,
} as const;

/** Other platform pages name the 429 code TooManyRequests. */
export const OTHER_RATE_LIMIT_CODES = ['TooManyRequests'] as const;

/** The error body of a documented failure, as far as the checks read it. */
export interface ErrorBody {
  error: { code: string; message?: string; details?: { code?: string; message?: string; target?: string | null }[] };
}

/** The error code of a response body, or undefined when it has none. */
export function errorCodeOf(json: unknown): string | undefined {
  return (json as Partial<ErrorBody> | undefined)?.error?.code;
}
