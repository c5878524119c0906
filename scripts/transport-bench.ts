// `npm run transport-bench`: how the suite stays bounded when the transport breaks, with the default
// settings (a 30 s deadline, unresponsive after 3 transport failures, bodies read up to 10 MiB):
//   - a target that stops answering after 20 answers: the time from the first unanswered request to
//     the end of `npm run conformance` (every report written), and whether the connection was restored;
//   - a 300 MB 404 body: the peak memory of the whole run (every process of it, sampled), the size of
//     reports/ and the exit status.
// The mocks listen on 127.0.0.1 only; each run is bounded by the suite's own deadlines.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { StorageConnectionMock, type Behaviour } from '../mock/server';
import { afterAnswers, hugeNotFound } from '../mock/transport';
import { runConformance } from '../tests/self/helpers/child-run';
import { PROJECT_ROOT } from '../support/report/paths';

const DIR = path.join(PROJECT_ROOT, 'reports', 'transport-bench');

/** Resident memory of a process group, in MiB (every process of the run: npm, tsx, the runner, its worker). */
function groupRssMiB(pgid: number): number {
  try {
    const out = execFileSync('ps', ['-o', 'rss=', '-g', String(pgid)], { encoding: 'utf8' });
    return (
      out
        .split('\n')
        .filter(Boolean)
        .reduce((sum, kb) => sum + Number(kb), 0) / 1024
    );
  } catch {
    return 0;
  }
}

function sizeMiB(dir: string): number {
  const files = fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter(entry => entry.isFile());
  return files.reduce((sum, entry) => sum + fs.statSync(path.join(entry.parentPath, entry.name)).size, 0) / 1024 / 1024;
}

async function measured(name: string, behaviour: Behaviour) {
  const mock = await StorageConnectionMock.create({ behaviour });
  const original = mock.connection();
  let peak = 0;
  let sampler: NodeJS.Timeout | undefined;
  const run = await runConformance({
    reportsDir: path.join(DIR, name),
    reporters: 'configured',
    env: {
      API_BASE_URL: mock.url,
      API_ACCESS_TOKEN: mock.token,
      STORAGE_CONNECTION_ID: mock.connectionId,
      CONFORMANCE_STATE_DIR: path.join(DIR, `${name}-state`),
    },
    onStart: ({ pid }) => (sampler = setInterval(() => (peak = Math.max(peak, groupRssMiB(pid))), 250)),
  });
  clearInterval(sampler);
  const restored = JSON.stringify(mock.connection()) === JSON.stringify(original);
  await mock.stop();
  return { run, peak, reports: sizeMiB(path.join(DIR, name)), restored };
}

async function main(): Promise<void> {
  fs.rmSync(DIR, { recursive: true, force: true });
  let hungAt = 0;
  const hang = afterAnswers(20, { kind: 'hang' });
  const timedHang: Behaviour = async (request, next, context) => {
    const response = await hang(request, next, context);
    if (response.transport && !hungAt) hungAt = Date.now();
    return response;
  };
  const stopped = await measured('hang', timedHang);
  const hangToExit = (Date.now() - hungAt) / 1000;
  const huge = await measured('huge-body', hugeNotFound(300_000_000));
  console.log('| figure | value |\n|---|---|');
  console.log(
    `| target stops answering after 20 answers: from the first unanswered request to the end of the run | ${hangToExit.toFixed(1)} s |`,
  );
  console.log(
    `| ... exit status, peak memory, reports | ${stopped.run.exitCode}, ${stopped.peak.toFixed(0)} MiB, ${stopped.reports.toFixed(1)} MiB |`,
  );
  console.log(`| ... connection restored (by this run, or left to the record) | ${stopped.restored ? 'restored' : 'left to the record'} |`);
  console.log(`| a 300 MB 404 body: peak memory of the whole run | ${huge.peak.toFixed(0)} MiB |`);
  console.log(`| ... reports written | ${huge.reports.toFixed(1)} MiB |`);
  console.log(`| ... exit status (1: the 404 check's finding) | ${huge.run.exitCode} |`);
  console.log(`| ... wall time, connection restored | ${(huge.run.wallMs / 1000).toFixed(1)} s, ${huge.restored ? 'yes' : 'no'} |`);
}

void main();
