// Sharding, as the nightly job runs the suite: two shards (blob reports), merged with merge-reports,
// give the same tests and verdicts as one run.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test, expect, type ConformanceRun, type TestVerdict } from '../fixtures';
import { readJsonReport } from '../helpers/child-run';
import { PROJECT_ROOT } from '../../../support/report/paths';

/** Runs Playwright directly (blob shards, merge-reports), returning when it exits. */
function playwright(args: string[], env: Record<string, string>): Promise<number> {
  const child = spawn(process.execPath, [require.resolve('@playwright/test/cli'), ...args], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, API_BASE_URL: '', API_ACCESS_TOKEN: '', STORAGE_CONNECTION_ID: '', MOCK_BEHAVIOUR: '', ...env },
    stdio: 'ignore',
  });
  return new Promise(resolve => child.on('close', code => resolve(code ?? 1)));
}

test('two shards, merged, give the same tests and verdicts as one run', async ({ conformanceRun }) => {
  const dir = test.info().outputPath('shards');
  const all = path.join(dir, 'all-blob-reports');
  const [single, ...shards] = await Promise.all([
    conformanceRun({ name: 'shards/single' }),
    ...[1, 2].map(shard =>
      playwright(['test', `--shard=${shard}/2`, '--reporter=blob'], {
        CONFORMANCE_REPORTS_DIR: path.join(dir, `shard-${shard}`),
        PLAYWRIGHT_BLOB_OUTPUT_DIR: path.join(dir, `blob-${shard}`),
      }),
    ),
  ]);
  expect(shards).toEqual([0, 0]);
  fs.mkdirSync(all, { recursive: true });
  for (const shard of [1, 2])
    for (const file of fs.readdirSync(path.join(dir, `blob-${shard}`)))
      fs.copyFileSync(path.join(dir, `blob-${shard}`, file), path.join(all, file));
  const mergedJson = path.join(dir, 'merged.json');
  expect(await playwright(['merge-reports', '--reporter=json', all], { PLAYWRIGHT_JSON_OUTPUT_NAME: mergedJson })).toBe(0);
  const merged: ConformanceRun = { ...single, tests: readJsonReport(mergedJson) };
  const verdicts = (run: ConformanceRun) => run.tests.map((t: TestVerdict) => `${t.title}: ${t.status}`).sort();
  expect(single.exitCode, single.output).toBe(0);
  expect(verdicts(merged)).toEqual(verdicts(single));
});
