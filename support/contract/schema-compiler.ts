// The suite's one Ajv instance (Ajv's "managing schemas" guidance): every schema in schemas/ is
// registered once, by $id, and compiled once, as Ajv standalone code (one CommonJS module with a
// validator per model). contract/schemas.ts loads this module only when its cache holds no code for
// the schemas as they are: Ajv, its 2020-12 meta-schema and the compilation cost every process that
// validates about 0.2 s, a worker Playwright starts after each failed check included. (The cache's key
// is a hash of this file's text, Ajv's version and the schemas: a change to any of them compiles anew.)
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import standaloneCode from 'ajv/dist/standalone';
import addFormats from 'ajv-formats';
import type { ModelName } from './schemas';

/** Every error of a value, not only the first; strict: a schema keyword Ajv does not know is an error. */
const OPTIONS = { allErrors: true, strict: true, code: { source: true } } as const;
/** The formats the document uses (ajv-formats' full ones). */
const FORMATS = ['uuid', 'uri'] as const;

export interface Compiled {
  /** The validators, for this process. */
  validators: Map<ModelName, ValidateFunction>;
  /** The same, as a CommonJS module exporting one function per model name (it requires ajv-formats' formats). */
  code: string;
}

/** Compiles the models' schemas, given by model name. */
export function compileSchemas(schemas: ReadonlyMap<ModelName, Record<string, unknown>>): Compiled {
  const ajv = new Ajv2020(OPTIONS);
  addFormats(ajv, [...FORMATS]);
  for (const schema of schemas.values()) ajv.addSchema(schema);
  const validators = new Map<ModelName, ValidateFunction>();
  const ids: Record<string, string> = {};
  for (const [model, schema] of schemas) {
    ids[model] = schema['$id'] as string;
    validators.set(model, ajv.getSchema(ids[model])!);
  }
  return { validators, code: standaloneCode(ajv, ids) };
}
