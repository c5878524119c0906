// What the console reporter (console-reporter.ts) prints, as plain functions of the checks' outcomes:
// one short line per check (no tags, a path relative to the checks' folder, the reason of a skip on the
// line) and the closing block that reads at a glance: counts per response path, the unique findings,
// the failed and skipped checks, the requests sent and the one report to open.
import path from 'node:path';
import { pathTagOf, RESPONSE_PATHS } from '../contract/tags';
import { findingLine, findingsOf } from './findings';

export type Outcome = 'passed' | 'failed' | 'timedOut' | 'skipped' | 'interrupted' | 'not run';

export interface CheckOutcome {
  /** Relative to the checks' folder, e.g. 200-update.spec.ts. */
  file: string;
  line: number;
  /** Describe titles below the file's outermost one, then the check's title: no tags. */
  titlePath: string[];
  tags: readonly string[];
  outcome: Outcome;
  durationMs: number;
  annotations: readonly { type: string; description?: string }[];
}

const SYMBOL: Record<Outcome, string> = { passed: '✓', failed: '✘', timedOut: '✘', skipped: '-', interrupted: '!', 'not run': ' ' };
const failed = (outcome: Outcome) => outcome === 'failed' || outcome === 'timedOut';

/** A path as a reader types it: relative to the working folder when it lies inside it, else absolute. */
export function shownPath(file: string, cwd = process.cwd()): string {
  const relative = path.relative(cwd, file);
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file;
}

export const skipReasonOf = (check: Pick<CheckOutcome, 'annotations'>) =>
  check.annotations.find(a => a.type === 'skip' || a.type === 'fixme')?.description || 'no reason given';

export const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, Math.max(0, max - 1))}…` : text);

function duration(ms: number): string {
  return ms < 1000 ? `${ms}ms` : `${(ms / 1000).toFixed(1)}s`;
}

/** `  ✓ 200-update.spec.ts:55 › a rename … (262ms)`; a skip ends with its reason, which is never clipped. */
export function checkLine(check: CheckOutcome, width: number): string {
  const head = `  ${SYMBOL[check.outcome]} ${check.file}:${check.line} › `;
  const title = check.titlePath.join(' › ');
  const tail = check.outcome === 'skipped' ? ` — skipped: ${skipReasonOf(check)}` : ` (${duration(check.durationMs)})`;
  const room = Math.max(40, width - head.length - (check.outcome === 'skipped' ? 0 : tail.length));
  return `${head}${clip(title, check.outcome === 'skipped' ? Math.min(room, 70) : room)}${tail}`;
}

/** `70 passed, 1 failed, 2 skipped`: passed, failed and skipped always (all only when asked), the rest when there are any. */
function counts(checks: readonly CheckOutcome[], all = true): string {
  const count = (pick: (outcome: Outcome) => boolean) => checks.filter(c => pick(c.outcome)).length;
  const parts: [number, string][] = [
    [count(o => o === 'passed'), 'passed'],
    [count(failed), 'failed'],
    [count(o => o === 'skipped'), 'skipped'],
    [count(o => o === 'interrupted'), 'interrupted'],
    [count(o => o === 'not run'), 'not run'],
  ];
  return parts
    .filter(([n], i) => n > 0 || (all && i < 3))
    .map(([n, word]) => `${n} ${word}`)
    .join(', ');
}

export interface ClosingBlock {
  checks: readonly CheckOutcome[];
  durationMs: number;
  /** One line on the requests the run sent, when it is known. */
  requests?: string;
  /** Where the run's findings are written (the contract reporter's findings.md), as the reader types it. */
  findingsFile?: string;
  /** The one report to open; undefined when the caller prints it once it is written (npm run conformance). */
  report?: string;
  interrupted?: boolean;
  /** Errors outside any check (setup, teardown), printed as they happened. */
  errors?: number;
}

export function closingBlock({ checks, durationMs, requests, findingsFile, report, interrupted, errors = 0 }: ClosingBlock): string[] {
  const lines = [
    '',
    `${plural(checks.length, 'check')} in ${(durationMs / 1000).toFixed(1)} s${interrupted ? ' (interrupted)' : ''}: ${counts(checks)}`,
  ];
  const paths = [...Object.entries(RESPONSE_PATHS), [undefined, 'no response path'] as const];
  const width = Math.max(...paths.map(([, name]) => name.length));
  for (const [tag, name] of paths) {
    const own = checks.filter(c => pathTagOf(c.tags) === tag);
    if (own.length) lines.push(`  ${name.padEnd(width)}  ${counts(own, false)}`);
  }
  // Each deviation once (support/report/findings.ts), as the contract reporter lists it.
  const findings = findingsOf(checks.map(check => ({ title: check.titlePath.join(' › '), annotations: check.annotations })));
  lines.push(`Findings: ${findings.length}${findings.length && findingsFile ? ` (${findingsFile})` : ''}`);
  for (const finding of findings) lines.push(`  ${findingLine(finding)}`);
  const list = (title: string, picked: readonly CheckOutcome[], detail: (check: CheckOutcome) => string) => {
    if (!picked.length) return;
    lines.push(`${title} (${picked.length}):`);
    for (const check of picked) lines.push(`  ${check.file}:${check.line} › ${clip(check.titlePath.join(' › '), 90)}${detail(check)}`);
  };
  list(
    'Failed',
    checks.filter(c => failed(c.outcome)),
    () => '',
  );
  list(
    'Skipped',
    checks.filter(c => c.outcome === 'skipped'),
    check => `: ${skipReasonOf(check)}`,
  );
  if (errors) lines.push(`Errors outside the checks: ${errors} (printed above)`);
  if (requests) lines.push(`Requests: ${requests}`);
  if (report) lines.push(`Report: ${report}`);
  return lines;
}
