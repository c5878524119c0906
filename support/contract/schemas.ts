// The document's schemas and the validation of values against them: checks look validators up by the
// document's model name. The validators are compiled once (contract/schema-compiler.ts) and kept as
// Ajv standalone code in a cache (node_modules/.cache/conformance-validators/, keyed by a hash of the
// schemas, the compiler and Ajv's version), so that a process loads them in a few milliseconds, on its
// first validation, instead of starting Ajv; nothing is compiled or loaded at import.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020';

export const SCHEMA_DIR = path.resolve(__dirname, '..', '..', 'schemas');

/** The document's models, by the file name of their schema. */
export const MODELS = [
  'AuthenticationType',
  'ConnectionLinks',
  'Error',
  'ErrorDetail',
  'ErrorResponse',
  'Link',
  'StorageConnection',
  'StorageConnectionResponse',
  'StorageConnectionUpdate',
] as const;
export type ModelName = (typeof MODELS)[number];

export interface Violation {
  /** JSON pointer into the validated value ('' is the value itself). */
  pointer: string;
  rule: string;
  message: string;
  value: unknown;
}

export function loadSchema(model: ModelName): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(path.join(SCHEMA_DIR, `${model}.schema.json`), 'utf8'));
}

/** Where compiled validators are kept between processes (a folder the project's node_modules resolves from). */
export const VALIDATOR_CACHE_DIR = path.resolve(__dirname, '..', '..', 'node_modules', '.cache', 'conformance-validators');
const COMPILER_FILE = path.join(__dirname, 'schema-compiler.ts');

/** The cache file of the schemas as they are, with the compiler and the Ajv that compile them. */
export function validatorCacheFile(schemaTexts: readonly string[]): string {
  const hash = crypto.createHash('sha256');
  for (const text of [
    fs.readFileSync(COMPILER_FILE, 'utf8'),
    fs.readFileSync(require.resolve('ajv/package.json'), 'utf8'),
    fs.readFileSync(require.resolve('ajv-formats/package.json'), 'utf8'),
    ...schemaTexts,
  ])
    hash.update(text).update('\0');
  return path.join(VALIDATOR_CACHE_DIR, `${hash.digest('hex').slice(0, 32)}.js`);
}

/** The cached validators, or undefined when there are none (or they do not load). */
function cachedValidators(file: string): Map<ModelName, ValidateFunction> | undefined {
  if (!fs.existsSync(file)) return undefined;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const exported = require(file) as Record<string, ValidateFunction | undefined>;
    if (MODELS.every(model => typeof exported[model] === 'function')) return new Map(MODELS.map(model => [model, exported[model]!]));
  } catch {
    // Not loadable (e.g. written by hand): compiled anew below, and written again.
  }
  return undefined;
}

/** Compiles the validators and writes them to the cache; a cache that cannot be written only costs the next process a compilation. */
function compiledValidators(file: string, texts: readonly string[]): Map<ModelName, ValidateFunction> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { compileSchemas } = require('./schema-compiler') as typeof import('./schema-compiler');
  const { validators, code } = compileSchemas(new Map(MODELS.map((model, index) => [model, JSON.parse(texts[index]!)])));
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    // Written whole, then renamed: a process never reads half a file another is writing.
    const partial = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(partial, code);
    fs.renameSync(partial, file);
  } catch {
    // A read-only checkout: every process compiles.
  }
  return validators;
}

let validators: Map<ModelName, ValidateFunction> | undefined;

/** The validators of this process: from the cache, or compiled, on first use. */
function validatorsOf(): Map<ModelName, ValidateFunction> {
  if (validators) return validators;
  const texts = MODELS.map(model => fs.readFileSync(path.join(SCHEMA_DIR, `${model}.schema.json`), 'utf8'));
  const file = validatorCacheFile(texts);
  return (validators = cachedValidators(file) ?? compiledValidators(file, texts));
}

function valueAt(root: unknown, pointer: string): unknown {
  let value = root;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
  }
  return value;
}

function toViolation(root: unknown, error: ErrorObject): Violation {
  return {
    pointer: error.instancePath,
    rule: `${error.keyword} (${error.schemaPath})`,
    message: error.message ?? error.keyword,
    value: valueAt(root, error.instancePath),
  };
}

/** Every violation of `value` against the model's schema; empty when it validates. */
export function violationsOf(model: ModelName, value: unknown): Violation[] {
  const validate = validatorsOf().get(model)!;
  if (validate(value)) return [];
  return (validate.errors ?? []).map(error => toViolation(value, error));
}

/** How much of a violating value a message shows (the report's attachments have it whole). */
const VALUE_SHOWN = 120;

export function formatViolations(violations: Violation[]): string {
  const shown = (value: unknown) => {
    const text = JSON.stringify(value) ?? 'undefined';
    return text.length > VALUE_SHOWN ? `${text.slice(0, VALUE_SHOWN - 1)}…` : text;
  };
  return violations.map(v => `  at "${v.pointer || '/'}": ${v.message} [${v.rule}], value: ${shown(v.value)}`).join('\n');
}
