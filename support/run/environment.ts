// The Allure report's environment block: what was tested, by which version of the suite, on what.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { networkSettings } from '../client/network';
import { describeCaFiles, describeRoute } from '../client/network-settings';
import { PROJECT_ROOT } from '../report/paths';
import type { Target } from './target';

function gitCommit(): string {
  if (process.env.GITHUB_SHA) return process.env.GITHUB_SHA;
  try {
    return execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
  } catch {
    return 'unknown';
  }
}

const versionOf = (file: string) => (JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version;

export function environmentOf(target: Target): Record<string, string> {
  const behaviour = target.mockBehaviour;
  return {
    'Target base URL': target.baseUrl,
    'Target kind': target.isEmbeddedMock ? `embedded mock${behaviour ? ` (behaviour ${behaviour})` : ''}` : 'live target',
    Connection: target.connectionId,
    'Read back with': `${target.readMethod}, waiting up to ${target.readLagMs / 1000} s for a write to show`,
    '429 probe': target.probeMaxRequests ? `on, at most ${target.probeMaxRequests} requests` : 'off',
    // How requests reached the target (the proxy's password as ***), and the CA certificates trusted.
    Network: describeRoute(networkSettings(), target.baseUrl),
    ...(networkSettings().caFiles.length && { 'CA certificates': describeCaFiles(networkSettings()) }),
    // The generated checks' seed: CONFORMANCE_SEED=<Seed> replays the run's generated cases.
    ...(target.seed !== undefined && { Seed: String(target.seed) }),
    'Suite version': versionOf(path.join(PROJECT_ROOT, 'package.json')),
    'Git commit': gitCommit(),
    Node: process.version,
    Playwright: versionOf(require.resolve('@playwright/test/package.json')),
  };
}

/** Writes environment.properties into the Allure results folder (Allure reads it into the report). */
export function writeAllureEnvironment(resultsDir: string, environment: Record<string, string>): void {
  const escape = (text: string) =>
    text
      .replace(/\\/g, '\\\\')
      .replace(/([=:\s])/g, '\\$1')
      .replace(/\n/g, '\\n');
  fs.mkdirSync(resultsDir, { recursive: true });
  const lines = Object.entries(environment).map(([key, value]) => `${escape(key)}=${value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`);
  fs.writeFileSync(path.join(resultsDir, 'environment.properties'), lines.join('\n') + '\n');
}
