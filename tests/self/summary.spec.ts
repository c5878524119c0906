// `npm run summary` on the reports of whole conformance runs against the embedded mock: a run against
// a fault names each failed check with its response path, the clause it breaks (else its failure
// kind) and the response status; a passing run says so with its counts per path; a URL becomes the
// report's link. Drift (the extra-fields variant) is listed, marked new on the first run and not on
// the next one with the history carried over, and never fails a run. The JUnit XML, which the summary
// does not read, is the independent account of what failed.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test, expect } from './fixtures';
import { RESPONSE_PATHS, pathTagOf, type PathTag } from '../../support/contract/tags';
import { CLAUSES } from '../../support/contract/clauses';
import type { DriftReport } from '../../support/report/drift';
import { FAILURE_KINDS } from '../../support/report/failure-kind';
import { runConformance } from './helpers/child-run';
import { PROJECT_ROOT, reportPaths } from '../../support/report/paths';

const REPORT_URL = 'https://example.github.io/conformance/';

function summary(reportsDir: string, ...args: string[]): string {
  return execFileSync('npm', ['run', '--silent', 'summary', '--', reportsDir, ...args], { cwd: PROJECT_ROOT, encoding: 'utf8' });
}

interface JunitCase {
  title: string;
  path?: PathTag;
  failed: boolean;
  skipped: boolean;
}
/** The run's checks as the JUnit reporter saw them: "describe › title", failed or skipped, the path tag in the failure text. */
function junitCases(reportsDir: string): JunitCase[] {
  const xml = fs.readFileSync(reportPaths(reportsDir).junit, 'utf8');
  const decode = (text: string) =>
    text.replace(/&(apos|quot|lt|gt|amp);/g, (_, name: string) => ({ apos: "'", quot: '"', lt: '<', gt: '>', amp: '&' })[name]!);
  return xml
    .split('<testcase ')
    .slice(1)
    .map(chunk => {
      // Each chunk runs to the next test case; a failure's text starts with the check's tags.
      const tags = /<failure[\s\S]*?<!\[CDATA\[([^\n]*)/.exec(chunk)?.[1]!.match(/@[\w-]+/g) ?? [];
      return {
        title: decode(/name="([^"]*)"/.exec(chunk)![1]!)
          .split(' › ')
          .at(-1)!,
        path: pathTagOf(tags),
        failed: chunk.includes('<failure'),
        skipped: chunk.includes('<skipped'),
      };
    });
}

test('a failing run: the summary names each failed check, its path, the clause it breaks and the response status', async () => {
  const reportsDir = test.info().outputPath('fault');
  const run = await runConformance({ reportsDir, behaviour: '404-wrong-code', reporters: 'configured' });
  expect(run.exitCode, run.output).not.toBe(0);
  const cases = junitCases(reportsDir);
  const failed = cases.filter(c => c.failed);
  expect(failed.length, 'the fault fails some checks').toBeGreaterThan(0);

  const text = summary(reportsDir, '--report-url', REPORT_URL);
  await test.info().attach('summary of a failing run', { body: text, contentType: 'text/markdown' });
  expect(text).toContain(`## ❌ Update StorageConnection conformance: ${failed.length} of ${cases.length} checks failed`);
  expect(text).toMatch(/Target `http:\/\/127\.0\.0\.1:\d+` \(embedded mock \(behaviour 404-wrong-code\)\)/);
  expect(text).toContain(`[Allure report](${REPORT_URL})`);
  // The 404 checks that met the wrong code after the first recorded it and passed: one failure.
  expect(text).toMatch(/\| 404 Not Found \| \d+ \| 1 \| 0 \|/);
  const lines = text.split('\n').filter(line => line.startsWith('- ❌ '));
  expect(lines).toHaveLength(failed.length);
  for (const check of failed) {
    const line = lines.find(l => l.includes(`**${check.title.replace(/([\\`*[\]<>|])/g, '\\$1')}**`));
    expect(line, `a line names ${check.title}`).toBeDefined();
    expect(line).toContain(`❌ ${RESPONSE_PATHS[check.path!]} · `);
    // The clause it breaks (support/contract/clauses.ts), or else the kind of its failure.
    const why = / — breaks clauses? `([^`]+)`| — failure kind: (.+?) · /.exec(line!);
    expect(why, line).not.toBeNull();
    if (why![1]) expect(Object.keys(CLAUSES)).toContain(why![1]);
    else expect(FAILURE_KINDS).toContain(why![2]);
    expect(line).toMatch(/ · response \d{3}/);
    if (check.path === '@404') expect(line, 'the 404 check got the fault`s 404').toContain(' · response 404');
  }
  expect(fs.readFileSync(path.join(reportsDir, 'summary.md'), 'utf8')).toBe(text);

  // One line per finding, before the failures: the wrong 404 code, with its count and example.
  expect(text).toContain('### 1 finding');
  expect(text).toMatch(
    /- 🔎 `404\.not-found` — \*\*a 404 with error\.code "NotFound" instead of StorageConnectionNotFound\*\* · \d+ responses? in \d+ checks? · first: PUT /,
  );

  // The summary reads what the contract reporter wrote: a clause added there is named.
  const resultsFile = path.join(reportsDir, 'contract-results.json');
  const results = JSON.parse(fs.readFileSync(resultsFile, 'utf8')) as {
    checks: { name: string; clauses: { id: string; quote?: string }[] }[];
  };
  results.checks.find(check => check.name === failed[0]!.title)!.clauses.push({ id: 'made-up.clause', quote: 'a quote' });
  fs.writeFileSync(resultsFile, JSON.stringify(results));
  expect(summary(reportsDir)).toMatch(/ — breaks clauses `[^`]+`.*, `made-up\.clause` \(a quote\)/);
});

test('a passing run: the summary says all passed, with the counts per response path', async () => {
  const reportsDir = test.info().outputPath('pass');
  const run = await runConformance({ reportsDir, reporters: 'configured' });
  expect(run.exitCode, run.output).toBe(0);
  const cases = junitCases(reportsDir);
  const ran = cases.filter(c => !c.skipped).length;
  const text = summary(reportsDir, `--report-url=${REPORT_URL}`);
  await test.info().attach('summary of a passing run', { body: text, contentType: 'text/markdown' });
  expect(text).toMatch(new RegExp(`^## ✅ Update StorageConnection conformance: all ${ran} (checks|checks that ran) passed`));
  expect(text).toContain(`[Allure report](${REPORT_URL})`);
  const rows = text.split('\n').filter(line => line.startsWith('| ') && !line.startsWith('| response path') && !line.startsWith('| ---'));
  const counts = Object.fromEntries(
    rows.map(row => row.split('|').map(cell => cell.trim().replace(/\*\*/g, ''))).map(c => [c[1], c.slice(2, 5)]),
  );
  for (const name of Object.values(RESPONSE_PATHS)) {
    expect(counts[name], `a row for ${name}`).toBeDefined();
    // A check may be skipped (the 429 probe when its bound comes first), never failed.
    expect(Number(counts[name]![0]) + Number(counts[name]![2]), `${name} has checks`).toBeGreaterThan(0);
    expect(counts[name]![1], `${name} failed`).toBe('0');
  }
  expect(counts['all']).toEqual([String(ran), '0', String(cases.length - ran)]);
  expect(text).not.toContain('- ❌');
  expect(text).toContain('### No findings');
});

test('drift: undocumented properties are listed, new on the first run, not new on the next, never a failure', async () => {
  const history = test.info().outputPath('drift-history.json');
  const drift = async (name: string) => {
    const reportsDir = test.info().outputPath(name);
    // The configured reporters (the drift reporter among them), without Allure's HTML: the 200 checks are enough.
    const run = await runConformance({
      reportsDir,
      behaviour: 'extra-fields',
      reporters: 'playwright',
      args: ['--grep', '@200'],
      env: { CONFORMANCE_DRIFT_HISTORY: history },
    });
    expect(run.exitCode, `drift never fails a run\n${run.output}`).toBe(0);
    const report = JSON.parse(fs.readFileSync(path.join(reportsDir, 'drift.json'), 'utf8')) as DriftReport;
    return { report, text: summary(reportsDir) };
  };
  const added = ['connection._links.project', 'connection.createdDateTime', 'connection.lastModified'];
  const first = await drift('first');
  await test.info().attach('summary with drift', { body: first.text, contentType: 'text/markdown' });
  expect(first.report.source.key).toBe('embedded mock (behaviour extra-fields)');
  expect(first.report.previousRun).toBeUndefined();
  for (const name of added) {
    expect(first.report.items).toContainEqual(expect.objectContaining({ kind: 'property', name, seenOn: ['PUT 200'], new: true }));
    expect(first.text).toContain(`| 🆕 new | property | \`${name}\` | PUT 200 |`);
  }
  expect(first.text).toMatch(/^## ✅ /);
  expect(first.text).toMatch(/### Drift\n\n\*\*Drift\*\* \(information, never a failure\)/);

  const second = await drift('second');
  expect(second.report.previousRun).toBe(first.report.generated);
  for (const name of added) {
    expect(second.report.items).toContainEqual(expect.objectContaining({ kind: 'property', name, new: false }));
    expect(second.text).toContain(`|  | property | \`${name}\` | PUT 200 |`);
  }
  expect(second.text).toMatch(/, 0 new since the previous run/);
});
