// `npm run summary` on the reports of whole conformance runs against the embedded mock: a run against
// a fault names each failed check with its response path, the clause it breaks (else its failure
// kind) and the response status; a passing run says so with its counts per path; a URL becomes the
// report's link (drift.spec.ts: the drift it lists). The JUnit XML, which the summary does not read,
// is the independent account of what failed.
import fs from 'node:fs';
import path from 'node:path';
import { test, expect } from '../fixtures';
import { summary } from '../helpers/summary';
import { RESPONSE_PATHS, pathTagOf, type PathTag } from '../../../support/contract/tags';
import { CLAUSES } from '../../../support/contract/clauses';
import { FAILURE_KINDS } from '../../../support/report/failure-kind';
import { reportPaths } from '../../../support/report/paths';

const REPORT_URL = 'https://example.github.io/conformance/';

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

test('a failing run: the summary names each failed check, its path, the clause it breaks and the response status', async ({
  conformanceRun,
}) => {
  // The configured reporters without Allure's HTML: the summary reads contract-results.json and the environment.
  const run = await conformanceRun({ name: 'fault', behaviour: '404-wrong-code', reporters: 'playwright' });
  const reportsDir = run.reportsDir;
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

test('a passing run: the summary says all passed, with the counts per response path', async ({ passingRun: run }) => {
  const reportsDir = run.reportsDir;
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
