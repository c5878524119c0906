// A Playwright process of the suite starts cheaply (issue 22): reading the configuration loads neither
// Ajv, undici nor the mock's catalogue (MOCK_BEHAVIOUR unset), and the validators cached as Ajv
// standalone code judge as the compiled ones do. scripts/bench/startup.ts has the figures.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { ValidateFunction } from 'ajv/dist/2020';
import { test, expect } from '../fixtures';
import { compileSchemas } from '../../../support/contract/schema-compiler';
import { loadSchema, MODELS, SCHEMA_DIR, VALIDATOR_CACHE_DIR, validatorCacheFile, type ModelName } from '../../../support/contract/schemas';
import { PROJECT_ROOT } from '../../../support/report/paths';
import { CONFIG_VARIABLES } from '../../../support/run/config';

/** The modules a fresh process has loaded after requiring playwright.config.ts, relative to the project. */
function modulesAfterConfig(env: Record<string, string>): string[] {
  const probe = `require('./playwright.config.ts'); console.log(JSON.stringify(Object.keys(require.cache)));`;
  const blank = Object.fromEntries(CONFIG_VARIABLES.map(name => [name, '']));
  const child = spawnSync(process.execPath, ['--require', 'tsx/cjs', '-e', probe], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, ...blank, ...env },
    encoding: 'utf8',
  });
  expect(child.status, child.stderr).toBe(0);
  return (JSON.parse(child.stdout.trim().split('\n').at(-1)!) as string[]).map(file => path.relative(PROJECT_ROOT, file));
}

const loads = (modules: string[], what: RegExp) => modules.filter(file => what.test(file));
const AJV = /^node_modules\/ajv(-formats)?\//;
const UNDICI = /^node_modules\/undici\//;
const MOCK = /^mock\//;

test('reading the configuration loads neither Ajv, undici nor the mock', () => {
  const modules = modulesAfterConfig({});
  expect(loads(modules, /^support\/run\/config\.ts$/), 'the probe loaded the configuration').toHaveLength(1);
  expect(loads(modules, AJV)).toEqual([]);
  expect(loads(modules, UNDICI)).toEqual([]);
  expect(loads(modules, MOCK)).toEqual([]);
});

test('MOCK_BEHAVIOUR is judged against the mock catalogue, and a wrong name still stops the run', () => {
  expect(loads(modulesAfterConfig({ MOCK_BEHAVIOUR: 'lost-update' }), /^mock\/behaviours\.ts$/)).toHaveLength(1);
  const blank = Object.fromEntries(CONFIG_VARIABLES.map(name => [name, '']));
  const child = spawnSync(process.execPath, ['--require', 'tsx/cjs', '-e', `require('./playwright.config.ts')`], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, ...blank, MOCK_BEHAVIOUR: 'no-such-fault' },
    encoding: 'utf8',
  });
  expect(child.status).toBe(2);
  expect(child.stderr).toMatch(/^Configuration error: .*no-such-fault/m);
});

test('the cached standalone validators judge as the compiled ones do', () => {
  const schemas = new Map(MODELS.map(model => [model, loadSchema(model)]));
  const { validators, code } = compileSchemas(schemas);
  // In the cache folder, whose requires (ajv-formats) resolve from the project's node_modules.
  const file = path.join(VALIDATOR_CACHE_DIR, `unit-${process.pid}.js`);
  fs.mkdirSync(VALIDATOR_CACHE_DIR, { recursive: true });
  fs.writeFileSync(file, code);
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const cached = require(file) as Record<ModelName, ValidateFunction>;
    const examples = fs.readdirSync(path.join(SCHEMA_DIR, 'examples'));
    const values: [ModelName, unknown][] = [
      ...examples.map(
        name =>
          [name.split('.')[0] as ModelName, JSON.parse(fs.readFileSync(path.join(SCHEMA_DIR, 'examples', name), 'utf8'))] as [
            ModelName,
            unknown,
          ],
      ),
      ['StorageConnectionResponse', { connection: { id: 1, displayName: 'x', _links: { imodel: { href: 'not a uri' } } } }],
      ['StorageConnectionUpdate', { displayName: 7, authenticationType: 'Nobody', extra: true }],
      ['ErrorResponse', { error: { code: 'InvalidRequest', details: [{ code: 3 }] } }],
      ['Link', 'not an object'],
    ];
    for (const [model, value] of values) {
      const [compiled, fromCache] = [validators.get(model)!, cached[model]];
      expect(fromCache(value), model).toBe(compiled(value));
      expect(fromCache.errors ?? null, model).toEqual(compiled.errors ?? null);
    }
    expect(
      values.some(([model, value]) => !validators.get(model)!(value)),
      'some values violate their schema',
    ).toBe(true);
  } finally {
    fs.rmSync(file, { force: true });
  }
});

test('the cache key changes with the schemas', () => {
  const texts = MODELS.map(model => JSON.stringify(loadSchema(model)));
  const changed = [...texts.slice(0, -1), `${texts.at(-1)!} `];
  expect(validatorCacheFile(texts)).not.toBe(validatorCacheFile(changed));
  expect(path.dirname(validatorCacheFile(texts))).toBe(VALIDATOR_CACHE_DIR);
});
