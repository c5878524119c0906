// Connection ids for negative cases, derived from the target's own id. Ids are opaque to a client and
// the document fixes no format (its examples are 43 base64url characters, other deployments use
// UUIDs; platform notes), so an unknown or near-miss id takes the shape of the id the run was given:
// its length, and at each position a character of the same class (a digit for a digit, a letter of the
// same case, hex letters only in a hex id, separators kept), or the UUID form with its version and
// variant kept. A 404 to such an id cannot be blamed on its format. An invalid id holds what no id's
// alphabet has (spaces, braces, quotes).
import crypto from 'node:crypto';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DIGITS = '0123456789';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const UPPER = LOWER.toUpperCase();

/** The characters a position of the id may hold; undefined for a separator, which is kept as it is. */
type ClassOf = (char: string, position: number) => string | undefined;

/** How the id's characters vary: per position, the class of the character it holds. */
function classesOf(id: string): ClassOf {
  if (UUID.test(id)) {
    const letters = /[A-F]/.test(id) && !/[a-f]/.test(id) ? 'ABCDEF' : 'abcdef';
    // The version (14) and variant (19) nibbles are kept: a server may check them.
    return (char, position) => (char === '-' || position === 14 || position === 19 ? undefined : DIGITS + letters);
  }
  const hex = /^[0-9a-f]+$/i.test(id);
  return char => {
    if (DIGITS.includes(char)) return DIGITS;
    if (LOWER.includes(char)) return hex ? 'abcdef' : LOWER;
    if (UPPER.includes(char)) return hex ? 'ABCDEF' : UPPER;
    return undefined;
  };
}

const randomOf = (chars: string) => chars[crypto.randomInt(chars.length)]!;

/** The shape of an id in a few words, for the report: "a UUID", "43 characters of A-Z a-z 0-9 - _", "24 hex digits". */
export function shapeOf(id: string): string {
  if (UUID.test(id)) return 'a UUID';
  if (/^[0-9a-f]+$/i.test(id)) return `${id.length} hex digits`;
  const kinds = [
    /[A-Z]/.test(id) && 'A-Z',
    /[a-z]/.test(id) && 'a-z',
    /[0-9]/.test(id) && '0-9',
    ...new Set(id.replace(/[A-Za-z0-9]/g, '')),
  ].filter(Boolean);
  return `${id.length} characters of ${kinds.join(' ')}`;
}

/** A random id of the real id's shape: a connection that almost surely does not exist. */
export function unknownConnectionId(realId: string): string {
  const classOf = classesOf(realId);
  const id = [...realId].map((char, i) => {
    const chars = classOf(char, i);
    return chars ? randomOf(chars) : char;
  });
  const unknown = id.join('');
  // One chance in the size of the id space; a short id could meet itself.
  return unknown === realId ? unknownConnectionId(realId) : unknown;
}

/** The real id with the character at `position` replaced by the next one of its class. */
function changedAt(realId: string, position: number, chars: string): string {
  const next = chars[(chars.indexOf(realId[position]!) + 1) % chars.length]!;
  return realId.slice(0, position) + next + realId.slice(position + 1);
}

/**
 * Ids one character away from the real one: its first, middle and last letter or digit changed to
 * another of its class, and, where ids tell letters' case apart (they hold both cases), one letter in
 * the other case. Each names another connection, which almost surely does not exist.
 */
export function nearMissIds(realId: string): { name: string; id: string }[] {
  const classOf = classesOf(realId);
  const variable = [...realId].flatMap((char, i) => (classOf(char, i) ? [i] : []));
  if (variable.length === 0) return [];
  const middle = variable.reduce((best, i) => (Math.abs(i - realId.length / 2) < Math.abs(best - realId.length / 2) ? i : best));
  const positions: [string, number][] = [
    ['first', variable[0]!],
    ['middle', middle],
    ['last', variable.at(-1)!],
  ];
  const ids = positions.map(([which, i]) => ({
    name: `its ${which} character changed`,
    id: changedAt(realId, i, classOf(realId[i]!, i)!),
  }));
  const letter = variable.find(i => /[A-Za-z]/.test(realId[i]!));
  if (!UUID.test(realId) && /[a-z]/.test(realId) && /[A-Z]/.test(realId) && letter !== undefined) {
    const char = realId[letter]!;
    const other = char === char.toLowerCase() ? char.toUpperCase() : char.toLowerCase();
    ids.push({ name: 'a letter in the other case', id: realId.slice(0, letter) + other + realId.slice(letter + 1) });
  }
  // Distinct from the real id and from each other (a one-letter id changes the same place three times).
  return ids.filter(({ id }, i) => id !== realId && ids.findIndex(other => other.id === id) === i);
}

/**
 * Ids no server can take for a connection id: the document answers them with 422 InvalidValue. The
 * first has the real id's length, so a refusal cannot be blamed on a length check alone.
 */
export const INVALID_CONNECTION_IDS: { name: string; of: (realId: string) => string }[] = [
  {
    name: "the real id's length in '!', spaces and words",
    of: realId => '! not a valid id '.repeat(realId.length).slice(0, Math.max(realId.length, 2)),
  },
  { name: 'the unfilled path template {connectionId}', of: () => '{connectionId}' },
  { name: 'an SQL injection', of: () => "'; DROP TABLE connections;--" },
];
