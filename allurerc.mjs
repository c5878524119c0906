// Allure 3 report settings, read by `allure generate` (npm run conformance, npm run report).
// Paths follow CONFORMANCE_REPORTS_DIR like the rest of the run's output.
import path from 'node:path';
import { defineConfig } from 'allure';

const reports = path.resolve(import.meta.dirname, process.env.CONFORMANCE_REPORTS_DIR || 'reports');

export default defineConfig({
  name: 'Update StorageConnection conformance',
  resultsDir: path.join(reports, 'allure-results'),
  output: path.join(reports, 'allure-report'),
  // Kept between runs (and between nightly CI runs, see .github/workflows): trends and flaky checks.
  historyPath: path.join(reports, 'allure-history.jsonl'),
  historyLimit: 30,
  plugins: {
    awesome: { options: { reportName: 'Update StorageConnection conformance', groupBy: ['parentSuite', 'suite'] } },
  },
  // Failures sorted by cause; the first rule that matches a failure wins.
  categories: [
    {
      name: 'Transport or server error',
      // Message fragments only: a pattern like 5\d\d would also match ports and ids in URLs.
      matchers: [
        {
          statuses: ['failed', 'broken'],
          message: /is a server error|ECONNREFUSED|ECONNRESET|socket hang up|fetch failed|Timeout \d+ms exceeded|body is not JSON/,
        },
      ],
    },
    {
      name: 'Throttling',
      matchers: [{ statuses: ['failed', 'broken'], message: /\bstatus 429\b|\ba 429 must|\bretry-after\b|\bthrottl/i }],
    },
    {
      name: 'Schema violation',
      matchers: [{ statuses: ['failed', 'broken'], message: /body breaks|violation/i }],
    },
    {
      name: 'State not preserved',
      matchers: [
        {
          statuses: ['failed', 'broken'],
          message: /\b(unchanged|read back|restor(e|ed|ing)|persists?|identity|is still unknown|keeps)\b/i,
        },
      ],
    },
    {
      name: 'Unexpected status',
      matchers: [{ statuses: ['failed', 'broken'], message: /status \d{3}, expected|not one the operation documents|error code/i }],
    },
  ],
});
