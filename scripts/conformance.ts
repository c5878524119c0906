// `npm run conformance [-- playwright args]`: runs the conformance suite, then always generates the
// Allure HTML report from its results, and exits with the suite's status (non-zero on any failure).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { reportPaths } from '../support/paths';

const reports = reportPaths();
// Results of an earlier run would be merged into this run's report: start from an empty folder.
fs.rmSync(reports.allureResults, { recursive: true, force: true });

const run = spawnSync('npx', ['playwright', 'test', ...process.argv.slice(2)], { stdio: 'inherit' });
const status = run.status ?? 1;
// A configuration or setup error stops the run before any test; there is nothing to report then.
if (fs.existsSync(reports.allureResults)) {
  // Allure flattens its output only into an empty folder.
  fs.rmSync(reports.allureReport, { recursive: true, force: true });
  const allure = spawnSync('npx', ['allure', 'generate', reports.allureResults], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (allure.status !== 0) {
    console.error(`Allure report generation failed (exit ${allure.status}): see the messages above.`);
    process.exit(status || 1);
  }
  console.log(`Reports: ${reports.root} (junit.xml, allure-results/, allure-report/index.html, playwright-report/index.html)`);
}
process.exit(status);
