// What a generated case judges beyond the response's shape: its read-back (which waits only for what a
// lagging replica could show), a 422's named targets, and an accepted update's echo. cases.ts runs the cases.
import { isDeepStrictEqual } from 'node:util';
import { FACTS } from '../checks/echo';
import { asFinding } from '../checks/findings';
import { expect } from '../checks/matchers';
import { pollReads, readBack } from '../checks/state';
import type { ApiResponse, StorageConnectionsClient } from '../client/client';
import type { Connection } from '../contract/connection';
import { acceptableNames } from '../contract/names';
import type { ErrorBody } from '../contract/operation';
import type { Target } from '../run/target';
import { propertiesOf, resolved } from './from-schema';
import { isFreeText, UPDATE_SCHEMA } from './oracle';

export const UPDATE_PROPERTIES = propertiesOf(UPDATE_SCHEMA).properties;

/**
 * Reads the connection back until `shows` holds, the read lag is over, or the read shows a state no lag
 * explains (support/checks/state.ts pollReads, with the run's write log: a failing case, and each shrink
 * attempt of it, does not wait for what cannot come), without a report step of its own: the case is one.
 */
export async function readUntil(
  api: StorageConnectionsClient,
  target: Target,
  shows: (connection: Connection) => boolean,
  /** The answer of the case's request: if it was sent ahead, the state read after it is known (support/checks/refusals.ts). */
  answer?: ApiResponse,
): Promise<Connection> {
  const known = answer && api.options.answers?.stateAfterAnswer(answer);
  if (known) return known;
  return (await pollReads(target, () => readBack(api, target), shows)).connection;
}

/** The targets a 422's details name (those that name one). */
export function namedTargets(response: ApiResponse): string[] {
  const details = ((response.json ?? {}) as Partial<ErrorBody>).error?.details ?? [];
  return details.map(detail => detail.target).filter((target): target is string => typeof target === 'string');
}

/**
 * An accepted update's echo: what it names as sent (up to the tolerated forms), what it leaves out as it
 * was. Returns the properties it echoed wrong (their own findings).
 */
export async function expectEcho(body: Record<string, unknown>, echoed: Connection, original: Connection): Promise<string[]> {
  const wrong: string[] = [];
  for (const [name, schema] of Object.entries(UPDATE_PROPERTIES)) {
    const got = echoed[name];
    if (got === undefined) continue; // left out of the echo: the schema's finding, not this one's
    if (!(name in body)) {
      if (!isDeepStrictEqual(got, original[name])) wrong.push(name);
      await asFinding(FACTS.kept, () => expect(got, `${name}, left out of the update, keeps its value`).toEqual(original[name]));
      continue;
    }
    const sent = body[name];
    if (typeof sent !== 'string') continue; // null, where the document is silent: any value the read-back confirms
    // undefined: the echo was wrong, a finding another check failed with (this one records it and goes on).
    const judged = await asFinding(FACTS.echoed, () => {
      if (isFreeText(schema)) expect(acceptableNames(sent), `an accepted ${name} is echoed as sent`).toContain(got);
      else if ((resolved(schema).enum as unknown[] | undefined)?.includes(sent))
        expect(got, `an accepted ${name} is echoed as sent`).toBe(sent);
      else
        expect(typeof got === 'string' && got.toLowerCase(), `an accepted ${name} is echoed as sent, up to case`).toBe(sent.toLowerCase());
      return true;
    });
    if (judged === undefined) wrong.push(name);
  }
  return wrong;
}
