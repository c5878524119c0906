// Where a run writes its output, in the reports folder it is given: the configuration's
// (CONFORMANCE_REPORTS_DIR, read by support/run/config.ts; the project's own tests run several
// conformance runs at once, each into a folder of its own), else reports/.
import path from 'node:path';

export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

export function reportPaths(root = path.join(PROJECT_ROOT, 'reports')) {
  return {
    root,
    junit: path.join(root, 'junit.xml'),
    allureResults: path.join(root, 'allure-results'),
    allureReport: path.join(root, 'allure-report'),
    playwrightReport: path.join(root, 'playwright-report'),
    testResults: path.join(root, 'test-results'),
    mockRequests: path.join(root, 'mock-requests.json'),
  };
}
