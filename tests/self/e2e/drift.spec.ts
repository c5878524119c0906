// Drift (support/report/drift.ts): against the extra-fields variant, the undocumented properties are
// listed in drift.json and the summary, marked new on the first run and not on the next one with the
// history carried over (CONFORMANCE_DRIFT_HISTORY), and never fail a run.
import fs from 'node:fs';
import path from 'node:path';
import { test, expect } from '../fixtures';
import { summary } from '../helpers/summary';
import type { DriftReport } from '../../../support/report/drift';

test('drift: undocumented properties are listed, new on the first run, not new on the next, never a failure', async ({
  conformanceRun,
}) => {
  const history = test.info().outputPath('drift-history.json');
  const drift = async (name: string) => {
    // The configured reporters (the drift reporter among them), without Allure's HTML: the 200 checks are enough.
    const run = await conformanceRun({
      name,
      behaviour: 'extra-fields',
      reporters: 'playwright',
      args: ['--grep', '@200'],
      env: { CONFORMANCE_DRIFT_HISTORY: history },
    });
    expect(run.exitCode, `drift never fails a run\n${run.output}`).toBe(0);
    const report = JSON.parse(fs.readFileSync(path.join(run.reportsDir, 'drift.json'), 'utf8')) as DriftReport;
    return { report, text: summary(run.reportsDir) };
  };
  const added = ['connection._links.project', 'connection.createdDateTime', 'connection.lastModified'];
  const first = await drift('first');
  await test.info().attach('summary with drift', { body: first.text, contentType: 'text/markdown' });
  expect(first.report.source.key).toBe('embedded mock (behaviour extra-fields)');
  expect(first.report.previousRun).toBeUndefined();
  for (const name of added) {
    expect(first.report.items).toContainEqual(expect.objectContaining({ kind: 'property', name, seenOn: ['PUT 200'], new: true }));
    expect(first.text).toContain(`| 🆕 new | property | \`${name}\` | PUT 200 |`);
  }
  expect(first.text).toMatch(/^## ✅ /);
  expect(first.text).toMatch(/### Drift\n\n\*\*Drift\*\* \(information, never a failure\)/);

  const second = await drift('second');
  expect(second.report.previousRun).toBe(first.report.generated);
  for (const name of added) {
    expect(second.report.items).toContainEqual(expect.objectContaining({ kind: 'property', name, new: false }));
    expect(second.text).toContain(`|  | property | \`${name}\` | PUT 200 |`);
  }
  expect(second.text).toMatch(/, 0 new since the previous run/);
});
