// The bytes of one exchange: what the client sends (a JSON value, raw text, or no body) and what it
// received, with the body parsed when it is JSON.

/** A request body sent byte for byte (malformed JSON, non-objects), instead of serialised JSON. */
export class RawBody {
  constructor(readonly text: string) {}
}
export const raw = (text: string) => new RawBody(text);
/** Send no body at all. */
export const NO_BODY = Symbol('no body');

export type Method = 'GET' | 'PUT';

/** Credentials: the target's token (default), none at all, or an Authorization header as given. */
export type Credentials = 'token' | 'none' | { authorization: string };

export interface ApiResponse {
  method: Method;
  url: string;
  status: number;
  /** Lower-case header names. */
  headers: Record<string, string>;
  text: string;
  /** The parsed body, or undefined when it is not JSON. */
  json: unknown;
  /** Seconds waited on 429s before this response. */
  throttleWaits: number[];
}

/** The bytes of a body, and how it reads in a report; undefined data: no body. */
export function encodeBody(body: unknown): { data?: string; description: string } {
  if (body === NO_BODY) return { description: '(no body)' };
  if (body instanceof RawBody) return { data: body.text, description: body.text };
  const data = JSON.stringify(body);
  return { data, description: data };
}

export function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
