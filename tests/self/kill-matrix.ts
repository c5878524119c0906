// The kill matrix: the conformance suite run against the mock in every fault and every variant of
// mock/behaviours.ts. A fault counts as detected only when a check carrying one of the tags the fault
// names (its caughtBy) failed, not merely when something went red; a variant must pass. The matrix is
// a Markdown table anyone can re-run: reports/kill-matrix.md.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BEHAVIOURS, type NamedBehaviour } from '../../mock/behaviours';
import { runConformance, type ConformanceRun } from '../../support/run/child-run';
import { PROJECT_ROOT } from '../../support/run/paths';

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
  observed: 'detected' | 'failed, no related check' | 'not detected' | 'passes' | 'false alarm' | 'no result';
  ok: boolean;
  failing: string[];
  skipped: string[];
  /** Requests outside the probe that met a 429 and were retried after retry-after. */
  throttleWaits: number;
  wallMs: number;
}

const failed = (run: ConformanceRun) =>
  run.tests.filter(t => t.status === 'failed' || t.status === 'timedOut' || t.status === 'interrupted');

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
    const passes = run.exitCode === 0 && failing.length === 0;
    return { ...base, expected: 'passes', observed: passes ? 'passes' : 'false alarm', ok: passes };
  }
  const caughtBy = behaviour.caughtBy ?? [];
  const related = failingTests.some(t => t.tags.some(tag => caughtBy.includes(tag)));
  const observed = related ? 'detected' : failing.length ? 'failed, no related check' : 'not detected';
  return { ...base, expected: 'detected', observed, ok: related };
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
    `A fault is **detected** when a check carrying one of the tags it names (its caughtBy in mock/faults.ts) failed; fault runs stop after ${MAX_FAILURES} failed check(s), so the column shows the first check(s) that caught each fault.`,
    '',
    `- Faults detected: **${faults.filter(row => row.ok).length}/${faults.length}**`,
    `- Variants passing: **${variants.filter(row => row.ok).length}/${variants.length}**`,
    `- Wall time: ${(wallMs / 1000).toFixed(1)} s, ${concurrency} runs at a time on ${os.availableParallelism()} cores`,
    '',
    '| name | kind | path | expected | observed | failing checks | what it changes |',
    '|---|---|---|---|---|---|---|',
    ...rows.map(
      row =>
        `| ${row.name} | ${row.kind} | ${row.path ?? ''} | ${row.expected} | ${row.ok ? '' : '**'}${row.observed}${row.ok ? '' : '**'}${row.throttleWaits ? ` (${row.throttleWaits} waits on 429)` : ''} | ${cell(row.failing.map(shortTitle).join('; ') || '-')}${row.skipped.length ? ` (skipped: ${cell(row.skipped.map(shortTitle).join('; '))})` : ''} | ${cell(row.description)} |`,
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
