// The run's request budget (CONFORMANCE_REQUEST_BUDGET) against a target given by URL: once it is
// spent the checks' requests are refused, the checks after it skipped, and the connection still restored.
import { test, expect } from '../fixtures';

test("the request budget stops the run's requests, and the connection is still restored", async ({ mock, conformanceRun }) => {
  const original = mock.connection();
  {
    const run = await conformanceRun({ against: mock, env: { CONFORMANCE_REQUEST_BUDGET: '25' } });
    expect(run.exitCode).toBe(1);
    expect(run.tests.filter(t => t.status === 'failed').length, 'at most the one check that hit the budget fails').toBeLessThanOrEqual(1);
    expect(run.tests.filter(t => t.status === 'skipped').length, 'the checks after it are skipped').toBeGreaterThan(30);
    expect(run.output).toMatch(/the run's request budget of 25 was spent before every check ran \(\d+ refused\)/);
    expect(run.output).toMatch(/25 of 25 budgeted requests sent/);
    expect(mock.connection()).toEqual(original);
  }
});
