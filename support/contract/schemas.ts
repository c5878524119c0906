// The one Ajv instance of the suite (Ajv's "managing schemas" guidance): every schema in schemas/
// is registered once, by $id, and compiled once; checks look validators up by the document's model name.
import fs from 'node:fs';
import path from 'node:path';
import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

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

const ajv = new Ajv2020({ allErrors: true, strict: true });
addFormats(ajv, ['uuid', 'uri']);
for (const model of MODELS) ajv.addSchema(loadSchema(model));

const validators = new Map<ModelName, ValidateFunction>();
for (const model of MODELS) {
  const id = loadSchema(model)['$id'] as string;
  validators.set(model, ajv.getSchema(id)!);
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
  const validate = validators.get(model)!;
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
