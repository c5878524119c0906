// Named behaviours of the embedded mock, chosen at start with MOCK_BEHAVIOUR=<name>, or a comma-separated
// list of names composed in order (composedBehaviour: the first sees the request first):
//   faults   (mock/faults.ts, and mock/faults-auth.ts for token validation, mock/faults-generated.ts
//            for what only generated requests reach) break the documented contract; the conformance
//            suite must fail on each;
//   variants (mock/variants.ts) keep the contract in a way the document allows but the default mock
//            does not; the suite must pass on each of them.
import { FAULTS } from './faults';
import { ACCEPT_FAULTS } from './faults-accept';
import { AUTH_FAULTS } from './faults-auth';
import { CREDENTIAL_FAULTS } from './faults-credentials';
import { CASCADE_FAULTS } from './faults-cascade';
import { GENERATED_FAULTS } from './faults-generated';
import { ID_FAULTS } from './faults-ids';
import { TRANSIENT_FAULTS } from './faults-transient';
import type { MockRequest, MockResponse } from './operation';
import type { Behaviour } from './server';
import type { ClauseId } from '../support/contract/clauses';
import type { Tag } from '../support/contract/tags';
import { VARIANTS } from './variants';

export interface NamedBehaviour {
  kind: 'fault' | 'variant';
  /** What it changes, and why that matters. */
  description: string;
  behaviour: Behaviour;
  /** For a fault: the documented response path it breaks. */
  path?: 200 | 401 | 404 | 422 | 429;
  /** For a fault: the clause of the document it breaks (support/contract/clauses.ts). */
  breaks?: ClauseId;
  /** For a fault: the tags of the checks that should catch it (support/contract/tags.ts). */
  caughtBy?: Tag[];
}

function named(kind: NamedBehaviour['kind'], entries: Record<string, Omit<NamedBehaviour, 'kind'>>): [string, NamedBehaviour][] {
  return Object.entries(entries).map(([name, entry]) => [name, { kind, ...entry }]);
}

export const BEHAVIOURS: Record<string, NamedBehaviour> = Object.fromEntries([
  ...named('fault', FAULTS),
  ...named('fault', AUTH_FAULTS),
  ...named('fault', CASCADE_FAULTS),
  ...named('fault', GENERATED_FAULTS),
  ...named('fault', ID_FAULTS),
  ...named('fault', TRANSIENT_FAULTS),
  ...named('fault', ACCEPT_FAULTS),
  ...named('fault', CREDENTIAL_FAULTS),
  ...named('variant', VARIANTS),
]);

/**
 * The behaviour MOCK_BEHAVIOUR names: one name, or a comma-separated list composed in order
 * (composedBehaviour). Throws one line naming the variable, the name that is not a behaviour and the valid ones.
 */
export function behaviourNamed(raw: string | undefined): NamedBehaviour | undefined {
  if (!raw) return undefined;
  const names = raw.split(',').map(name => name.trim());
  const found = names.map(name => {
    const entry = BEHAVIOURS[name];
    if (!entry)
      throw new Error(
        `MOCK_BEHAVIOUR "${name}" is not a behaviour of the mock: use one of ${Object.keys(BEHAVIOURS).join(', ')} (or a comma-separated list of them), or unset it.`,
      );
    return entry;
  });
  const twice = names.find((name, index) => names.indexOf(name) !== index);
  if (twice) throw new Error(`MOCK_BEHAVIOUR names "${twice}" twice: list each behaviour once.`);
  if (found.filter(entry => entry.behaviour.seed).length > 1)
    throw new Error(`MOCK_BEHAVIOUR "${raw}" lists more than one behaviour that brings its own connections: keep one of them.`);
  if (found.length === 1) return found[0];
  return {
    kind: found.some(entry => entry.kind === 'fault') ? 'fault' : 'variant',
    description: `${names.length} behaviours composed in order: ${names.join(', ')}`,
    behaviour: composedBehaviour(found.map(entry => entry.behaviour))!,
  };
}

/** Thrown by a composed `next` whose answer a later behaviour gives asynchronously. */
class Unanswered {
  constructor(
    readonly request: string,
    readonly answer: Promise<MockResponse>,
  ) {}
}

/**
 * One behaviour made of several, in order: the first sees the request first, and its `next` is the
 * second, ..., the last's `next` the documented behaviour. A behaviour's `next` answers synchronously
 * and most behaviours answer asynchronously, so when a later one does, the earlier is run again with
 * that answer ready (a replay): each of its calls to `next` is answered in turn, and whatever it does
 * before the call is done again. The catalogue's faults do nothing but read before calling `next`;
 * a behaviour that counts requests belongs last in a list. The seed is that of the one that has one.
 */
export function composedBehaviour(behaviours: Behaviour[]): Behaviour | undefined {
  if (behaviours.length <= 1) return behaviours[0];
  const composed = behaviours.reduceRight((inner, outer) => nested(outer, inner));
  const seed = behaviours.find(behaviour => behaviour.seed)?.seed;
  return seed ? Object.assign(composed, { seed }) : composed;
}

function nested(outer: Behaviour, inner: Behaviour): Behaviour {
  return async (request, next, context) => {
    // The answers to the outer behaviour's calls to next so far, in order, with the request each was for.
    const answered: { request: string; response: MockResponse }[] = [];
    for (;;) {
      let calls = 0;
      const innerNext = (asked: MockRequest = request): MockResponse => {
        const key = JSON.stringify(asked);
        const earlier = answered[calls++];
        if (earlier) {
          if (earlier.request !== key) throw new Error('a composed behaviour asked for another request when run again: list it last');
          return earlier.response;
        }
        // The inner behaviour's next() without a request is for the request it was given, not the first one.
        const response = inner(asked, (given = asked) => next(given), context);
        if (response instanceof Promise) {
          // Awaited below unless the outer behaviour swallows the throw: never an unhandled rejection.
          response.catch(() => undefined);
          throw new Unanswered(key, response);
        }
        answered.push({ request: key, response });
        return response;
      };
      try {
        return await outer(request, innerNext, context);
      } catch (error) {
        if (!(error instanceof Unanswered)) throw error;
        answered.push({ request: error.request, response: await error.answer });
      }
    }
  };
}
