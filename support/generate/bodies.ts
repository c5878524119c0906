// The request bodies of the generated checks, built from the update's schema and the connection's
// (support/generate/from-schema.ts turns each schema into values): valid updates, invalid ones, and
// bodies that are not a JSON object at all.
import fc, { type Arbitrary } from 'fast-check';
import { anyJson, jsonTypeOf, optionalEntry, propertiesOf, typesOf, valuesOf, wrongValuesOf, type Schema } from './from-schema';
import { keyString } from './unicode';

/** The properties a connection has that an update does not name: read-only through this operation. */
export function readOnlyPropertiesOf(update: Schema, connection: Schema): Record<string, Schema> {
  const writable = propertiesOf(update).properties;
  return Object.fromEntries(Object.entries(propertiesOf(connection).properties).filter(([name]) => !(name in writable)));
}

/** Valid updates: any subset of the update's properties, each with a value its schema allows. */
export function updateBodies(update: Schema): Arbitrary<Record<string, unknown>> {
  return valuesOf(update) as Arbitrary<Record<string, unknown>>;
}

/**
 * Updates that break the schema or go past it: each documented property absent, valid, or of a wrong
 * value (a wrong type at any depth, null, an invalid enum string), plus properties the update does not
 * have (unknown names with any JSON value, and the connection's read-only properties with values of
 * their own schema or any JSON).
 */
export function invalidUpdateBodies(update: Schema, connection: Schema): Arbitrary<Record<string, unknown>> {
  const { properties } = propertiesOf(update);
  const readOnly = readOnlyPropertiesOf(update, connection);
  const documented = Object.entries(properties).map(([name, property]) =>
    optionalEntry(
      name,
      [
        { arbitrary: valuesOf(property), weight: 2 },
        { arbitrary: wrongValuesOf(property), weight: 3 },
      ],
      1,
    ),
  );
  const known = new Set([...Object.keys(properties), ...Object.keys(readOnly)]);
  const unknown = fc.dictionary(
    keyString.filter(key => !known.has(key)),
    anyJson(3),
    { maxKeys: 3 },
  );
  const readOnlyValues = Object.entries(readOnly).map(([name, property]) =>
    optionalEntry(
      name,
      [
        { arbitrary: valuesOf(property), weight: 1 },
        { arbitrary: anyJson(1), weight: 1 },
      ],
      3,
    ),
  );
  return fc.tuple(fc.tuple(...documented), unknown, fc.tuple(...readOnlyValues)).map(([own, extra, readOnlyEntries]) => ({
    ...Object.fromEntries(own.flat()),
    ...extra,
    ...Object.fromEntries(readOnlyEntries.flat()),
  }));
}

/** Characters that matter to a JSON parser, for the mutations of malformed bodies. */
const JSON_SYNTAX = ['{', '}', '[', ']', ',', ':', '"', '\\', "'", ' ', '\n', 'n', '0', '-', '.', 'e', '/', '*'];

const parses = (text: string) => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

/**
 * Bodies that are not a JSON object, as text: JSON values of every other type the update's schema
 * refuses (arrays, strings, numbers, booleans, null, nested), and malformed JSON: the text of a
 * generated update cut short, or with a character deleted, inserted or replaced, kept only if no JSON
 * parser would take it.
 */
export function notObjectBodies(update: Schema, connection: Schema): Arbitrary<string> {
  const allowed = typesOf(update);
  const nonObjects = anyJson(3)
    .filter(value => !allowed.includes(jsonTypeOf(value)))
    .map(value => JSON.stringify(value));
  const texts = fc.oneof(updateBodies(update), invalidUpdateBodies(update, connection)).map(body => JSON.stringify(body));
  const mutation = fc.oneof(
    { arbitrary: fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }), weight: 3 },
    { arbitrary: fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }), weight: 2 },
    { arbitrary: fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), char: fc.constantFrom(...JSON_SYNTAX) }), weight: 2 },
    { arbitrary: fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), char: fc.constantFrom(...JSON_SYNTAX) }), weight: 1 },
  );
  const malformed = fc
    .tuple(texts, mutation)
    .map(([text, change]) => {
      const at = change.at % (text.length + (change.kind === 'insert' ? 1 : 0));
      if (change.kind === 'cut') return text.slice(0, at);
      if (change.kind === 'delete') return text.slice(0, at) + text.slice(at + 1);
      if (change.kind === 'insert') return text.slice(0, at) + change.char + text.slice(at);
      return text.slice(0, at) + change.char + text.slice(at + 1);
    })
    .filter(text => !parses(text));
  return fc.oneof({ arbitrary: nonObjects, weight: 1 }, { arbitrary: malformed, weight: 2 });
}
