// `npm run report`: (re)generates the Allure HTML report from the run's results, with the history
// of earlier runs (allurerc.mjs). Also called by `npm run conformance` after every run. The report is
// one file (the awesome plugin's singleFile), so index.html opens from disk as it is.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { shownPath } from '../support/report/console-summary';
import { PROJECT_ROOT, reportPaths } from '../support/report/paths';
import { outputPaths } from '../support/run/config';

/** Allure's CLI, run with this Node binary (npx would add a process and its package lookup). */
const ALLURE_CLI = path.join(PROJECT_ROOT, 'node_modules', 'allure', 'cli.js');

/** The file to open: the whole report, data included. */
export const allureIndex = (reports = reportPaths()) => path.join(reports.allureReport, 'index.html');

/** Returns false, having said why, when there is nothing to report or Allure failed. */
export function generateAllureReport(reports = reportPaths()): boolean {
  if (!fs.existsSync(reports.allureResults)) {
    console.error(`No Allure results in ${shownPath(reports.allureResults)}: run npm run conformance first.`);
    return false;
  }
  // Allure flattens its output only into an empty folder.
  fs.rmSync(reports.allureReport, { recursive: true, force: true });
  const allure = spawnSync(process.execPath, [ALLURE_CLI, 'generate', reports.allureResults], {
    cwd: PROJECT_ROOT,
    // allurerc.mjs places the report (and the history) beside these results.
    env: { ...process.env, CONFORMANCE_REPORTS_DIR: reports.root },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (allure.status !== 0 || !fs.existsSync(allureIndex(reports))) {
    console.error(`Allure report generation failed (exit ${allure.status}): see the messages above.`);
    return false;
  }
  return true;
}

if (require.main === module) {
  const reports = reportPaths(outputPaths().reportsDir);
  const reported = generateAllureReport(reports);
  if (reported) console.log(`Report: ${shownPath(allureIndex(reports))}`);
  process.exit(reported ? 0 : 1);
}
