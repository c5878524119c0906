// `npm run throttle-stats`: how the 429 probe's verdict holds up, measured, not argued. The probe alone
// (--grep @throttling) runs RUNS times (default 50) against the embedded mock in four settings:
//   - random throttling by other clients, 10% and 20% of requests (variant random-throttling):
//     a conformant server, so every run must pass (a failure is a false alarm);
//   - a retry-after consistently shorter than the real block, without and with the block extended by
//     every early retry (faults 429-retry-after-lies and 429-retry-after-lies-extending): every run
//     must fail (a pass is a miss).
// Each setting runs as a few child runs of the suite with --repeat-each; only 127.0.0.1 is contacted.
import path from 'node:path';
import { runConformance, type ConformanceRun } from '../tests/self/helpers/child-run';
import { PROJECT_ROOT } from '../support/report/paths';

const RUNS = Number(process.env.THROTTLE_STATS_RUNS) || 50;

interface Setting {
  name: string;
  /** Child runs at a time: the random settings burst hard (a saturated machine could not outrun the mock's limit), the others mostly wait. */
  parallel: number;
  behaviour: string;
  env?: Record<string, string>;
  expected: 'passed' | 'failed';
}

const SETTINGS: Setting[] = [
  { name: 'random throttling, 10%', parallel: 2, behaviour: 'random-throttling', env: { RANDOM_THROTTLE_RATE: '0.1' }, expected: 'passed' },
  { name: 'random throttling, 20%', parallel: 2, behaviour: 'random-throttling', env: { RANDOM_THROTTLE_RATE: '0.2' }, expected: 'passed' },
  { name: 'retry-after shorter than the block', parallel: 5, behaviour: '429-retry-after-lies', expected: 'failed' },
  {
    name: 'retry-after shorter, block extended by early retries',
    parallel: 5,
    behaviour: '429-retry-after-lies-extending',
    expected: 'failed',
  },
];

async function measure(setting: Setting): Promise<Record<string, number>> {
  const { parallel } = setting;
  const shares = Array.from({ length: parallel }, (_, i) => Math.floor(RUNS / parallel) + (i < RUNS % parallel ? 1 : 0)).filter(n => n > 0);
  const runs: ConformanceRun[] = await Promise.all(
    shares.map((repeat, i) =>
      runConformance({
        reportsDir: path.join(
          PROJECT_ROOT,
          'reports',
          'throttle-stats',
          `${setting.behaviour}-${setting.env?.RANDOM_THROTTLE_RATE ?? ''}-${i}`,
        ),
        behaviour: setting.behaviour,
        env: setting.env,
        args: ['--grep', '@throttling', `--repeat-each=${repeat}`],
      }),
    ),
  );
  const counts: Record<string, number> = { passed: 0, failed: 0, skipped: 0, other: 0 };
  for (const test of runs.flatMap(run => run.tests)) counts[test.status in counts ? test.status : 'other']! += 1;
  return counts;
}

async function main(): Promise<void> {
  console.log(`429 probe verdicts, ${RUNS} runs per setting (THROTTLE_STATS_RUNS to change), one setting at a time.`);
  const started = Date.now();
  const results = [];
  for (const setting of SETTINGS) results.push({ setting, counts: await measure(setting) });
  console.log('\n| setting | expected | passed | failed | skipped | other | as expected |\n|---|---|---|---|---|---|---|');
  let wrong = 0;
  for (const { setting, counts } of results) {
    const asExpected = counts[setting.expected]!;
    wrong += RUNS - asExpected;
    console.log(
      `| ${setting.name} | ${setting.expected} | ${counts.passed} | ${counts.failed} | ${counts.skipped} | ${counts.other} | ${asExpected}/${RUNS} |`,
    );
  }
  console.log(`\n${((Date.now() - started) / 1000).toFixed(0)} s; verdicts other than expected: ${wrong}`);
  process.exit(wrong ? 1 : 0);
}

void main();
