// schemas/openapi.json is made from the contract, never written by hand: the committed file is what
// scripts/build-openapi.ts makes from the current schemas and examples, each component is its schema
// file, each example keeps its model's schema, and the whole is a valid OpenAPI 3.1 definition.
import fs from 'node:fs';
import path from 'node:path';
import { compileErrors, validate } from '@readme/openapi-parser';
import { test, expect } from '../fixtures';
import { loadSchema, MODELS, violationsOf, type ModelName } from '../../../support/contract/schemas';
import {
  EXAMPLES_DIR,
  OPENAPI_FILE,
  OPERATION_PATH,
  REQUEST,
  RESPONSE_MEDIA_TYPES,
  RESPONSES,
  renderOpenApi,
  rewriteRefs,
} from '../../../scripts/build-openapi';

// The definition is JSON of arbitrary shape; the checks below walk into it.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Definition = any;

const committed = (): Definition => JSON.parse(fs.readFileSync(OPENAPI_FILE, 'utf8'));
const operation = (definition: Definition) => definition.paths[OPERATION_PATH].put;
const modelOf = (ref: string) => ref.replace('#/components/schemas/', '') as ModelName;
const exampleOf = (definition: Definition, ref: string) => definition.components.examples[ref.replace('#/components/examples/', '')].value;

test('the committed openapi.json is what npm run openapi makes from the current schemas and examples', () => {
  expect(fs.readFileSync(OPENAPI_FILE, 'utf8'), 'schemas/openapi.json is stale: run npm run openapi and commit it').toBe(renderOpenApi());
});

test('each component schema is its JSON Schema file, with $refs pointed at components', () => {
  const { schemas } = committed().components;
  expect(Object.keys(schemas).sort()).toEqual([...MODELS].sort());
  for (const model of MODELS) {
    const file = loadSchema(model);
    expect({ ...schemas[model], $id: file['$id'], $schema: file['$schema'] }, model).toEqual(rewriteRefs(file));
  }
});

test('each example of the document is in the definition, once, unchanged', () => {
  const { examples } = committed().components;
  const files = fs
    .readdirSync(EXAMPLES_DIR)
    .filter(file => file.endsWith('.json'))
    .sort();
  expect(Object.keys(examples).sort()).toEqual(files.map(file => file.slice(0, -'.json'.length)));
  for (const file of files)
    expect(examples[file.slice(0, -'.json'.length)].value, file).toEqual(
      JSON.parse(fs.readFileSync(path.join(EXAMPLES_DIR, file), 'utf8')),
    );
});

test("every response and the request body show an example that validates against their schema (the suite's Ajv)", () => {
  const definition = committed();
  const put = operation(definition);
  expect(Object.keys(put.responses).sort()).toEqual(RESPONSES.map(r => String(r.status)).sort());
  const bodies: [string, Definition, ModelName][] = [
    ['request body', put.requestBody.content['application/json'], REQUEST.model],
    ...RESPONSES.flatMap(({ status, model }) =>
      RESPONSE_MEDIA_TYPES.map((type): [string, Definition, ModelName] => [
        `${status} ${type}`,
        put.responses[status].content[type],
        model,
      ]),
    ),
  ];
  for (const [where, media, model] of bodies) {
    expect(modelOf(media.schema.$ref), `${where}: schema`).toBe(model);
    const examples = Object.values(media.examples) as { $ref: string }[];
    expect(examples.length, `${where}: examples`).toBeGreaterThan(0);
    for (const { $ref } of examples) expect(violationsOf(model, exampleOf(definition, $ref)), `${where}: ${$ref}`).toEqual([]);
  }
});

test('the operation carries what the document says: path parameter, headers, bearer security, retry-after on 429', () => {
  const definition = committed();
  const put = operation(definition);
  expect(definition.openapi).toBe('3.1.0');
  expect(definition.jsonSchemaDialect).toBe('https://json-schema.org/draft/2020-12/schema');
  expect(put.parameters.map((p: Definition) => `${p.in} ${p.name} ${p.required}`)).toEqual([
    'path connectionId true',
    'header Authorization true',
    'header Accept true',
  ]);
  expect(definition.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
  expect(definition.security).toEqual([{ bearer: [] }]);
  expect(put.responses['429'].headers['retry-after'].schema).toEqual({ type: 'integer', minimum: 0 });
});

test('openapi.json is a valid OpenAPI 3.1 definition (@readme/openapi-parser)', async () => {
  const result = await validate(OPENAPI_FILE);
  expect(result.valid ? '' : compileErrors(result)).toBe('');
  expect(result.specification).toBe('OpenAPI');
  if (result.valid) expect(result.warnings).toEqual([]);
});

test('the validator does catch a broken definition', async () => {
  const broken = committed();
  delete broken.paths[OPERATION_PATH].put.responses['200'].description;
  broken.components.schemas.Link.properties.href = { $ref: '#/components/schemas/Missing' };
  const result = await validate(broken);
  expect(result.valid).toBe(false);
});
