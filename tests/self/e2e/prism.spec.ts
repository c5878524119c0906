// The suite against another mock server: Stoplight Prism serving the OpenAPI definition, with the
// `prism` target profile. What Prism can stand in for passes; what it reaches only with Prefer is
// marked "shape only" and not counted as a pass of the behaviour; what a stateless example server
// cannot satisfy is skipped with the profile's reason, never passed.
import { test, expect } from '../fixtures';
import { PROFILES, treatmentOf } from '../../../support/run/profiles';

test('npm run conformance passes against Prism with the prism profile, skipping with reasons', async ({ conformanceRun }) => {
  const run = await conformanceRun({ name: 'prism', env: { TARGET_PROFILE: 'prism' } });
  expect(run.exitCode, run.output).toBe(0);
  expect(run.output).toMatch(/Target: prism at http:\/\/127\.0\.0\.1:\d+/);
  for (const verdict of run.tests) {
    const title = verdict.title.split(' › ').at(-1)!;
    const treatment = treatmentOf(PROFILES.prism, verdict.tags);
    if (treatment === 'skip') {
      expect(verdict.status, title).toBe('skipped');
      expect(verdict.annotations.find(a => a.type === 'skip')?.description, title).toMatch(/^prism profile: .{20,}/);
    } else {
      expect(verdict.status, title).toBe('passed');
      const shapeOnly = verdict.annotations.some(a => a.type === 'shape only');
      expect(shapeOnly, `${title}: reached with Prefer, so it proves the shape only`).toBe(treatment === 'prefer');
    }
  }
  const shapeOnly = (t: (typeof run.tests)[number]) => t.annotations.some(a => a.type === 'shape only');
  const counts = {
    passed: run.tests.filter(t => t.status === 'passed' && !shapeOnly(t)).length,
    shapeOnly: run.tests.filter(shapeOnly).length,
    skipped: run.tests.filter(t => t.status === 'skipped').length,
  };
  console.log(`Prism profile: ${counts.passed} passed as they are, ${counts.shapeOnly} shape only (Prefer), ${counts.skipped} skipped`);
  expect(counts.passed, 'checks Prism stands in for as they are').toBeGreaterThan(10);
  expect(counts.shapeOnly, 'checks Prism passes only with Prefer: the invalid token, the unknown id, three invalid ids').toBe(5);
});
