// The connection's original state (support/run/original-state.ts): against a target given by URL the
// connection is left as it was found, even when checks fail, also when the target serves only the PUT.
import { test, expect, type ConformanceRun } from '../fixtures';
import type { Behaviour } from '../../../mock/server';
import { errorResponse } from '../../../mock/operation';

const verdictOf = (run: ConformanceRun, title: RegExp) => run.tests.find(t => title.test(t.title));

test.describe('a target given by URL', () => {
  test('is restored to its original state after a run whose checks fail', async ({ mock, conformanceRun }) => {
    // Renames are stored but echoed with the old name: the 200 checks fail after the state changed.
    const staleEcho: Behaviour = (request, next) => {
      const before = next({ ...request, method: 'GET' });
      const response = next();
      return request.method === 'PUT' && response.status === 200 ? before : response;
    };
    mock.setBehaviour(staleEcho);
    {
      const original = mock.connection();
      const run = await conformanceRun({ name: 'stale-echo', against: mock });
      expect(run.exitCode).toBe(1);
      expect(verdictOf(run, /a rename echoes/)!.status).toBe('failed');
      expect(mock.connection(), 'the connection after the run').toEqual(original);
      expect(run.output).not.toContain(mock.token);
    }
  });

  test('that serves only the PUT is read back with an empty update, and the suite passes', async ({ mock, conformanceRun }) => {
    const putOnly: Behaviour = (request, next) =>
      request.method === 'GET' ? errorResponse(404, 'ResourceNotFound', 'No such route.') : next();
    mock.setBehaviour(putOnly);
    {
      const run = await conformanceRun({ name: 'put-only', against: mock });
      expect(run.output).toContain('read back with PUT');
      expect(run.exitCode, run.output).toBe(0);
      expect(mock.connection()?.displayName).toBe('Conformance seed connection');
    }
  });
});
