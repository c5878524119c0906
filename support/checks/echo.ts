// What a 200 echoes, judged as findings (support/checks/findings.ts): the echo is the connection at the
// path, its links agree with it, and it carries the values sent. A property the echo leaves out is the
// schema's finding (200.properties-present), not this one's: only present values are compared here.
import { test } from '@playwright/test';
import { isDeepStrictEqual } from 'node:util';
import { identityOf, isUuid, linkProblems, type Connection } from '../contract/connection';
import type { Target } from '../run/target';
import { asFinding, type FindingFact } from './findings';
import { expect } from './matchers';

/**
 * The facts an echo or a read-back can break: one finding each, whichever property shows it (the
 * example names the property), so that a stale echo or a lost update is one line, not one per property.
 */
export const FACTS = {
  identity: { clause: '200.updated', what: "a 200 whose id, iModelId or iTwinId is not the connection's at the path" },
  /** A body that names read-only properties: an identity that follows them is update.read-only's finding. */
  readOnly: { clause: 'update.read-only', what: "a body with read-only properties changed the connection's identity" },
  echoed: { clause: 'update.properties', what: 'a 200 that does not echo a value the update sent' },
  kept: { clause: 'update.properties', what: 'a 200 in which a property left out of the update changed' },
  stored: { clause: 'update.operation', what: 'a connection read back that does not hold what the update wrote' },
} satisfies Record<string, FindingFact>;

/**
 * Compares `actual` with `expected` property by property, each a finding of `fact(name)`; returns the
 * names that differed (whether this check failed with them or recorded them).
 */
export async function expectEach(
  fact: FindingFact,
  actual: Connection,
  expected: Connection,
  names: readonly string[],
  why: string,
): Promise<string[]> {
  const wrong: string[] = [];
  for (const name of names) {
    if (isDeepStrictEqual(actual[name], expected[name])) continue;
    wrong.push(name);
    await asFinding(fact, () => expect(actual[name], `${why}: ${name}`).toEqual(expected[name]));
  }
  return wrong;
}

/** The ids whose form the schema fixes (UUIDs): one that breaks it is the schema's finding, not compared again here. */
const comparable = (connection: Connection, name: string) =>
  connection[name] !== undefined && (name === 'id' || (typeof connection[name] === 'string' && isUuid(connection[name] as string)));

/** The echo is the connection at the path: the same id, iModelId and iTwinId, as far as it gives them in their form. */
export async function expectThisConnection(
  connection: Connection,
  target: Target,
  why = 'the echoed connection is the one at the path',
  fact: FindingFact = FACTS.identity,
) {
  const expected = { ...identityOf(target.original), id: target.connectionId };
  const names = Object.keys(expected).filter(name => comparable(connection, name));
  // UUIDs compare without case (RFC 4122); the connection id exactly.
  const normal = (c: Connection) =>
    Object.fromEntries(names.map(name => [name, name === 'id' ? c[name] : String(c[name] ?? '').toLowerCase()])) as Connection;
  await expectEach(fact, normal(connection), normal(expected), names, why);
}

/** A 422 detail that names a property of the request that was not at fault (error.target). */
export const NAMED_WRONG_TARGET: FindingFact = {
  clause: 'error.target',
  what: 'a 422 whose details name a property that was not at fault',
};

/** The links the echo gives agree with the connection (200.links). */
export async function expectLinks(connection: Connection, target: Target) {
  const problems = linkProblems(connection, target.connectionId);
  for (const problem of problems) {
    const link = problem.split(' ')[0]!;
    await asFinding({ clause: '200.links', what: `a 200 whose ${link} disagrees with the connection` }, () =>
      expect(problem, 'links consistent with the connection').toBeUndefined(),
    );
  }
}

/** The echo carries displayName and authenticationType as expected (update.properties), as far as it gives them. */
export async function expectEchoedValues(connection: Connection, expected: Pick<Connection, 'displayName' | 'authenticationType'>) {
  const names = Object.keys(expected).filter(name => connection[name] !== undefined);
  await expectEach(FACTS.echoed, connection, expected, names, 'the echoed values');
}

/** The 200 echo is this connection with consistent links and the expected values: one boxed step. */
export function expectEcho(connection: Connection, target: Target, expected: Pick<Connection, 'displayName' | 'authenticationType'>) {
  return test.step(
    'the echo is this connection, with the values sent',
    async () => {
      await expectThisConnection(connection, target);
      await expectLinks(connection, target);
      await expectEchoedValues(connection, expected);
    },
    { box: true },
  );
}
