// Faults of the connection lookup: an id that is not a stored connection's is matched to one anyway,
// so an update meant for another (unknown) connection changes the real one instead of getting 404
// StorageConnectionNotFound. The near-miss check (tests/conformance/404-not-found.spec.ts) sends the
// real id with one character changed, and must catch each of them.
import type { Behaviour } from './behaviour-kit';
import type { Fault } from './faults';

/** Looks an unknown id up by `matches` instead of exactly: the first stored connection it matches is served. */
function lookupBy(matches: (requested: string, stored: string) => boolean): Behaviour {
  return (request, next, context) => {
    const id = request.connectionId;
    if (id === undefined || context.store.has(id)) return next();
    const found = context.store.ids().find(stored => matches(id, stored));
    return found === undefined ? next() : next({ ...request, connectionId: found });
  };
}

/** Characters at which two ids of the same length differ. */
const differences = (a: string, b: string) => [...a].filter((char, i) => char !== b[i]).length;

const nearMiss = (description: string, matches: (requested: string, stored: string) => boolean): Fault => ({
  path: 404,
  breaks: '404.not-found',
  caughtBy: ['@near-miss-id'],
  description,
  behaviour: lookupBy(matches),
});

export const ID_FAULTS: Record<string, Fault> = {
  'lookup-by-prefix': nearMiss(
    'a connection is found by the first 8 characters of its id (a short-id lookup): an id that shares them updates that connection',
    (requested, stored) => requested.length === stored.length && requested.slice(0, 8) === stored.slice(0, 8),
  ),
  'lookup-case-insensitive': nearMiss(
    'ids are compared without case, though base64url ids tell letters apart by case: another id updates the real connection',
    (requested, stored) => requested.toLowerCase() === stored.toLowerCase(),
  ),
  'lookup-ignores-last-character': nearMiss(
    'the lookup compares all but the last character (an off-by-one in a length): an id with another last character updates the connection',
    (requested, stored) => requested.length === stored.length && requested.slice(0, -1) === stored.slice(0, -1),
  ),
  'lookup-ignores-first-character': nearMiss(
    'the lookup compares the id from its second character on (a prefix stripped once too often): another first character updates the connection',
    (requested, stored) => requested.length === stored.length && requested.slice(1) === stored.slice(1),
  ),
  'lookup-one-character-off': nearMiss(
    'a fuzzy lookup takes the stored id at most one character away from the requested one: any near miss updates the connection',
    (requested, stored) => requested.length === stored.length && differences(requested, stored) <= 1,
  ),
};
