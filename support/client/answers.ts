// Answers sent ahead: requests that cannot disturb each other (refusals, which change nothing when the
// server is right) are sent at once by the checks layer (support/checks/refusals.ts), and a check that
// later sends the same request is given the answer that came back, with its exchanges, instead of
// sending it again. The client asks for an answer by the request's signature: everything that makes
// two requests the same (method, connection, body bytes, credentials, Accept, query, extra headers).
import type { Connection } from '../contract/connection';
import type { ApiResponse, Method } from './http';
import type { SendOptions } from './send-options';

/** What makes two requests of the client the same request. */
export function requestSignature(method: Method, connectionId: string, data: string | undefined, options: SendOptions): string {
  const { credentials = 'token', accept, query, headers, authorizationLines } = options;
  return JSON.stringify([
    method,
    connectionId,
    data ?? null,
    credentials,
    accept ?? null,
    query ?? null,
    headers ?? null,
    authorizationLines ?? null,
  ]);
}

/** An answer sent ahead: its exchanges (each throttled attempt included) and the response the client returns. */
export interface AnswerSentAhead<E> {
  exchanges: E[];
  response: ApiResponse;
}

export interface AnswersSentAhead<E> {
  /** The answer to a request with this signature, if one was sent ahead (each answer is given once). */
  take(signature: string): AnswerSentAhead<E> | undefined;
  /** A request of the client that had no answer sent ahead, and was sent now. */
  sentNow(method: Method, connectionId: string): void;
  /** The connection after the requests answered so far, known without a read; undefined: read it. */
  stateAfter(): Connection | undefined;
  /** The connection as read after the request that got this answer, if it was sent ahead. */
  stateAfterAnswer(response: ApiResponse): Connection | undefined;
}
