// Arbitraries derived from the project's JSON Schemas (schemas/*.schema.json): what a schema allows
// (valuesOf), what it refuses (wrongValuesOf), and the request bodies of the generated checks built
// from the update's schema and the connection's (updateBodies, invalidUpdateBodies, notObjectBodies).
// Nothing here lists a property, a type or an enum value by hand: a change to a schema changes what is
// generated. A keyword this translator does not know stops it with the schema path, rather than
// generating values the schema would not allow.
import fc, { type Arbitrary } from 'fast-check';
import { loadSchema, MODELS, type ModelName } from '../contract/schemas';
import { anyString, keyString } from './unicode';

export type Schema = { readonly [keyword: string]: unknown };

/** Keywords that say nothing about which values are valid. */
const ANNOTATIONS = new Set(['$schema', '$id', '$comment', 'title', 'description', 'examples', 'default', 'readOnly', 'deprecated']);
/** Keywords the translator turns into arbitraries. */
const HANDLED = new Set([
  '$ref',
  'type',
  'enum',
  'const',
  'properties',
  'required',
  'additionalProperties',
  'items',
  'minItems',
  'maxItems',
  'minLength',
  'maxLength',
  'minimum',
  'maximum',
  'format',
]);
const FORMATS = new Set(['uuid', 'uri']);

export class UnsupportedSchema extends Error {
  override name = 'UnsupportedSchema';
}

/** The model a $ref names: the schemas refer to each other by file name, relative to their $id. */
export function resolveRef(ref: string): Schema {
  const model = ref.replace(/^.*\//, '').replace(/\.schema\.json$/, '');
  if (!(MODELS as readonly string[]).includes(model)) throw new UnsupportedSchema(`$ref "${ref}" names no model of schemas/`);
  return loadSchema(model as ModelName);
}

/** The schema with its $ref followed, after checking that every keyword is one the translator knows. */
export function resolved(schema: Schema, where = '#'): Schema {
  for (const keyword of Object.keys(schema))
    if (!ANNOTATIONS.has(keyword) && !HANDLED.has(keyword))
      throw new UnsupportedSchema(
        `${where}: the generated checks do not know the keyword "${keyword}": teach it to support/generate/from-schema.ts`,
      );
  if (typeof schema.format === 'string' && !FORMATS.has(schema.format))
    throw new UnsupportedSchema(`${where}: the generated checks do not know the format "${schema.format}"`);
  if (typeof schema.$ref !== 'string') return schema;
  const constraints = Object.keys(schema).filter(keyword => keyword !== '$ref' && !ANNOTATIONS.has(keyword));
  if (constraints.length) throw new UnsupportedSchema(`${where}: $ref beside ${constraints.join(', ')} is not supported`);
  return resolved(resolveRef(schema.$ref), `${where} -> ${schema.$ref}`);
}

export type JsonType = 'string' | 'number' | 'integer' | 'boolean' | 'null' | 'array' | 'object';
const JSON_TYPES: JsonType[] = ['string', 'number', 'integer', 'boolean', 'null', 'array', 'object'];

/** The JSON type of a value ('integer' for whole numbers). */
export function jsonTypeOf(value: unknown): JsonType {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value as JsonType;
}

/** The types a schema allows (from type, or from the values of enum or const); every type when it says none. */
export function typesOf(schema: Schema): JsonType[] {
  const s = resolved(schema);
  if ('const' in s) return [jsonTypeOf(s.const)];
  if (Array.isArray(s.enum)) return [...new Set(s.enum.map(jsonTypeOf))];
  if (typeof s.type === 'string') return [s.type as JsonType];
  if (Array.isArray(s.type)) return s.type as JsonType[];
  return JSON_TYPES;
}

/** The properties an object schema declares, each resolved, and which are required. */
export function propertiesOf(schema: Schema): { properties: Record<string, Schema>; required: string[] } {
  const s = resolved(schema);
  const properties = Object.fromEntries(
    Object.entries((s.properties ?? {}) as Record<string, Schema>).map(([name, property]) => [
      name,
      resolved(property, `#/properties/${name}`),
    ]),
  );
  return { properties, required: (s.required ?? []) as string[] };
}

/** Strings for a schema of type string: its format, or any string within its length bounds. */
function stringsOf(s: Schema): Arbitrary<string> {
  if (s.format === 'uuid') return fc.uuid();
  if (s.format === 'uri') return fc.webUrl();
  return anyString({ minLength: s.minLength as number | undefined, maxLength: s.maxLength as number | undefined });
}

/** Any JSON value, nested up to `maxDepth` arrays and objects deep. */
export function anyJson(maxDepth = 3): Arbitrary<unknown> {
  const { value } = fc.letrec<{ value: unknown; array: unknown[]; object: Record<string, unknown> }>(tie => ({
    value: fc.oneof(
      { maxDepth, depthIdentifier: 'json' },
      { arbitrary: scalar(), weight: 3 },
      { arbitrary: tie('array'), weight: 1 },
      { arbitrary: tie('object'), weight: 1 },
    ),
    array: fc.array(tie('value'), { maxLength: 4, depthIdentifier: 'json' }),
    object: fc.dictionary(keyString, tie('value'), { maxKeys: 4, depthIdentifier: 'json' }),
  }));
  return value;
}

/** A JSON scalar: any string, number (whole, fractional, huge, tiny), boolean or null. */
function scalar(): Arbitrary<unknown> {
  return fc.oneof(
    anyString({ maxLength: 40 }),
    fc.integer({ min: -(2 ** 53) + 1, max: 2 ** 53 - 1 }),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
  );
}

/** A value of one JSON type (containers hold any JSON, nested). */
function ofType(type: JsonType): Arbitrary<unknown> {
  switch (type) {
    case 'string':
      return anyString({ maxLength: 40 });
    case 'integer':
      return fc.integer({ min: -(2 ** 53) + 1, max: 2 ** 53 - 1 });
    case 'number':
      return fc.double({ noNaN: true, noDefaultInfinity: true }).filter(n => !Number.isInteger(n));
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      return fc.array(anyJson(2), { minLength: 1, maxLength: 4 });
    case 'object':
      return fc.dictionary(keyString, anyJson(2), { minKeys: 1, maxKeys: 4 });
  }
}

/** Values the schema allows: its const or enum, or values of its type(s) within its bounds. */
export function valuesOf(schema: Schema, where = '#'): Arbitrary<unknown> {
  const s = resolved(schema, where);
  if ('const' in s) return fc.constant(s.const);
  if (Array.isArray(s.enum)) return fc.constantFrom(...(s.enum as unknown[]));
  return fc.oneof(...typesOf(s).map(type => valuesOfType(type, s, where)));
}

function valuesOfType(type: JsonType, s: Schema, where: string): Arbitrary<unknown> {
  switch (type) {
    case 'string':
      return stringsOf(s);
    case 'integer':
      return fc.integer({ min: s.minimum as number | undefined, max: s.maximum as number | undefined });
    case 'number':
      return fc.double({
        noNaN: true,
        noDefaultInfinity: true,
        min: s.minimum as number | undefined,
        max: s.maximum as number | undefined,
      });
    case 'array':
      return fc.array(s.items ? valuesOf(s.items as Schema, `${where}/items`) : anyJson(2), {
        minLength: s.minItems as number | undefined,
        maxLength: (s.maxItems as number | undefined) ?? 4,
      });
    case 'object':
      return objectsOf(s, where);
    default:
      return ofType(type);
  }
}

/** Objects of the schema: every required property, any subset of the others (shrinking drops them). */
function objectsOf(s: Schema, where: string): Arbitrary<Record<string, unknown>> {
  const { properties, required } = propertiesOf(s);
  const model = Object.fromEntries(
    Object.entries(properties).map(([name, property]) => [name, valuesOf(property, `${where}/properties/${name}`)]),
  );
  return fc.record(model, { requiredKeys: required.filter(name => name in model) }) as Arbitrary<Record<string, unknown>>;
}

/**
 * An optional entry of a body: absent, or one of `choices` by weight. Shrinking goes to absent first
 * (cross-shrinking towards the first choice), so a shrunk counterexample keeps only what it needs.
 */
export function optionalEntry(name: string, choices: { arbitrary: Arbitrary<unknown>; weight: number }[], absentWeight: number) {
  return fc
    .oneof(
      { withCrossShrink: true },
      { arbitrary: fc.constant(undefined), weight: absentWeight },
      ...choices.map(({ arbitrary, weight }) => ({ arbitrary: arbitrary.map(value => ({ value })), weight })),
    )
    .map(choice => (choice === undefined ? [] : [[name, choice.value] as [string, unknown]]));
}

/**
 * Values the schema refuses: every JSON type it does not allow (containers nested at any depth), and
 * for an enum, strings that are not its values, its values in another case or with white space around
 * them. Each is checked against the schema by the self-tests.
 */
export function wrongValuesOf(schema: Schema, where = '#'): Arbitrary<unknown> {
  const s = resolved(schema, where);
  const allowed = typesOf(s);
  const parts: Arbitrary<unknown>[] = JSON_TYPES.filter(type => !allowed.includes(type))
    // An integer is a number: a schema allowing numbers allows integers.
    .filter(type => !(type === 'integer' && allowed.includes('number')))
    .map(ofType);
  const members = Array.isArray(s.enum) ? (s.enum as unknown[]) : 'const' in s ? [s.const] : undefined;
  const words = members?.filter((member): member is string => typeof member === 'string') ?? [];
  if (words.length) {
    const near = fc
      .constantFrom(...words)
      .chain(word =>
        fc.constantFrom(word.toLowerCase(), word.toUpperCase(), ` ${word}`, `${word} `, `${word}\u0000`, word.slice(0, -1), ''),
      );
    parts.push(near.filter(text => !words.includes(text)));
    parts.push(anyString({ maxLength: 40 }).filter(text => !words.includes(text)));
  }
  if (allowed.includes('string') && typeof s.maxLength === 'number')
    parts.push(anyString({ minLength: s.maxLength + 1, maxLength: s.maxLength + 40 }));
  if (allowed.includes('string') && typeof s.minLength === 'number' && s.minLength > 0)
    parts.push(anyString({ maxLength: s.minLength - 1 }));
  if (!parts.length) throw new UnsupportedSchema(`${where}: the schema allows every JSON value, so no value is wrong`);
  return fc.oneof(...parts);
}
