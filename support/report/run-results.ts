// One run's results as the contract reporter (contract-reporter.ts) writes them to its reports folder,
// contract-results.json: each check's result, the run's environment (environment.properties, which
// global setup writes beside the Allure results), its findings and its drift. `npm run summary` and
// the project's own tests read them here; nothing needs the run's processes, Allure's files or the JUnit XML.
import fs from 'node:fs';
import path from 'node:path';
import type { PathTag } from '../contract/tags';
import type { DriftReport } from './drift';
import type { Finding } from './findings';

export const CONTRACT_RESULTS_FILE = 'contract-results.json';

export interface CheckResult {
  /** The check's title. */
  name: string;
  /** "file › describe › title". */
  fullName: string;
  status: 'passed' | 'failed' | 'skipped';
  path?: PathTag;
  /** The clause a failed check broke (support/contract/clauses.ts), as its `broken clause` annotation names it. */
  clauses: { id: string; quote?: string }[];
  failureKind?: string;
  /** The status of the last response before the failing assertion (or the last one of the check). */
  responseStatus?: number;
  /** One line of the failure message, or the reason a check was skipped. */
  reason?: string;
  start?: number;
  stop?: number;
}

export interface RunResults {
  checks: CheckResult[];
  /** environment.properties: 'Target base URL', 'Target kind', 'Connection', 'Seed' (when the run has one), ... */
  environment: Record<string, string>;
  drift?: DriftReport;
  /** Each deviation once (support/report/findings.ts). */
  findings: Finding[];
  /** Requests that were waited out and sent again: after a 429, after a 503 with retry-after. */
  retried?: { throttled: number; unavailable: number };
}

/** A Java properties file as environment.ts writes it (backslash escapes). */
export function readEnvironment(file: string): Record<string, string> {
  if (!fs.existsSync(file)) return {};
  const unescape = (text: string) => text.replace(/\\(.)/g, (_, char: string) => (char === 'n' ? '\n' : char));
  const entries = fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .map(line => /^((?:[^\\=]|\\.)*)=(.*)$/.exec(line))
    .filter(match => match !== null)
    .map(match => [unescape(match[1]!), unescape(match[2]!)]);
  return Object.fromEntries(entries);
}

/** The line of a failure message that says what broke (a custom message, a matcher's '- ' line, expected/received). */
export function reasonOf(message: string | undefined): string | undefined {
  const lines = (message ?? '')
    .replace(/\u001b\[[0-9;]*m/g, '')
    .split('\n')
    .map(line => line.trim())
    .filter(Boolean);
  const first = lines[0]?.replace(/^Error: /, '');
  if (!first) return undefined;
  if (!/^expect\(/.test(first)) return first;
  const detail = lines.find(line => line.startsWith('- '));
  if (detail) return detail.slice(2);
  const compared = lines.filter(line => /^(Expected|Received)( value)?:/.test(line));
  return compared.length ? compared.join('; ') : first;
}

/** The results the contract reporter wrote in `reportsDir`; no checks when it wrote none (a run stopped at setup). */
export function readRunResults(reportsDir: string): RunResults {
  const file = path.join(reportsDir, CONTRACT_RESULTS_FILE);
  if (!fs.existsSync(file))
    return { checks: [], environment: readEnvironment(path.join(reportsDir, 'allure-results', 'environment.properties')), findings: [] };
  const results = JSON.parse(fs.readFileSync(file, 'utf8')) as RunResults;
  // The connection's id is not a secret, but it stays out of summaries all the same.
  const connection = results.environment['Connection'];
  if (connection)
    for (const check of results.checks) if (check.reason) check.reason = check.reason.split(connection).join('{connectionId}');
  return results;
}
