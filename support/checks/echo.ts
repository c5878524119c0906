// What a 200 echoes, judged as findings (support/checks/findings.ts): the echo is the connection at the
// path, its links agree with it, and it carries the values sent. A property the echo leaves out is the
// schema's finding (200.properties-present), not this one's: only present values are compared here.
import { test } from '@playwright/test';
import { identityOf, linkProblems, type Connection } from '../contract/connection';
import type { Target } from '../run/target';
import { asFinding } from './findings';
import { expect } from './matchers';
import { differing } from './state';

const present = (values: Record<string, unknown>) => Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined));

/** The echo is the connection at the path: the same id, iModelId and iTwinId, as far as it gives them. */
export async function expectThisConnection(connection: Connection, target: Target, why = 'the echoed connection is the one at the path') {
  const expected = { ...identityOf(target.original), id: target.connectionId };
  const echoed = present(identityOf(connection));
  const wrong = differing(echoed, expected, Object.keys(echoed));
  await asFinding(
    { clause: '200.updated', what: `a 200 whose ${wrong.join(', ') || 'identity'} is not the connection's at the path` },
    () =>
      expect(echoed, why).toEqual(
        present(Object.fromEntries(Object.keys(echoed).map(key => [key, expected[key as keyof typeof expected]]))),
      ),
  );
}

/** The links the echo gives agree with the connection (200.links). */
export async function expectLinks(connection: Connection, target: Target) {
  const problems = linkProblems(connection, target.connectionId);
  const which = problems.map(problem => problem.split(' ')[0]).join(', ');
  await asFinding({ clause: '200.links', what: `a 200 whose ${which || 'links'} disagree with the connection` }, () =>
    expect(problems, 'links consistent with the connection').toEqual([]),
  );
}

/** The echo carries displayName and authenticationType as expected (update.properties). */
export async function expectEchoedValues(connection: Connection, expected: Pick<Connection, 'displayName' | 'authenticationType'>) {
  // Only what the echo gives: a property it leaves out is the schema's finding.
  const echoed = present({ displayName: connection.displayName, authenticationType: connection.authenticationType });
  const wrong = differing(echoed, expected, Object.keys(echoed));
  await asFinding({ clause: 'update.properties', what: `a 200 whose ${wrong.join(', ') || 'values'} differ from the update's` }, () =>
    expect(echoed, 'the echoed values').toEqual(
      present(Object.fromEntries(Object.keys(echoed).map(key => [key, expected[key as keyof typeof expected]]))),
    ),
  );
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
