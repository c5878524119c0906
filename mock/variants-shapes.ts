// Variants of shape: servers that keep the contract with error bodies and connection ids other than
// the default mock's. Error properties may be null or absent (the Error Response note: clients "MUST
// NOT assume ... that all of the properties in the response will be non-null"); connection ids are
// opaque and the document fixes no format (platform notes), so a deployment may use UUIDs, hex ids or
// longer ones, and refuse an id of any other shape with 422 InvalidValue connectionId.
import crypto from 'node:crypto';
import { onStatus, errorCode, mapResponse, type Behaviour } from './behaviour-kit';
import { ERROR_CODES } from '../support/contract/operation';
import { invalidRequest, type MockResponse } from './operation';
import { seedConnection } from './store';

interface Variant {
  description: string;
  behaviour: Behaviour;
}

type ErrorObject = { code?: unknown; message?: unknown; target?: unknown; details?: Record<string, unknown>[] };

/** Every error body changed by `change` (the top-level error, and each of its details). */
const mapErrors = (change: (error: ErrorObject, isDetail: boolean) => ErrorObject): Behaviour =>
  mapResponse(
    response => {
      const { error } = response.body as { error: ErrorObject };
      const details = error.details?.map(detail => change(detail, true));
      return { ...response, body: { error: { ...change(error, false), ...(details && { details }) } } };
    },
    response => response.status >= 400 && typeof (response.body as { error?: unknown } | undefined)?.error === 'object',
  );

const without = (error: ErrorObject, ...names: (keyof ErrorObject)[]): ErrorObject =>
  Object.fromEntries(Object.entries(error).filter(([name]) => !(names as string[]).includes(name)));

/**
 * Connection ids of another shape: the mock starts with one made by `newId`, and an id that does not
 * match `pattern` gets 422 InvalidValue connectionId where the default mock answers 404.
 */
function idsShaped(newId: () => string, pattern: RegExp, normalise: (id: string) => string = id => id): Behaviour {
  const behaviour: Behaviour = (request, next) => {
    const id = request.connectionId;
    const normalised = id === undefined ? id : normalise(id);
    const response: MockResponse = next(normalised === id ? request : { ...request, connectionId: normalised });
    if (id === undefined || response.status !== 404 || errorCode(response) !== ERROR_CODES.notFound || pattern.test(id)) return response;
    return invalidRequest([{ code: 'InvalidValue', message: 'Provided connectionId value is not valid.', target: 'connectionId' }]);
  };
  return Object.assign(behaviour, { seed: () => [seedConnection(newId())] });
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const SHAPE_VARIANTS: Record<string, Variant> = {
  'null-error-messages': {
    description:
      'every error has "message": null and "target": null, and every detail "code": null and "message": null (targets kept): the Error Response note says no property may be assumed non-null',
    behaviour: mapErrors((error, isDetail) =>
      isDetail ? { ...error, code: null, message: null } : { ...error, message: null, target: null },
    ),
  },
  'error-codes-null': {
    description:
      'every error has "code": null (details keep theirs): the Error Response note lets any property be null, so a missing documented code is an advisory, never a failure',
    behaviour: mapErrors((error, isDetail) => (isDetail ? error : { ...error, code: null })),
  },
  'empty-error-bodies': {
    description:
      'every refusal (401, 404, 422, 429) answers {} as its body: "clients MUST NOT assume that every failed request will produce an object of this schema"',
    behaviour: onStatus([401, 404, 422, 429], response => ({ ...response, body: {} })),
  },
  'error-messages-absent': {
    description:
      'errors carry no message, and details neither code nor message (targets kept): the Error Response note says no property may be assumed present',
    behaviour: mapErrors((error, isDetail) => (isDetail ? without(error, 'code', 'message') : without(error, 'message'))),
  },
  'uuid-ids': {
    description:
      'connection ids are UUIDs, compared without case (RFC 9562), and any other id is refused with 422 InvalidValue connectionId: ids are opaque and the document fixes no format',
    behaviour: idsShaped(
      () => crypto.randomUUID(),
      UUID,
      id => (UUID.test(id) ? id.toLowerCase() : id),
    ),
  },
  'hex-ids': {
    description:
      'connection ids are 24 lower-case hex digits (as a document store makes them), and any other id is refused with 422 InvalidValue connectionId',
    behaviour: idsShaped(() => crypto.randomBytes(12).toString('hex'), /^[0-9a-f]{24}$/),
  },
  'long-ids': {
    description:
      'connection ids are 64 base64url characters (48 bytes), and an id of any other length or alphabet is refused with 422 InvalidValue connectionId',
    behaviour: idsShaped(() => crypto.randomBytes(48).toString('base64url'), /^[A-Za-z0-9_-]{64}$/),
  },
};
