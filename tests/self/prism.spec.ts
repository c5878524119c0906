// The suite against another mock server: Stoplight Prism serving the OpenAPI definition, with the
// `prism` target profile. What Prism can stand in for passes (some paths reached with Prefer); what a
// stateless example server cannot satisfy is skipped with the profile's reason, never passed.
import { test, expect } from './fixtures';
import { runConformance } from '../../support/run/child-run';
import { PROFILES, treatmentOf } from '../../support/run/profiles';

test('npm run conformance passes against Prism with the prism profile, skipping with reasons', async () => {
  const run = await runConformance({ reportsDir: test.info().outputPath('prism'), env: { TARGET_PROFILE: 'prism' } });
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
      if (treatment === 'prefer')
        expect(
          verdict.annotations.map(a => a.type),
          title,
        ).toContain('prism profile');
    }
  }
  expect(run.tests.filter(t => t.status === 'passed').length, 'checks Prism can stand in for').toBeGreaterThan(15);
});
