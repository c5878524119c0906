// `npm run report`: (re)generates the Allure HTML report from the run's results, with the history
// of earlier runs (allurerc.mjs). Also called by `npm run conformance` after every run.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { reportPaths } from '../support/run/paths';

/** Returns false, having said why, when there is nothing to report or Allure failed. */
export function generateAllureReport(reports = reportPaths()): boolean {
  if (!fs.existsSync(reports.allureResults)) {
    console.error(`No Allure results in ${reports.allureResults}: run npm run conformance first.`);
    return false;
  }
  // Allure flattens its output only into an empty folder.
  fs.rmSync(reports.allureReport, { recursive: true, force: true });
  const allure = spawnSync('npx', ['allure', 'generate', reports.allureResults], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (allure.status !== 0) {
    console.error(`Allure report generation failed (exit ${allure.status}): see the messages above.`);
    return false;
  }
  console.log(`Allure report: ${reports.allureReport}/index.html`);
  return true;
}

if (require.main === module) process.exit(generateAllureReport() ? 0 : 1);
