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
  /** Seconds waited on 503s (Service Unavailable, with retry-after) before this response. */
  unavailableWaits?: number[];
  /** The body was larger than the client reads whole: that ceiling and the bytes read before it stopped (text holds their start). */
  oversized?: { limit: number; read: number };
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

/** What is kept of a body past the ceiling: its start, enough to show what it was. */
const KEPT_OF_OVERSIZED = 64 * 1024;

/**
 * Reads a body as bytes (text() would drop a byte order mark), but no more than `max` of them: past
 * that, the rest is not read, the answer says so (oversized) and keeps only its start.
 */
export async function readCapped(answer: Response, max: number): Promise<{ text: string; oversized?: { limit: number; read: number } }> {
  if (!answer.body) return { text: '' };
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of answer.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > max) {
      await answer.body.cancel().catch(() => {});
      return { text: Buffer.concat(chunks).subarray(0, KEPT_OF_OVERSIZED).toString('utf8'), oversized: { limit: max, read: size } };
    }
    chunks.push(Buffer.from(chunk));
  }
  return { text: Buffer.concat(chunks).toString('utf8') };
}
