// `npm run conformance [-- playwright args]`: runs the conformance suite, then always generates the
// Allure HTML report from its results (also after a failure or Ctrl-C), and exits with the suite's
// status (non-zero on any failure). The console reporter's closing block ends with the report's path,
// printed here once the report is written; the other reports sit beside it (docs/reports.md).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { REPORT_PRINTED_AFTER } from '../support/run/console-reporter';
import { shownPath } from '../support/report/console-summary';
import { reportPaths } from '../support/report/paths';
import { outputPaths } from '../support/run/config';
import { allureIndex, generateAllureReport } from './report';

async function main(): Promise<number> {
  const reports = reportPaths(outputPaths().reportsDir);
  // Results of an earlier run would be merged into this run's report: start from an empty folder.
  fs.rmSync(reports.allureResults, { recursive: true, force: true });
  // Ctrl-C reaches Playwright too (same process group); it stops, restores the connection and exits,
  // and this script stays alive to write the report of what ran.
  process.on('SIGINT', () => {});
  // Playwright's CLI straight from this Node process's binary: npx would add a process and its lookup.
  const run = spawn(process.execPath, [require.resolve('@playwright/test/cli'), 'test', ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, [REPORT_PRINTED_AFTER]: '1' },
  });
  const status = await new Promise<number>(resolve => run.on('close', code => resolve(code ?? 1)));
  // A configuration or setup error stops the run before any test: there is nothing to report then.
  if (!fs.existsSync(reports.allureResults)) return status;
  const reported = generateAllureReport(reports);
  console.log(
    reported
      ? `Report: ${shownPath(allureIndex(reports))}`
      : `Report: ${shownPath(path.join(reports.playwrightReport, 'index.html'))} (the Allure report could not be written)`,
  );
  return status || (reported ? 0 : 1);
}

void main().then(code => process.exit(code));
