// What a generated case judges beyond the response's shape: the writes the cases made (so that a read
// waits only for its own), a 422's named targets, and an accepted update's echo. cases.ts runs the cases.
import { isDeepStrictEqual } from 'node:util';
import { FACTS } from '../checks/echo';
import { asFinding } from '../checks/findings';
import { expect } from '../checks/matchers';
import { TestAnswers } from '../checks/refusals';
import { readBack } from '../checks/state';
import type { ApiResponse, StorageConnectionsClient } from '../client/client';
import { mutableState, sameState, type Connection, type MutableState } from '../contract/connection';
import { acceptableNames } from '../contract/names';
import type { ErrorBody } from '../contract/operation';
import type { Target } from '../run/target';
import { propertiesOf, resolved } from './from-schema';
import { isFreeText, UPDATE_SCHEMA } from './oracle';

export const UPDATE_PROPERTIES = propertiesOf(UPDATE_SCHEMA).properties;

/** Time between two reads while a write has not shown yet (as support/checks/state.ts readBackUntil). */
const POLL_INTERVAL_MS = 250;

/**
 * The states a property wrote with a 200 (its accepted updates and its restores), and when. A replica
 * that lags by up to the target's read lag can show only the state current that long ago or one
 * written since: a read showing anything else is no lag, and need not be waited out. That keeps a
 * failing case (and each shrink attempt of it) from waiting the whole read lag.
 */
export class Writes {
  private readonly since = Date.now();
  private readonly written: { at: number; state: MutableState }[] = [];

  constructor(private readonly target: Target) {}

  wrote(state: Connection): void {
    this.written.push({ at: Date.now(), state: mutableState(state) });
    if (this.written.length > 500) this.written.splice(0, 100);
  }

  /** Whether a read showing `state` now may be a lagging view of this property's writes (or of what came before them). */
  mayBeLag(state: Connection): boolean {
    const from = Date.now() - this.target.readLagMs;
    // The window reaches back before the property: the checks before it may have written anything.
    if (this.since > from) return true;
    const current = this.written.filter(write => write.at <= from).at(-1)?.state ?? mutableState(this.target.original);
    return [current, ...this.written.filter(write => write.at > from).map(write => write.state)].some(seen => sameState(state, seen));
  }
}

/**
 * Reads the connection back until `shows` holds, the read lag is over, or the read shows a state no
 * lag explains (support/checks/state.ts readBackUntil, without waiting for what cannot come).
 */
export async function readUntil(
  api: StorageConnectionsClient,
  target: Target,
  writes: Writes,
  shows: (connection: Connection) => boolean,
  /** The answer of the case's request: if it was sent ahead, the state read after it is known (support/checks/refusals.ts). */
  answer?: ApiResponse,
) {
  const answers = api.options.answers;
  const known = answer && answers instanceof TestAnswers ? answers.stateAfterAnswer(answer) : undefined;
  if (known) return known;
  const started = Date.now();
  for (;;) {
    const connection = await readBack(api, target);
    if (shows(connection) || !writes.mayBeLag(connection) || Date.now() - started + POLL_INTERVAL_MS > target.readLagMs) return connection;
    await new Promise(resolve => setTimeout(resolve, POLL_INTERVAL_MS));
  }
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
