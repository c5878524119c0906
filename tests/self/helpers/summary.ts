// `npm run summary` on a run's reports folder, as the nightly job writes the run's page: its Markdown.
import { execFileSync } from 'node:child_process';
import { PROJECT_ROOT } from '../../../support/report/paths';

export function summary(reportsDir: string, ...args: string[]): string {
  return execFileSync('npm', ['run', '--silent', 'summary', '--', reportsDir, ...args], { cwd: PROJECT_ROOT, encoding: 'utf8' });
}
