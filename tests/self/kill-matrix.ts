// The kill matrix: the conformance suite run against the mock in every fault and every variant of
// mock/behaviours.ts. A fault counts as detected only when a check carrying one of the tags the fault
// names (its caughtBy) failed on an assertion of its own (an expect in tests/conformance/, not a
// timeout, an interruption, a crash or a teardown error), not merely when something went red. A
// variant passes only when every check ran and passed. The matrix is a Markdown table anyone can
// re-run: reports/kill-matrix.md, naming the assertion that caught each fault.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BEHAVIOURS, type NamedBehaviour } from '../../mock/behaviours';
import { runConformance, type ConformanceRun, type TestVerdict } from './helpers/child-run';
import { PROJECT_ROOT } from '../../support/report/paths';
import { FINDING } from '../../support/report/findings';

/**
 * A fault run stops at its first failed check (each failure would restart Playwright's worker, which
 * makes a run against a broken server several times slower than a passing one). That is conservative:
 * if the first check to fail is not a related one, the fault counts as not detected.
 */
export const MAX_FAILURES = 1;

export interface MatrixRow {
  name: string;
  kind: NamedBehaviour['kind'];
  path?: number;
  description: string;
  expected: 'detected' | 'passes';
  observed: 'detected' | 'failed, no related assertion' | 'not detected' | 'passes' | 'false alarm' | 'skipped checks' | 'no result';
  /** For a detected fault: the assertion that caught it. */
  assertion?: string;
  ok: boolean;
  failing: string[];
  skipped: string[];
  /** Requests outside the probe that met a 429 and were retried after retry-after. */
  throttleWaits: number;
  wallMs: number;
}

const failed = (run: ConformanceRun) => run.tests.filter(t => t.status !== 'passed' && t.status !== 'skipped');

/**
 * The assertion a check failed on, if its failure is one: an expect() raised in the check's own file
 * (tests/conformance/), with its message and line. Timeouts, interruptions, crashes and errors of the
 * fixtures' teardown (restoring the connection) are not assertions of the check.
 */
export function failedAssertion(test: TestVerdict): string | undefined {
  if (test.status !== 'failed') return undefined;
  for (const error of test.errors) {
    if (!error.file || !/[\\/]tests[\\/]conformance[\\/]/.test(error.file)) continue;
    const matcher = /expect\(received\)\.(?:not\.)?(\w+)\(/.exec(error.message)?.[1];
    if (!matcher) continue;
    const first = error.message.split('\n')[0]!.replace(/^Error: /, '');
    return `${first.startsWith('expect(') ? '' : `"${first}": `}${matcher} at ${path.basename(error.file)}:${error.line}`;
  }
  return undefined;
}

/** The finding a failed check failed with (support/checks/findings.ts), if it failed with one. */
export function failedFinding(test: TestVerdict): string | undefined {
  if (test.status !== 'failed') return undefined;
  const finding = test.annotations.find(annotation => annotation.type === FINDING)?.description;
  return finding && `finding "${finding}" in ${shortTitle(test.title)}`;
}

/** The checks a fault is run against: those carrying a tag it names (the per-test coverage of mutation testers). */
export function grepOf(caughtBy: readonly string[]): string {
  return `(${caughtBy.map(tag => tag.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})(\\s|$)`;
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
  const caughtBy = behaviour.caughtBy ?? [];
  const catching = failingTests.filter(t => t.tags.some(tag => caughtBy.includes(tag)));
  const assertion = catching.map(t => failedFinding(t) ?? failedAssertion(t)).find(found => found !== undefined);
  const observed = assertion ? 'detected' : failing.length ? 'failed, no related assertion' : 'not detected';
  return { ...base, expected: 'detected', observed, ok: assertion !== undefined, assertion };
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
          args: behaviour.kind === 'fault' ? ['--grep', grepOf(behaviour.caughtBy ?? [])] : [],
          // The generated checks run their full 40 cases where a fault is theirs to find; elsewhere the
          // 10 of every self-test run keep the matrix within its time (npm run conformance runs all 40).
          env: behaviour.caughtBy?.some(tag => tag.startsWith('@generated')) ? { CONFORMANCE_GENERATED_CASES: '' } : {},
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
    `A fault is **detected** when a check carrying one of the tags it names (its caughtBy in mock/faults.ts) failed on an assertion of its own (named in brackets), not on a timeout, an interruption or a teardown error; fault runs stop after ${MAX_FAILURES} failed check(s), so the column shows the first check(s) that caught each fault.`,
    '',
    `- Faults detected: **${faults.filter(row => row.ok).length}/${faults.length}**`,
    `- Variants passing: **${variants.filter(row => row.ok).length}/${variants.length}**`,
    `- Wall time: ${(wallMs / 1000).toFixed(1)} s, ${concurrency} runs at a time on ${os.availableParallelism()} cores`,
    '',
    '| name | kind | path | expected | observed | failing checks (the assertion that caught a fault) | what it changes |',
    '|---|---|---|---|---|---|---|',
    ...rows.map(
      row =>
        `| ${row.name} | ${row.kind} | ${row.path ?? ''} | ${row.expected} | ${row.ok ? '' : '**'}${row.observed}${row.ok ? '' : '**'}${row.throttleWaits ? ` (${row.throttleWaits} waits on 429)` : ''} | ${cell(row.failing.map(shortTitle).join('; ') || '-')}${row.assertion ? ` (${cell(row.assertion)})` : ''}${row.skipped.length ? ` (skipped: ${cell(row.skipped.map(shortTitle).join('; '))})` : ''} | ${cell(row.description)} |`,
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
