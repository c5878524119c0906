// Allure 3 report settings, read by `allure generate` (npm run conformance, npm run report).
// Paths follow CONFORMANCE_REPORTS_DIR like the rest of the run's output.
import fs from 'node:fs';
import path from 'node:path';
import { defineConfig } from 'allure';

const KINDS = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, 'support', 'report', 'failure-kinds.json'), 'utf8')).kinds;

const reports = path.resolve(import.meta.dirname, process.env.CONFORMANCE_REPORTS_DIR || 'reports');

export default defineConfig({
  name: 'Update StorageConnection conformance',
  resultsDir: path.join(reports, 'allure-results'),
  output: path.join(reports, 'allure-report'),
  // Kept between runs (and between nightly CI runs, see .github/workflows): trends and flaky checks.
  historyPath: path.join(reports, 'allure-history.jsonl'),
  historyLimit: 30,
  plugins: {
    // singleFile: the data inlined into index.html, so the report opens from disk (file://, a double-click),
    // where a browser refuses the separate data files the default layout fetches.
    awesome: { options: { reportName: 'Update StorageConnection conformance', groupBy: ['suite'], singleFile: true } },
  },
  // Failures sorted by what the failing assertion declared it checks (support/report/failure-kind.ts
  // labels each failed check), in the order of failure-kinds.json; the last one takes whatever is left.
  categories: [
    ...KINDS.map(name => ({
      name,
      matchers:
        name === 'Unclassified failure'
          ? [{ statuses: ['failed', 'broken'] }]
          : // Allure reads a label's value as a pattern: the name, escaped, matched whole.
            [{ statuses: ['failed', 'broken'], labels: { failureKind: new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) } }],
    })),
    // Advisories (what the document does not state but good APIs do): shown on passed checks, never a failure.
    { name: 'Advisories (never a failure)', matchers: [{ statuses: ['passed'], labels: { advisory: /.+/ } }] },
  ],
});
