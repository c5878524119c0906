// One run's results as the job summary (scripts/summary.ts) reads them from its reports folder: the
// Allure results every run writes (allure-results/*-result.json with tags, labels, steps and the
// recorded responses; environment.properties), the annotations the drift reporter saved
// (check-annotations.json: Allure's reporter keeps only those declared before a check starts), and
// the drift (drift.json). Nothing here needs the run's processes or the JUnit XML.
import fs from 'node:fs';
import path from 'node:path';
import { pathTagOf, RESPONSE_PATHS, type PathTag } from '../checks/tags';
import { FAILURE_KIND_LABEL } from './failure-kind';
import type { DriftReport } from './drift';

export const CHECK_ANNOTATIONS_FILE = 'check-annotations.json';
export const DRIFT_FILE = 'drift.json';
/** The annotations that name a clause a failed check broke (support/report/allure-labels.ts notes 'broken clause'). */
const CLAUSE_ANNOTATIONS = ['broken clause', 'clause'];

export interface Annotation {
  type: string;
  description?: string;
}

export interface CheckResult {
  /** The check's title. */
  name: string;
  /** "file › describe › title", as Allure's fullName and check-annotations.json key it. */
  fullName: string;
  status: 'passed' | 'failed' | 'skipped';
  path?: PathTag;
  /** The clauses a failed check broke, as its annotations or Allure labels name them (support/contract/clauses.ts). */
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
}

interface AllureStep {
  name?: string;
  status?: string;
  steps?: AllureStep[];
  attachments?: { name: string; source: string }[];
}
interface AllureResult extends AllureStep {
  fullName?: string;
  historyId?: string;
  labels?: { name: string; value: string }[];
  statusDetails?: { message?: string };
  start?: number;
  stop?: number;
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

const readJson = <T>(file: string): T | undefined => (fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as T) : undefined);

/** The response before the first failing assertion (a failed step without a failed sub-step), else the last outside hooks. */
function responseStatusOf(result: AllureResult, failed: boolean): number | undefined {
  let last: number | undefined, atFailure: number | undefined, beforeAfterHooks: number | undefined;
  const walk = (step: AllureStep): boolean => {
    if (step.name === 'After Hooks' && beforeAfterHooks === undefined) beforeAfterHooks = last ?? -1;
    for (const attachment of step.attachments ?? []) {
      const status = /^response (\d{3})$/.exec(attachment.name)?.[1];
      if (status) last = Number(status);
    }
    let childFailed = false;
    for (const child of step.steps ?? []) childFailed = walk(child) || childFailed;
    const fails = step.status === 'failed' || step.status === 'broken';
    if (fails && !childFailed && atFailure === undefined) atFailure = last ?? -1;
    return fails;
  };
  for (const step of result.steps ?? []) walk(step);
  const status = failed && atFailure !== undefined ? atFailure : (beforeAfterHooks ?? last);
  return status === undefined || status < 0 ? undefined : status;
}

/** The line of a failure message that says what broke (a custom message, a matcher's '- ' line, expected/received). */
function reasonOf(message: string | undefined): string | undefined {
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

export function readRunResults(reportsDir: string): RunResults {
  const resultsDir = path.join(reportsDir, 'allure-results');
  const environment = readEnvironment(path.join(resultsDir, 'environment.properties'));
  const annotations = readJson<Record<string, Annotation[]>>(path.join(reportsDir, CHECK_ANNOTATIONS_FILE)) ?? {};
  const latest = new Map<string, AllureResult>();
  const files = fs.existsSync(resultsDir) ? fs.readdirSync(resultsDir).filter(name => name.endsWith('-result.json')) : [];
  for (const file of files) {
    const result = readJson<AllureResult>(path.join(resultsDir, file))!;
    const key = result.historyId ?? result.fullName ?? file;
    // A retried check has a result per attempt: the last one counts.
    if ((latest.get(key)?.stop ?? -1) <= (result.stop ?? 0)) latest.set(key, result);
  }
  const connection = environment['Connection'];
  const checks = [...latest.values()].map((result): CheckResult => {
    const labels = result.labels ?? [];
    const status = result.status === 'passed' ? 'passed' : result.status === 'skipped' ? 'skipped' : 'failed';
    const fullName = result.fullName ?? result.name ?? '';
    const noted = annotations[fullName] ?? [];
    // Clauses: noted while the check ran ('clause' or 'broken clause' annotations, "<id>" or "<id>: <quote>",
    // from check-annotations.json), or as Allure keeps them: 'clause' labels, steps of up-front annotations.
    const clauses = new Map<string, string | undefined>();
    const note = (text: string | undefined) => {
      const [, id, quote] = /^([^\s:]+)(?::\s*(.+))?$/s.exec(text?.trim() ?? '') ?? [];
      if (id && (quote || !clauses.has(id))) clauses.set(id, quote);
    };
    noted.filter(a => CLAUSE_ANNOTATIONS.includes(a.type)).forEach(a => note(a.description));
    labels.filter(label => label.name === 'clause').forEach(label => note(label.value));
    (result.steps ?? []).forEach(step => note(new RegExp(`^(?:${CLAUSE_ANNOTATIONS.join('|')}): (.+)$`, 's').exec(step.name ?? '')?.[1]));
    const reason = reasonOf(result.statusDetails?.message);
    return {
      name: result.name ?? fullName,
      fullName,
      status,
      path: pathTagOf(labels.filter(label => label.name === 'tag').map(label => `@${label.value}`)) ?? pathByName(labels),
      clauses: status === 'failed' ? [...clauses].map(([id, quote]) => ({ id, quote })) : [],
      failureKind:
        status === 'failed'
          ? (labels.find(label => label.name === FAILURE_KIND_LABEL)?.value ?? noted.find(a => a.type === 'failure kind')?.description)
          : undefined,
      responseStatus: status === 'skipped' ? undefined : responseStatusOf(result, status === 'failed'),
      // The connection's id is not a secret, but it stays out of summaries all the same.
      reason: connection && reason ? reason.split(connection).join('{connectionId}') : reason,
      start: result.start,
      stop: result.stop,
    };
  });
  return { checks, environment, drift: readJson<DriftReport>(path.join(reportsDir, DRIFT_FILE)) };
}

function pathByName(labels: { name: string; value: string }[]): PathTag | undefined {
  const suite = labels.find(label => label.name === 'suite')?.value;
  return (Object.keys(RESPONSE_PATHS) as PathTag[]).find(tag => RESPONSE_PATHS[tag] === suite);
}
