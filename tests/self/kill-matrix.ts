// The kill matrix: the conformance suite run against the mock in every fault and every variant of
// mock/behaviours.ts. A fault counts as detected only when one of the checks related to it failed
// (DETECTED_BY below), not merely when something went red; a variant must pass. The matrix is a
// Markdown table anyone can re-run: reports/kill-matrix.md.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BEHAVIOURS, type NamedBehaviour } from '../../mock/behaviours';
import { runConformance, type ConformanceRun } from '../../support/conformance-run';
import { PROJECT_ROOT } from '../../support/paths';

/** For each fault, the checks (test-title patterns) of which at least one must fail. */
export const DETECTED_BY: Record<string, RegExp[]> = {
  'ok-status-201': [/^200-update\.spec\.ts/],
  'ok-content-type-text': [/^200-update\.spec\.ts/],
  'ok-unwrapped': [/^200-update\.spec\.ts/],
  'ok-imodelid-not-uuid': [/^200-update\.spec\.ts/],
  'ok-stale-echo': [/^200-update\.spec\.ts/],
  'ok-lastrun-other-connection': [/^200-update\.spec\.ts/],
  'ok-name-non-ascii-mangled': [/a non-ASCII displayName .* round-trips exactly/],
  'ok-name-truncated': [/a displayName of (256|10,000) characters/],
  'lost-update': [/^200-update\.spec\.ts .*persist|a field left out|both fields at once/],
  'clobber-omitted-authtype': [/a field left out of a later update keeps the value/],
  'read-only-identity-writable': [/read-only properties in the body never change/],
  'auth-none-accepted': [/no Authorization header gets|without credentials gets 401|a rejected request changes nothing/],
  'auth-any-bearer': [/an invalid bearer token gets 401/, /a rejected request changes nothing/],
  'auth-basic-accepted': [/the Basic scheme gets 401/, /a rejected request changes nothing/],
  'auth-write-before-reject': [/^401-unauthorized\.spec\.ts .*a rejected request changes nothing/],
  '401-as-403': [/^401-unauthorized\.spec\.ts/],
  '401-wrong-code': [/no Authorization header gets 401 HeaderNotFound/],
  '401-after-lookup': [/an unknown id without credentials gets 401, not 404/],
  '404-wrong-code': [/^404-not-found\.spec\.ts/],
  '404-upsert-creates': [/^404-not-found\.spec\.ts .*creates nothing/],
  '404-as-422': [/^404-not-found\.spec\.ts/],
  '422-as-400': [/malformed JSON .* gets 422|not an object .* gets 422|an empty body gets 422/],
  '422-details-wrong-target': [/gets 422 naming/],
  '422-partial-write': [/a refused request changes nothing, not even its valid part/],
  '422-malformed-500': [/malformed JSON .* gets 422/],
  '429-no-retry-after': [/^429-rate-limit\.spec\.ts/],
  '429-retry-after-fraction': [/^429-rate-limit\.spec\.ts/],
  '429-retry-after-lies': [/^429-rate-limit\.spec\.ts/],
  '429-as-503': [/^429-rate-limit\.spec\.ts/],
  '5xx-non-ascii': [/a non-ASCII displayName .* round-trips exactly/],
  '5xx-long-name': [/a displayName of 10,000 characters/],
  '5xx-null': [/a null (displayName|authenticationType)/],
};

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

const failed = (run: ConformanceRun) => run.tests.filter(t => t.status === 'failed' || t.status === 'timedOut' || t.status === 'interrupted');

export function judge(name: string, behaviour: NamedBehaviour, run: ConformanceRun): MatrixRow {
  const failing = failed(run).map(t => t.title);
  // A fault run stops early (MAX_FAILURES), so only a variant's skips say something (e.g. an unprovable probe).
  const skipped = behaviour.kind === 'variant' ? run.tests.filter(t => t.status === 'skipped').map(t => t.title) : [];
  const throttleWaits = run.tests.flatMap(t => t.annotations).filter(a => a.type === 'throttled').length;
  const base = { name, kind: behaviour.kind, path: behaviour.path, description: behaviour.description, failing, skipped, throttleWaits, wallMs: run.wallMs };
  if (run.tests.length === 0) {
    return { ...base, expected: behaviour.kind === 'fault' ? 'detected' : 'passes', observed: 'no result', ok: false, failing: [run.output.trim().split('\n').slice(-3).join(' / ')] };
  }
  if (behaviour.kind === 'variant') {
    const passes = run.exitCode === 0 && failing.length === 0;
    return { ...base, expected: 'passes', observed: passes ? 'passes' : 'false alarm', ok: passes };
  }
  const patterns = DETECTED_BY[name] ?? [];
  const related = failing.some(title => patterns.some(pattern => pattern.test(title)));
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
    `A fault is **detected** when one of its related checks (tests/self/kill-matrix.ts, DETECTED_BY) failed; fault runs stop after ${MAX_FAILURES} failed check(s), so the column shows the first check(s) that caught each fault.`,
    '',
    `- Faults detected: **${faults.filter(row => row.ok).length}/${faults.length}**`,
    `- Variants passing: **${variants.filter(row => row.ok).length}/${variants.length}**`,
    `- Wall time: ${(wallMs / 1000).toFixed(1)} s, ${concurrency} runs at a time on ${os.availableParallelism()} cores`,
    '',
    '| name | kind | path | expected | observed | failing checks | what it changes |',
    '|---|---|---|---|---|---|---|',
    ...rows.map(row =>
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
