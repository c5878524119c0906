// Where a run writes its output: reports/ by default, another folder with CONFORMANCE_REPORTS_DIR (the
// project's own tests run several conformance runs at once, each into a folder of its own).
import path from 'node:path';

export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

export function reportsDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(PROJECT_ROOT, env.CONFORMANCE_REPORTS_DIR || 'reports');
}

export function reportPaths(root = reportsDir()) {
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
