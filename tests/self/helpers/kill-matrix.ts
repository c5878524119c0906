// The kill matrix: the conformance suite run against the mock in every fault and every variant of
// mock/behaviours.ts. Each fault declares the clause it breaks (breaks) and the tags of the checks that
// should catch it (caughtBy). It counts as detected only when a check carrying one of those tags failed
// on that clause: with a finding of it (the `finding` annotation), or, failing without a finding on an
// expect of its own spec file, when the check declares the clause (clausesOf its tags). Not when
// something merely went red: a timeout, an interruption, a crash, a teardown error or a finding of
// another clause is not the fault's. A variant passes only when every check ran and passed. The
// matrix is a Markdown table anyone can re-run: reports/kill-matrix.md, naming what caught each fault.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BEHAVIOURS, type NamedBehaviour } from '../../../mock/behaviours';
import { runConformance, type ConformanceRun, type TestVerdict } from './child-run';
import { listChecks } from './list-checks';
import { PROJECT_ROOT } from '../../../support/report/paths';
import { clausesOf, type ClauseId } from '../../../support/contract/clauses';
import { FINDING, findingText, parseFinding, type FindingFact } from '../../../support/report/findings';

/**
 * A fault run stops at its first failed check (each failure would restart Playwright's worker, which
 * makes a run against a broken server several times slower than a passing one). That is conservative:
 * if the first check to fail is not a related one, or fails on another clause, the fault is not detected.
 */
export const MAX_FAILURES = 1;

/**
 * What a run showed. A fault is 'detected' when a check carrying one of its caughtBy tags failed on the
 * clause it breaks; 'detected on another clause' when such a check failed with a finding of another
 * clause (or on an assertion of a check that does not declare it): a fault caught for the wrong reason,
 * or a fault whose `breaks` is wrong.
 */
export type Observed =
  | 'detected'
  | 'detected on another clause'
  | 'failed, no related assertion'
  | 'not detected'
  | 'passes'
  | 'false alarm'
  | 'skipped checks'
  | 'no result';

export interface MatrixRow {
  name: string;
  kind: NamedBehaviour['kind'];
  path?: number;
  description: string;
  /** For a fault: the clause it breaks. */
  breaks?: ClauseId;
  expected: 'detected' | 'passes';
  observed: Observed;
  /** For a fault a related check failed on: the finding or assertion it failed with. */
  assertion?: string;
  ok: boolean;
  failing: string[];
  skipped: string[];
  /** Requests outside the probe that met a 429 and were retried after retry-after. */
  throttleWaits: number;
  wallMs: number;
}

const failed = (run: ConformanceRun) => run.tests.filter(t => t.status !== 'passed' && t.status !== 'skipped');

/** The findings a failed check failed with: its `finding` annotations (support/report/findings.ts). */
export function findingsFailedWith(test: TestVerdict): FindingFact[] {
  if (test.status !== 'failed') return [];
  return test.annotations.flatMap(({ type, description }) => (type === FINDING && description && parseFinding(description)) || []);
}

/** Errors of JavaScript itself, named first in their message: a check that threw one crashed, it did not assert. */
const CRASHES = ['TypeError', 'ReferenceError', 'RangeError', 'SyntaxError'];

/**
 * The error a failed check raised in its own spec file (one of its expects), if it failed on one: not a
 * timeout or an interruption (another status), not an error of the fixtures' teardown (raised in
 * support/), not a crash. The spec file is the first part of the check's title.
 */
export function ownError(test: TestVerdict): TestVerdict['errors'][number] | undefined {
  if (test.status !== 'failed') return undefined;
  const specFile = `/${test.title.split(' › ')[0]}`;
  return test.errors.find(
    error =>
      error.file !== undefined &&
      error.file.replace(/\\/g, '/').endsWith(specFile) &&
      !CRASHES.some(name => error.message.startsWith(`${name}:`)),
  );
}

export interface Caught {
  on: 'the clause it breaks' | 'another clause';
  /** The finding, or the assertion and the clauses its check declares. */
  assertion: string;
}

/**
 * What a failed check caught of a fault that breaks `breaks`. A check that failed with findings caught
 * it if one of them is of that clause; one that failed on an assertion of its own without a finding, if
 * it declares that clause (clausesOf its tags). Anything else it failed on is not the fault's.
 */
export function caughtOn(test: TestVerdict, breaks: ClauseId | undefined): Caught | undefined {
  const where = shortTitle(test.title);
  const findings = findingsFailedWith(test);
  if (findings.length) {
    const own = findings.find(finding => finding.clause === breaks);
    return own
      ? { on: 'the clause it breaks', assertion: `finding "${findingText(own)}" in ${where}` }
      : { on: 'another clause', assertion: `finding "${findings.map(findingText).join('", "')}" in ${where}, not ${breaks}` };
  }
  const error = ownError(test);
  if (!error) return undefined;
  const first = error.message.split('\n')[0]!.replace(/^Error: /, '');
  const at = `"${first}" at ${path.basename(error.file!)}:${error.line}`;
  const declared = clausesOf(test.tags);
  return breaks !== undefined && declared.includes(breaks)
    ? { on: 'the clause it breaks', assertion: `${at}, in a check of ${breaks}` }
    : { on: 'another clause', assertion: `${at}, in a check of ${declared.join(', ')}, not ${breaks}` };
}

/** The checks a fault is run against: those carrying a tag it names (the per-test coverage of mutation testers). */
export function grepOf(caughtBy: readonly string[]): string {
  return `(${caughtBy.map(tag => tag.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})(\\s|$)`;
}

/**
 * The spec files of those checks, given to the run beside the grep: the runner and its workers load only
 * them, not every spec file (about a third of a fault run's CPU).
 */
export function specFilesOf(caughtBy: readonly string[]): string[] {
  const files = listChecks()
    .filter(check => check.tags.some(tag => caughtBy.includes(tag)))
    .map(check => check.file);
  return [...new Set(files)];
}

export function judge(name: string, behaviour: NamedBehaviour, run: ConformanceRun): MatrixRow {
  const failingTests = failed(run);
  const failing = failingTests.map(t => t.title);
  // A fault run stops early (MAX_FAILURES), so only a variant's skips say something (e.g. an unprovable probe).
  const skipped = behaviour.kind === 'variant' ? run.tests.filter(t => t.status === 'skipped').map(t => t.title) : [];
  const throttleWaits = run.tests.flatMap(t => t.annotations).filter(a => a.type === 'throttled').length;
  const base = {
    name,
    kind: behaviour.kind,
    path: behaviour.path,
    breaks: behaviour.breaks,
    description: behaviour.description,
    failing,
    skipped,
    throttleWaits,
    wallMs: run.wallMs,
  };
  if (run.tests.length === 0) {
    return {
      ...base,
      expected: behaviour.kind === 'fault' ? 'detected' : 'passes',
      observed: 'no result',
      ok: false,
      failing: [run.output.trim().split('\n').slice(-3).join(' / ')],
    };
  }
  if (behaviour.kind === 'variant') {
    // A skipped check proved nothing about the variant (a probe that never met a 429, say).
    const observed = run.exitCode !== 0 || failing.length ? 'false alarm' : skipped.length ? 'skipped checks' : 'passes';
    return { ...base, expected: 'passes', observed, ok: observed === 'passes' };
  }
  const caughtBy: readonly string[] = behaviour.caughtBy ?? [];
  const catching = failingTests.filter(t => t.tags.some(tag => caughtBy.includes(tag)));
  const caught = catching.flatMap(t => caughtOn(t, behaviour.breaks) ?? []);
  const hit = caught.find(c => c.on === 'the clause it breaks') ?? caught[0];
  const observed: Observed = hit
    ? hit.on === 'the clause it breaks'
      ? 'detected'
      : 'detected on another clause'
    : failing.length
      ? 'failed, no related assertion'
      : 'not detected';
  return { ...base, expected: 'detected', observed, ok: observed === 'detected', assertion: hit?.assertion };
}

/** Runs every behaviour, `concurrency` conformance runs at a time. */
export async function runMatrix(names = Object.keys(BEHAVIOURS), concurrency = defaultConcurrency()): Promise<MatrixRow[]> {
  const queue = [...names];
  const rows = new Map<string, MatrixRow>();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, queue.length) }, async () => {
      for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
        const behaviour = BEHAVIOURS[name]!;
        const run = await runConformance({
          reportsDir: path.join(PROJECT_ROOT, 'reports', 'kill-matrix', name),
          behaviour: name,
          maxFailures: behaviour.kind === 'fault' ? MAX_FAILURES : undefined,
          // A fault runs only the checks it names; a variant, the whole suite.
          args: behaviour.kind === 'fault' ? ['--grep', grepOf(behaviour.caughtBy ?? []), ...specFilesOf(behaviour.caughtBy ?? [])] : [],
          // The generated checks run 40 cases where a fault is theirs to find (more than a user's run's 15, so
          // that any seed finds it); elsewhere the 5 of every self-test run keep the matrix within its time.
          env: behaviour.caughtBy?.some(tag => tag.startsWith('@generated')) ? { CONFORMANCE_GENERATED_CASES: '40' } : {},
        });
        rows.set(name, judge(name, behaviour, run));
      }
    }),
  );
  return names.map(name => rows.get(name)!);
}

/** One more run than cores: a conformance run waits on its child processes part of the time. */
export function defaultConcurrency(): number {
  const fromEnv = Number(process.env.KILL_MATRIX_CONCURRENCY);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : os.availableParallelism() + 1;
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const shortTitle = (title: string) => title.replace(/^([\w-]+)\.spec\.ts › [^›]+ › /, '$1: ');

export function toMarkdown(rows: MatrixRow[], wallMs: number, concurrency: number): string {
  const faults = rows.filter(row => row.kind === 'fault');
  const variants = rows.filter(row => row.kind === 'variant');
  const lines = [
    '# Kill matrix',
    '',
    `The conformance suite against the embedded mock in each fault and variant of mock/behaviours.ts (re-run: \`npx playwright test -c tests/self kill-matrix\`).`,
    `A fault is **detected** when a check carrying one of the tags it names (its caughtBy in mock/faults*.ts) failed on the clause it breaks (its breaks): with a finding of that clause, or on an expect of its own in a check that declares that clause (named in brackets); not on a timeout, an interruption, a crash or a teardown error. A related check failing on another clause is **detected on another clause**, and fails the row. Fault runs stop after ${MAX_FAILURES} failed check(s), so the column shows the first check(s) that caught each fault.`,
    '',
    `- Faults detected: **${faults.filter(row => row.ok).length}/${faults.length}**`,
    `- Variants passing: **${variants.filter(row => row.ok).length}/${variants.length}**`,
    `- Wall time: ${(wallMs / 1000).toFixed(1)} s, ${concurrency} runs at a time on ${os.availableParallelism()} cores`,
    '',
    '| name | kind | path | breaks | expected | observed | failing checks (what caught a fault) | what it changes |',
    '|---|---|---|---|---|---|---|---|',
    ...rows.map(
      row =>
        `| ${row.name} | ${row.kind} | ${row.path ?? ''} | ${row.breaks ?? ''} | ${row.expected} | ${row.ok ? '' : '**'}${row.observed}${row.ok ? '' : '**'}${row.throttleWaits ? ` (${row.throttleWaits} waits on 429)` : ''} | ${cell(row.failing.map(shortTitle).join('; ') || '-')}${row.assertion ? ` (${cell(row.assertion)})` : ''}${row.skipped.length ? ` (skipped: ${cell(row.skipped.map(shortTitle).join('; '))})` : ''} | ${cell(row.description)} |`,
    ),
    '',
  ];
  return lines.join('\n');
}

export function writeMatrix(markdown: string): string {
  const file = path.join(PROJECT_ROOT, 'reports', 'kill-matrix.md');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, markdown);
  return file;
}

/**
 * Keeps a shard's rows for this self-test run (SELF_TEST_RUN, set by tests/self/playwright.config.ts)
 * and returns every shard's rows kept so far, complete when all `shards` have theirs.
 */
export function saveShard(
  shard: number,
  shards: number,
  rows: MatrixRow[],
  wallMs: number,
): { rows: MatrixRow[]; wallMs: number; complete: boolean } {
  const dir = path.join(PROJECT_ROOT, 'reports', 'kill-matrix');
  fs.mkdirSync(dir, { recursive: true });
  const run = process.env.SELF_TEST_RUN ?? 'alone';
  const fileOf = (index: number) => path.join(dir, `shard-${index + 1}-of-${shards}.json`);
  fs.writeFileSync(fileOf(shard), JSON.stringify({ run, rows, wallMs }));
  const saved = Array.from({ length: shards }, (_, index) => {
    try {
      const kept = JSON.parse(fs.readFileSync(fileOf(index), 'utf8')) as { run: string; rows: MatrixRow[]; wallMs: number };
      return kept.run === run ? kept : undefined;
    } catch {
      return undefined;
    }
  }).filter(kept => kept !== undefined);
  return {
    rows: saved.flatMap(kept => kept.rows),
    wallMs: Math.max(...saved.map(kept => kept.wallMs)),
    complete: saved.length === shards,
  };
}
