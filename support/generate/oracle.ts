// What the document requires of the answer to a generated body, decided from the same schemas the
// body was generated from (the one Ajv instance) and the places where the document is silent:
//   accept  a valid update: 200, echoed as sent, read back the same, nothing else changed;
//   either  the document is silent (a blank, long or unusual name, an update naming nothing, null, an
//           enum value in another case, a property an update does not have): 200 or 422, recorded;
//   refuse  the body breaks the update's schema (not an object, a wrong type, an invalid enum string):
//           422, and nothing changes.
import type { ClauseId } from '../contract/clauses';
import { loadSchema, violationsOf } from '../contract/schemas';
import { readOnlyPropertiesOf } from './bodies';
import { propertiesOf, resolved, typesOf, type Schema } from './from-schema';
import { silentNameReasons } from './unicode';

export type Verdict =
  { kind: 'accept' } | { kind: 'either'; reasons: string[] } | { kind: 'refuse'; reasons: string[]; clause: ClauseId; silent: string[] };

export const UPDATE_SCHEMA: Schema = loadSchema('StorageConnectionUpdate');
export const CONNECTION_SCHEMA: Schema = loadSchema('StorageConnection');

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/** An enum member in another case (the document does not say whether enum values are case-sensitive). */
function enumInOtherCase(schema: Schema, value: unknown): boolean {
  const members = resolved(schema).enum;
  return (
    typeof value === 'string' &&
    Array.isArray(members) &&
    members.some(member => typeof member === 'string' && member.toLowerCase() === value.toLowerCase())
  );
}

/** A free-text property: a string the schema does not restrict by enum, const or format. */
export function isFreeText(schema: Schema): boolean {
  const s = resolved(schema);
  return typesOf(s).length === 1 && typesOf(s)[0] === 'string' && !('enum' in s) && !('const' in s) && !('format' in s);
}

/** The verdict on a parsed body (`undefined` text: the body is not JSON at all). */
export function judge(body: unknown): Verdict {
  if (!isObject(body)) return { kind: 'refuse', reasons: ['not a JSON object'], clause: '422.invalid', silent: [] };
  const { properties } = propertiesOf(UPDATE_SCHEMA);
  const readOnly = readOnlyPropertiesOf(UPDATE_SCHEMA, CONNECTION_SCHEMA);
  const silent: string[] = [];
  const refused: string[] = [];
  let clause: ClauseId = '422.invalid';
  // Violations of the update's schema (the one Ajv instance), by the top-level property they are in.
  const violated = new Set(violationsOf('StorageConnectionUpdate', body).map(v => v.pointer.split('/')[1] ?? ''));
  for (const name of violated) {
    const value = body[name];
    const schema = properties[name];
    if (name === '' || !schema) refused.push('not a valid update');
    else if (value === null) silent.push(`null ${name}`);
    else if (enumInOtherCase(schema, value)) silent.push(`${name} ${JSON.stringify(value)} in another case`);
    else {
      refused.push(`${name} ${typeof value === 'string' ? 'not one of its values' : 'of the wrong type'}`);
      if (typeof value === 'string' && 'enum' in resolved(schema)) clause = ENUM_CLAUSES[name] ?? clause;
    }
  }
  for (const [name, schema] of Object.entries(properties))
    if (!violated.has(name) && typeof body[name] === 'string' && isFreeText(schema))
      silent.push(...silentNameReasons(body[name] as string).map(reason => `${name}: ${reason}`));
  for (const name of Object.keys(body))
    if (!(name in properties)) silent.push(name in readOnly ? `read-only property ${name}` : 'a property an update does not have');
  if (Object.keys(body).length === 0) silent.push('an update that names no property');
  if (refused.length) return { kind: 'refuse', reasons: refused, clause, silent };
  return silent.length ? { kind: 'either', reasons: [...new Set(silent)] } : { kind: 'accept' };
}

/** The clause of an enum property whose value is a string outside the enum. */
const ENUM_CLAUSES: Partial<Record<string, ClauseId>> = { authenticationType: 'authentication-type.values' };

/** The verdict on a raw body: malformed JSON is refused; JSON is judged as parsed. */
export function judgeText(text: string): Verdict {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { kind: 'refuse', reasons: ['malformed JSON'], clause: '422.invalid', silent: [] };
  }
  return judge(parsed);
}
