// The schemas are the contract: every example of the document validates against its model, what the
// document leaves open is tolerated, and each kind of contract break is caught with its JSON pointer.
import fs from 'node:fs';
import path from 'node:path';
import { test, expect } from '../fixtures';
import { loadSchema, MODELS, SCHEMA_DIR, violationsOf, type ModelName } from '../../../support/contract/schemas';

const EXAMPLES_DIR = path.join(SCHEMA_DIR, 'examples');
const example = (file: string) => JSON.parse(fs.readFileSync(path.join(EXAMPLES_DIR, file), 'utf8'));
const clone = <T>(value: T): T => structuredClone(value);

test('every schema is draft 2020-12 with an $id named after its model', () => {
  for (const model of MODELS) {
    const schema = loadSchema(model);
    expect(schema['$schema'], model).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema['$id'], model).toMatch(new RegExp(`/${model}\\.schema\\.json$`));
  }
});

test('every example in the document validates against its schema', () => {
  const files = fs.readdirSync(EXAMPLES_DIR);
  expect(files.length, 'the document has six examples').toBe(6);
  for (const file of files) {
    const model = file.split('.')[0] as ModelName;
    expect(MODELS, file).toContain(model);
    expect(violationsOf(model, example(file)), file).toEqual([]);
  }
});

const response200 = example('StorageConnectionResponse.200.json');
const response422 = example('ErrorResponse.422.json');

test.describe('what the document leaves open is tolerated', () => {
  const tolerated: [string, ModelName, unknown][] = [
    [
      'a connection that never ran (no lastRun)',
      'StorageConnectionResponse',
      (() => {
        const v = clone(response200);
        delete v.connection._links.lastRun;
        return v;
      })(),
    ],
    [
      'extra properties from public clients (error, _links.project)',
      'StorageConnectionResponse',
      (() => {
        const v = clone(response200);
        v.connection.error = { errorKey: 'k', description: 'd' };
        v.connection._links.project = { href: 'https://api.bentley.com/projects/1' };
        return v;
      })(),
    ],
    [
      'an error detail with a null target',
      'ErrorResponse',
      { error: { code: 'InvalidStorageConnectionRequest', message: 'm', details: [{ code: 'InvalidValue', message: 'm', target: null }] } },
    ],
    [
      'an error with a top-level target',
      'ErrorResponse',
      { error: { code: 'InvalidStorageConnectionRequest', message: 'm', target: 'displayName' } },
    ],
    // The Error Response note: clients "MUST NOT assume ... that all of the properties in the response will be non-null".
    ['an error whose message is null', 'ErrorResponse', { error: { code: 'StorageConnectionNotFound', message: null } }],
    ['an error whose code is null', 'ErrorResponse', { error: { code: null, message: 'm' } }],
    ['an error whose every property is null', 'ErrorResponse', { error: { code: null, message: null, target: null, details: null } }],
    ['an error with no property at all', 'ErrorResponse', { error: {} }],
    ['a null error', 'ErrorResponse', { error: null }],
    ['an Error Response with no error', 'ErrorResponse', {}],
    [
      'details whose codes and messages are null or absent',
      'ErrorResponse',
      { error: { code: 'InvalidStorageConnectionRequest', details: [{ code: null, message: null, target: 'displayName' }, {}] } },
    ],
    ['an update with one field', 'StorageConnectionUpdate', { displayName: 'x' }],
  ];
  for (const [name, model, value] of tolerated) {
    test(name, () => expect(violationsOf(model, value)).toEqual([]));
  }
});

test.describe('contract breaks are caught, each with its pointer', () => {
  // The mutations poke into an example of arbitrary shape.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const breaks: [string, ModelName, (value: any) => void, string][] = [
    [
      'a lower-case authenticationType',
      'StorageConnectionResponse',
      v => (v.connection.authenticationType = 'user'),
      '/connection/authenticationType',
    ],
    ['an iModelId that is not a UUID', 'StorageConnectionResponse', v => (v.connection.iModelId = 'imodel-1'), '/connection/iModelId'],
    ['an iTwinId that is not a UUID', 'StorageConnectionResponse', v => (v.connection.iTwinId = 42), '/connection/iTwinId'],
    ['a numeric id', 'StorageConnectionResponse', v => (v.connection.id = 1), '/connection/id'],
    ['a null displayName', 'StorageConnectionResponse', v => (v.connection.displayName = null), '/connection/displayName'],
    [
      'an href that is not a URI',
      'StorageConnectionResponse',
      v => (v.connection._links.iModel.href = 'not a uri'),
      '/connection/_links/iModel/href',
    ],
    [
      'a link that is a string',
      'StorageConnectionResponse',
      v => (v.connection._links.lastRun = 'https://x/y'),
      '/connection/_links/lastRun',
    ],
    ['a connection that is an array', 'StorageConnectionResponse', v => (v.connection = [v.connection]), '/connection'],
    ['a numeric error code', 'ErrorResponse', v => (v.error.code = 422), '/error/code'],
    ['details that are an object', 'ErrorResponse', v => (v.error.details = v.error.details[0]), '/error/details'],
    ['a numeric detail target', 'ErrorResponse', v => (v.error.details[1].target = 7), '/error/details/1/target'],
    ['a numeric error message', 'ErrorResponse', v => (v.error.message = 7), '/error/message'],
    ['a detail message that is an object', 'ErrorResponse', v => (v.error.details[0].message = { text: 'm' }), '/error/details/0/message'],
    ['a detail that is a string', 'ErrorResponse', v => (v.error.details[0] = 'InvalidValue'), '/error/details/0'],
    ['an error that is a string', 'ErrorResponse', v => (v.error = 'InvalidStorageConnectionRequest'), '/error'],
  ];
  for (const [name, model, mutate, pointer] of breaks) {
    test(name, () => {
      const value = clone(model === 'ErrorResponse' ? response422 : response200);
      mutate(value);
      expect(violationsOf(model, value).map(v => v.pointer)).toContain(pointer);
    });
  }

  test('an invalid update body is caught', () => {
    expect(
      violationsOf('StorageConnectionUpdate', { authenticationType: 'Admin', displayName: 3 })
        .map(v => v.pointer)
        .sort(),
    ).toEqual(['/authenticationType', '/displayName']);
  });
});

test('toMatchSchema lists every violation with pointer and value, and is honest about .not', async () => {
  const copy = clone(response200);
  copy.connection.iModelId = 'imodel-1';
  copy.connection.authenticationType = 'user';
  const broken: unknown = copy;
  const valid: unknown = response200;
  const failure = await expect(broken)
    .toMatchSchema('StorageConnectionResponse')
    .then(
      () => undefined,
      (error: Error) => error.message,
    );
  expect(failure).toContain('2 violation(s)');
  expect(failure).toContain('"/connection/iModelId"');
  expect(failure).toContain('"imodel-1"');
  expect(failure).toContain('"/connection/authenticationType"');
  await expect(broken).not.toMatchSchema('StorageConnectionResponse');
  await expect(valid).toMatchSchema('StorageConnectionResponse');
  const notFailure = await expect(valid)
    .not.toMatchSchema('StorageConnectionResponse')
    .then(
      () => undefined,
      (error: Error) => error.message,
    );
  expect(notFailure).toContain('but it validates');
});
