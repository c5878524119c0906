// The generated checks' own tests: the arbitraries come from the schemas (and follow a change to
// them), valid values validate and wrong ones do not, the oracle reads the document as the fixed checks
// do, the faults only generated requests find are reached by almost every run's cases, the seed is
// validated and recorded (e2e/seed-replay.spec.ts: a failing run shrinks to the same counterexample when replayed).
import fc from 'fast-check';
import { test, expect } from '../fixtures';
import { GENERATED_FAULTS, TRIGGERS } from '../../../mock/faults-generated';
import { violationsOf } from '../../../support/contract/schemas';
import { environmentOf } from '../../../support/run/environment';
import { ConfigError, readConfig } from '../../../support/run/config';
import { PROFILES, skipReasonFor } from '../../../support/run/profiles';
import type { Target } from '../../../support/run/target';
import { PROPERTY_KEYS } from '../../../support/generate/cases';
import { invalidUpdateBodies, notObjectBodies, updateBodies } from '../../../support/generate/bodies';
import { propertiesOf, UnsupportedSchema, wrongValuesOf, type Schema } from '../../../support/generate/from-schema';
import { CONNECTION_SCHEMA, judge, judgeText, UPDATE_SCHEMA } from '../../../support/generate/oracle';
import { DEFAULT_CASES } from '../../../support/generate/property';
import { acceptableNames } from '../../../support/contract/names';
import { CHARACTER_CLASSES } from '../../../support/generate/unicode';
import { listChecks } from '../helpers/list-checks';

const sample = <T>(arbitrary: fc.Arbitrary<T>, numRuns = 300, seed = 1) => fc.sample(arbitrary, { seed, numRuns });
const codePoints = (text: string) => [...text].map(char => char.codePointAt(0)!);

test.describe('arbitraries derived from the schemas', () => {
  test('valid updates are any subset of the update schema, each value valid, with every enum value and every character class', () => {
    const bodies = sample(updateBodies(UPDATE_SCHEMA), 400);
    const documented = Object.keys(propertiesOf(UPDATE_SCHEMA).properties);
    for (const body of bodies) {
      expect(violationsOf('StorageConnectionUpdate', body), JSON.stringify(body)).toEqual([]);
      expect(Object.keys(body).filter(key => !documented.includes(key))).toEqual([]);
    }
    expect(
      bodies.some(body => Object.keys(body).length === 0),
      'an update naming nothing',
    ).toBe(true);
    for (const name of documented)
      expect(
        bodies.some(body => name in body),
        name,
      ).toBe(true);
    expect(new Set(bodies.map(body => body.authenticationType).filter(Boolean))).toEqual(new Set(['User', 'Service']));
    const names = bodies.map(body => body.displayName).filter((name): name is string => typeof name === 'string');
    expect(Math.max(...names.map(name => name.length)), 'long names').toBeGreaterThan(500);
    const all = names.flatMap(name => [...name]);
    for (const characterClass of CHARACTER_CLASSES)
      expect(
        all.some(char => characterClass.ranges.some(([from, to]) => codePoints(char)[0]! >= from && codePoints(char)[0]! <= to)),
        characterClass.name,
      ).toBe(true);
  });

  test('a change to a schema changes what is generated: a new property, a new enum value, a length bound', () => {
    const changed: Schema = {
      type: 'object',
      properties: {
        authenticationType: { type: 'string', enum: ['User', 'Service', 'Federated'] },
        displayName: { type: 'string', maxLength: 8 },
        description: { type: 'string' },
      },
      required: ['displayName'],
    };
    const bodies = sample(updateBodies(changed), 300);
    expect(bodies.every(body => typeof body.displayName === 'string' && body.displayName.length <= 8)).toBe(true);
    expect(bodies.some(body => body.authenticationType === 'Federated')).toBe(true);
    expect(bodies.some(body => 'description' in body)).toBe(true);
    const wrongTypes = sample(wrongValuesOf(changed.properties!['authenticationType' as never] as Schema), 300);
    expect(wrongTypes).not.toContain('Federated');
    expect(sample(wrongValuesOf({ type: 'string', maxLength: 8 }), 100).some(value => typeof value === 'string')).toBe(true);
  });

  test('a keyword the translator does not know stops it, naming the keyword', () => {
    expect(() => updateBodies({ type: 'object', properties: { code: { type: 'string', pattern: '^[A-Z]+$' } } })).toThrow(
      UnsupportedSchema,
    );
    expect(() => updateBodies({ type: 'object', properties: { code: { type: 'string', pattern: '^[A-Z]+$' } } })).toThrow(/pattern/);
  });

  test("wrong values break their property's schema: every type the schema refuses, nested, and invalid enum strings", () => {
    for (const [name, schema] of Object.entries(propertiesOf(UPDATE_SCHEMA).properties)) {
      const values = sample(wrongValuesOf(schema), 300);
      for (const value of values)
        expect(violationsOf('StorageConnectionUpdate', { [name]: value }), `${name}: ${JSON.stringify(value)}`).not.toEqual([]);
      const kinds = new Set(values.map(value => (value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value)));
      expect([...kinds].sort(), name).toEqual(expect.arrayContaining(['array', 'boolean', 'null', 'number', 'object']));
      expect(
        values.some(
          value => typeof value === 'object' && value !== null && Object.values(value).some(inner => typeof inner === 'object' && inner),
        ),
        `${name}: containers nested in containers`,
      ).toBe(true);
    }
    expect(sample(wrongValuesOf(propertiesOf(UPDATE_SCHEMA).properties.authenticationType!), 300)).toContain('user');
  });

  test('invalid updates are refused or where the document is silent, never valid, and carry unknown and read-only properties', () => {
    const bodies = sample(invalidUpdateBodies(UPDATE_SCHEMA, CONNECTION_SCHEMA), 300);
    const verdicts = bodies.map(judge);
    expect(verdicts.filter(verdict => verdict.kind === 'refuse').length, 'mostly refused').toBeGreaterThan(150);
    expect(
      bodies.some(body => ['id', 'iModelId', 'iTwinId', '_links'].some(key => key in body)),
      'read-only properties',
    ).toBe(true);
    expect(
      bodies.some(body => Object.keys(body).some(key => !(key in propertiesOf(CONNECTION_SCHEMA).properties))),
      'unknown properties',
    ).toBe(true);
  });

  test('bodies that are not a JSON object never parse as one, and are always refused', () => {
    const texts = sample(notObjectBodies(UPDATE_SCHEMA, CONNECTION_SCHEMA), 300);
    for (const text of texts) expect(judgeText(text).kind, text).toBe('refuse');
    const malformed = texts.filter(text => {
      try {
        JSON.parse(text);
        return false;
      } catch {
        return true;
      }
    });
    expect(malformed.length, 'malformed JSON').toBeGreaterThan(100);
    expect(texts.length - malformed.length, 'JSON values other than objects').toBeGreaterThan(50);
  });
});

test.describe('the oracle reads the document as the fixed checks do', () => {
  const cases: [string, unknown, string, string?][] = [
    ['a rename', { displayName: 'conformance' }, 'accept'],
    ['a private-use character (text like any other)', { displayName: '\ue000' }, 'accept'],
    ['both properties', { displayName: 'Überprüfung 🚀', authenticationType: 'Service' }, 'accept'],
    ['an update naming nothing', {}, 'either'],
    ['a blank name', { displayName: '   ' }, 'either'],
    ['control characters', { displayName: 'a\u0000b' }, 'either'],
    ['a lone surrogate', { displayName: 'a\ud800' }, 'either'],
    ['a very long name', { displayName: 'n'.repeat(300) }, 'either'],
    ['an enum value in another case', { authenticationType: 'user' }, 'either'],
    ['null', { displayName: null }, 'either'],
    ['an unknown property', { displayName: 'x', extra: 1 }, 'either'],
    ['a read-only property', { iModelId: 'x' }, 'either'],
    ['an invalid enum string', { authenticationType: 'Admin' }, 'refuse', 'authentication-type.values'],
    ['a number as name', { displayName: 42 }, 'refuse', '422.invalid'],
    ['a nested array as name, beside an unknown property', { displayName: [[]], extra: 1 }, 'refuse', '422.invalid'],
    ['an array body', [], 'refuse', '422.invalid'],
  ];
  for (const [name, body, kind, clause] of cases)
    test(`${name}: ${kind}`, () => {
      const verdict = judge(body);
      expect(verdict.kind).toBe(kind);
      if (clause) expect(verdict.kind === 'refuse' && verdict.clause).toBe(clause);
    });

  test('malformed JSON is refused', () => {
    expect(judgeText('{"displayName": "a').kind).toBe('refuse');
    expect(judgeText('{"displayName": "a"}').kind).toBe('accept');
  });

  test('the echo tolerance is the one rule the boundary checks use too', () => {
    expect(acceptableNames(' a\u0000 ')).toContain('a');
    expect(acceptableNames('e\u0301')).toContain('\u00e9');
    expect(acceptableNames('abc')).not.toContain('ab');
  });
});

/** The cases the kill matrix gives a fault of the generated checks (tests/self/helpers/kill-matrix.ts). */
const KILL_MATRIX_CASES = 40;

test.describe('faults only generated requests find', () => {
  // A user's run (15 cases) reaches each in at least 95% of seeds, and a nightly's fresh seeds make up the
  // rest; the kill matrix's 40 cases reach each in almost every seed (npm run case-yield measures detection).
  test("the cases of a default run reach each fault in at least 95% of seeds, the kill matrix's 40 in almost all (200 seeds, no server)", () => {
    const arbitraries = {
      '@generated-update': [updateBodies(UPDATE_SCHEMA).map(body => JSON.stringify(body))],
      '@generated-invalid': [
        invalidUpdateBodies(UPDATE_SCHEMA, CONNECTION_SCHEMA).map(body => JSON.stringify(body)),
        notObjectBodies(UPDATE_SCHEMA, CONNECTION_SCHEMA),
      ],
    };
    // A run of N cases sends the first N values of its seed's stream: each seed's 40 are drawn once, and
    // a default run's cases are their first ones (checked here, so the shortcut cannot drift from fc.sample).
    const SEEDS = 200;
    const drawn = new Map<fc.Arbitrary<string>, string[][]>();
    const casesOf = (arbitrary: fc.Arbitrary<string>, seed: number, cases: number) => {
      if (!drawn.has(arbitrary))
        drawn.set(
          arbitrary,
          Array.from({ length: SEEDS }, (_, index) => sample(arbitrary, KILL_MATRIX_CASES, index + 1)),
        );
      return drawn.get(arbitrary)![seed - 1]!.slice(0, cases);
    };
    for (const arbitrary of Object.values(arbitraries).flat())
      for (const seed of [1, 77, 200])
        expect(sample(arbitrary, DEFAULT_CASES.mock, seed)).toEqual(casesOf(arbitrary, seed, DEFAULT_CASES.mock));
    for (const [name, fault] of Object.entries(GENERATED_FAULTS)) {
      const trigger = TRIGGERS[name as keyof typeof TRIGGERS] as (text: string) => boolean;
      const properties = fault.caughtBy.flatMap(tag => arbitraries[tag as keyof typeof arbitraries] ?? []);
      const reached = (cases: number) => {
        let runs = 0;
        for (let seed = 1; seed <= SEEDS; seed++) if (properties.some(arbitrary => casesOf(arbitrary, seed, cases).some(trigger))) runs++;
        return runs;
      };
      expect(reached(DEFAULT_CASES.mock), `${name}: default runs (of 200) whose cases reach it`).toBeGreaterThanOrEqual(190);
      expect(reached(KILL_MATRIX_CASES), `${name}: kill-matrix runs (of 200) whose cases reach it`).toBeGreaterThanOrEqual(199);
    }
  });

  test('every generated check says generated in its title, and the prism profile skips it with its reason', () => {
    const generated = listChecks().filter(check => check.tags.includes('@generated'));
    expect(generated.map(check => check.title.split(':')[0]).sort()).toEqual(Object.values(PROPERTY_KEYS).sort());
    for (const check of generated) {
      expect(check.title).toContain('generated');
      expect(skipReasonFor(PROFILES.prism, check.tags)).toMatch(/^Prism is stateless.*each generated case needs a server/);
    }
  });
});

test.describe('seed and cases', () => {
  const invalid: [Record<string, string>, string][] = [
    [{ CONFORMANCE_SEED: 'abc' }, 'CONFORMANCE_SEED'],
    [{ CONFORMANCE_SEED: '1.5' }, 'CONFORMANCE_SEED'],
    [{ CONFORMANCE_SEED: '4294967296' }, 'CONFORMANCE_SEED'],
    [{ CONFORMANCE_GENERATED_CASES: '-1' }, 'CONFORMANCE_GENERATED_CASES'],
    [{ CONFORMANCE_GENERATED_CASES: 'many' }, 'CONFORMANCE_GENERATED_CASES'],
    [{ CONFORMANCE_GENERATED_CASES: '10001' }, 'CONFORMANCE_GENERATED_CASES'],
  ];
  for (const [env, variable] of invalid)
    test(`${JSON.stringify(env)} is refused with one line naming ${variable}`, () => {
      let error: unknown;
      try {
        readConfig(env);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toContain(variable);
      expect((error as Error).message).not.toContain('\n');
      expect((error as Error).message).toMatch(/: set/);
    });

  test('valid values are read, against the mock and a live target', () => {
    expect(readConfig({ CONFORMANCE_SEED: '-42', CONFORMANCE_GENERATED_CASES: '0' })).toMatchObject({ seed: -42, generatedCases: 0 });
    const live = {
      API_BASE_URL: 'https://dev-api.bentley.com',
      API_ACCESS_TOKEN: 'abc.def',
      STORAGE_CONNECTION_ID: 'abc',
      CONFORMANCE_SEED: '7',
      CONFORMANCE_GENERATED_CASES: '3',
    };
    expect(readConfig(live)).toMatchObject({ seed: 7, generatedCases: 3 });
  });

  test("the seed is in the Allure environment ('Seed')", () => {
    const target = {
      baseUrl: 'http://127.0.0.1:1',
      connectionId: 'abc',
      isEmbeddedMock: true,
      readMethod: 'GET',
      readLagMs: 3000,
      probeMaxRequests: 0,
    };
    expect(environmentOf({ ...target, seed: 1234 } as unknown as Target)['Seed']).toBe('1234');
  });
});
