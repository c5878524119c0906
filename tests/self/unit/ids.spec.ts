// Ids for negative cases come from the run's own connection id (support/contract/ids.ts): an unknown or
// near-miss id keeps its shape (length, classes per position, the UUID form), so a server validating
// its ids' format still answers 404; an invalid id holds what no id's alphabet has. The configuration
// takes ids of any length.
import crypto from 'node:crypto';
import { test, expect } from '../fixtures';
import { INVALID_CONNECTION_IDS, nearMissIds, shapeOf, unknownConnectionId } from '../../../support/contract/ids';
import { parseConnectionIds } from '../../../support/run/config-parsers';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const SHAPES: [string, string, RegExp][] = [
  ['43 base64url characters', crypto.randomBytes(32).toString('base64url'), /^[A-Za-z0-9_-]{43}$/],
  ['a UUID', crypto.randomUUID(), UUID],
  ['an upper-case UUID', crypto.randomUUID().toUpperCase(), /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/],
  ['24 hex digits', crypto.randomBytes(12).toString('hex'), /^[0-9a-f]{24}$/],
  ['64 base64url characters', crypto.randomBytes(48).toString('base64url'), /^[A-Za-z0-9_-]{64}$/],
  ['digits only', '1234567890', /^\d{10}$/],
];

for (const [name, id, shape] of SHAPES) {
  test(`ids derived from ${name} keep its shape, and differ from it`, () => {
    for (let i = 0; i < 20; i++) {
      const unknown = unknownConnectionId(id);
      expect(unknown, 'unknown id').toMatch(shape);
      expect(unknown).not.toBe(id);
    }
    const nearMisses = nearMissIds(id);
    expect(nearMisses.length, 'first, middle and last changed').toBeGreaterThanOrEqual(3);
    for (const nearMiss of nearMisses) {
      expect(nearMiss.id, nearMiss.name).toMatch(shape);
      expect(nearMiss.id.length, nearMiss.name).toBe(id.length);
      expect(
        [...nearMiss.id].filter((char, i) => char !== id[i]),
        `${nearMiss.name}: one character changed`,
      ).toHaveLength(1);
    }
    expect(new Set(nearMisses.map(n => n.id)).size, 'distinct').toBe(nearMisses.length);
    for (const invalid of INVALID_CONNECTION_IDS) expect(invalid.of(id), invalid.name).not.toMatch(shape);
  });
}

test('a letter in the other case is a near miss only where ids hold both cases (never for a UUID, compared without case)', () => {
  const caseFlip = (id: string) => nearMissIds(id).some(n => n.name === 'a letter in the other case');
  expect(caseFlip('AbCdEfGh12')).toBe(true);
  expect(caseFlip(crypto.randomUUID())).toBe(false);
  expect(caseFlip('abcdef012345')).toBe(false);
  expect(
    nearMissIds('x').map(n => n.id),
    'a one-character id changes once',
  ).toEqual(['y']);
});

test('UUID version and variant are kept; shapes are described for the report', () => {
  const uuid = '8c4ac108-5331-4795-99ed-45499be34742';
  for (let i = 0; i < 20; i++)
    expect(unknownConnectionId(uuid)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-9[0-9a-f]{3}-[0-9a-f]{12}$/);
  expect(shapeOf(uuid)).toBe('a UUID');
  expect(shapeOf('a1b2c3')).toBe('6 hex digits');
  expect(shapeOf('Ab_9')).toBe('4 characters of A-Z a-z 0-9 _');
  expect(INVALID_CONNECTION_IDS[0]!.of(uuid)).toHaveLength(uuid.length);
});

test('the configuration takes connection ids of any length: UUIDs, long ids, dots and tildes', () => {
  const uuid = crypto.randomUUID();
  expect(parseConnectionIds(`${uuid}, a.b~c`)).toEqual([uuid, 'a.b~c']);
  expect(parseConnectionIds('x'.repeat(200))).toEqual(['x'.repeat(200)]);
  expect(() => parseConnectionIds('https://host/x')).toThrow(/STORAGE_CONNECTION_ID/);
});
