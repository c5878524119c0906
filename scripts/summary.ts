// `npm run summary [-- reportsDir] [--report-url URL]`: one run's results as Markdown, for a CI job
// summary ($GITHUB_STEP_SUMMARY) or a chat message. Reads the run's reports folder (default reports/,
// or CONFORMANCE_REPORTS_DIR): passed, failed and skipped checks per response path, each failure in
// one line (the check, the clause it breaks or else its failure kind, the response status), each finding
// once (the clause, what was seen, its count, the first example), the requests retried, the target
// and seed, the drift, and a link to the report when a URL is given. Prints it and writes summary.md.
import fs from 'node:fs';
import path from 'node:path';
import { RESPONSE_PATHS, type PathTag } from '../support/contract/tags';
import { driftMarkdown } from '../support/report/drift';
import type { Finding } from '../support/report/findings';
import { readRunResults, type CheckResult, type RunResults } from '../support/report/run-results';
import { outputPaths } from '../support/run/config';

const TITLE = 'Update StorageConnection conformance';
const STATUSES = ['passed', 'failed', 'skipped'] as const;

interface Options {
  dir: string;
  reportUrl?: string;
}

function parseArgs(args: string[]): Options {
  let dir: string | undefined, reportUrl: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--report-url') reportUrl = args[++i];
    else if (arg.startsWith('--report-url=')) reportUrl = arg.slice('--report-url='.length);
    else if (arg.startsWith('-')) throw new Error(`unknown option ${arg}: use npm run summary -- [reportsDir] [--report-url URL]`);
    else dir = arg;
  }
  return { dir: dir ? path.resolve(dir) : outputPaths().reportsDir, reportUrl: reportUrl || undefined };
}

/** Text for one line of Markdown: no line breaks, no accidental markup from a title or message. */
const inline = (text: string, max = 200) => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return (flat.length > max ? `${flat.slice(0, max - 1)}…` : flat).replace(/([\\`*[\]<>|])/g, '\\$1');
};
const code = (text: string) => (text.includes('`') ? `\`\` ${text} \`\`` : `\`${text}\``);
const pathName = (tag: PathTag | undefined) => (tag ? RESPONSE_PATHS[tag] : 'no response path');
const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;

function headline(checks: CheckResult[]): string {
  const by = (status: CheckResult['status']) => checks.filter(check => check.status === status).length;
  const [passed, failed, skipped] = STATUSES.map(by) as [number, number, number];
  if (checks.length === 0) return `⚠️ ${TITLE}: no check results`;
  if (failed) return `❌ ${TITLE}: ${failed} of ${count(checks.length, 'check')} failed`;
  const ran = passed === checks.length ? `all ${count(passed, 'check')} passed` : `all ${passed} checks that ran passed`;
  return `✅ ${TITLE}: ${ran}${skipped ? `, ${skipped} skipped` : ''}`;
}

function runLine({ checks, environment }: RunResults, reportUrl?: string): string {
  const parts: string[] = [];
  const target = environment['Target base URL'];
  if (target) parts.push(`Target ${code(target)} (${inline(environment['Target kind'] ?? 'unknown kind')})`);
  if (environment['Seed']) parts.push(`seed ${code(environment['Seed'])}`);
  const starts = checks.map(check => check.start ?? Infinity),
    stops = checks.map(check => check.stop ?? -Infinity);
  const start = Math.min(...starts),
    stop = Math.max(...stops);
  if (Number.isFinite(start) && Number.isFinite(stop))
    parts.push(`${new Date(start).toISOString().slice(0, 16).replace('T', ' ')} UTC, ${Math.round((stop - start) / 1000)} s`);
  if (environment['Git commit']) parts.push(`suite ${code(environment['Git commit'].slice(0, 12))}`);
  if (reportUrl) parts.push(`[Allure report](${reportUrl})`);
  return parts.join(' · ');
}

function table(checks: CheckResult[]): string[] {
  const paths = [...(Object.keys(RESPONSE_PATHS) as PathTag[]), undefined].filter(
    tag => tag !== undefined || checks.some(check => check.path === undefined),
  );
  const row = (name: string, subset: CheckResult[], bold = false) => {
    const cells = STATUSES.map(status => String(subset.filter(check => check.status === status).length));
    return `| ${[name, ...cells].map(text => (bold ? `**${text}**` : text)).join(' | ')} |`;
  };
  return [
    '| response path | passed | failed | skipped |',
    '| --- | ---: | ---: | ---: |',
    ...paths.map(tag =>
      row(
        pathName(tag),
        checks.filter(check => check.path === tag),
      ),
    ),
    row('all', checks, true),
  ];
}

/** One line per finding: the clause, what was seen, how often, the first example, where it failed. */
function findingLine(finding: Finding): string {
  const checks = finding.failedIn.length + finding.metIn.length;
  return (
    `- 🔎 ${code(finding.clause)} — **${inline(finding.what)}** · ${count(finding.count, 'response')} in ${count(checks, 'check')}` +
    `${finding.example ? ` · first: ${inline(finding.example, 160)}` : ''}` +
    `${finding.failedIn.length ? ` · failed: ${inline(finding.failedIn.join('; '), 160)}` : ''}`
  );
}

/** One line per failure: path, check, the clause it breaks (else its failure kind), the response status, what broke. */
function failureLine(check: CheckResult): string {
  const why = check.clauses.length
    ? `breaks ${check.clauses.length === 1 ? 'clause' : 'clauses'} ${check.clauses
        .map(({ id, quote }) => `${code(id)}${quote ? ` (${inline(quote, 100)})` : ''}`)
        .join(', ')}`
    : `failure kind: ${inline(check.failureKind ?? 'unclassified')}`;
  const response = check.responseStatus !== undefined ? `response ${check.responseStatus}` : 'no response';
  return `- ❌ ${pathName(check.path)} · **${inline(check.name)}** — ${why} · ${response}${check.reason ? ` · ${inline(check.reason)}` : ''}`;
}

export function summaryMarkdown(results: RunResults, reportUrl?: string): string {
  const { checks } = results;
  const tags = Object.keys(RESPONSE_PATHS) as PathTag[];
  const rank = (check: CheckResult) => (check.path ? tags.indexOf(check.path) : tags.length);
  const sorted = [...checks].sort((a, b) => rank(a) - rank(b) || (a.start ?? 0) - (b.start ?? 0));
  const lines = [`## ${headline(checks)}`, ''];
  const run = runLine(results, reportUrl);
  if (run) lines.push(run, '');
  if (checks.length === 0) {
    lines.push('The run left no check results (contract-results.json): it stopped before any check ran; its log says why.', '');
    return lines.join('\n');
  }
  const findings = results.findings ?? [];
  lines.push(
    `### ${findings.length ? count(findings.length, 'finding') : 'No findings'}`,
    '',
    ...(findings.length ? findings.map(findingLine) : ['No check met a deviation from the document.']),
    '',
  );
  const { throttled = 0, unavailable = 0 } = results.retried ?? {};
  if (throttled || unavailable)
    lines.push(
      [
        throttled && `throttled (429), waited and retried: ${count(throttled, 'time')}`,
        unavailable && `service unavailable (503), retried: ${count(unavailable, 'time')}`,
      ]
        .filter(Boolean)
        .join(' · '),
      '',
    );
  lines.push(...table(checks), '');
  const failed = sorted.filter(check => check.status === 'failed');
  if (failed.length) lines.push(`### ${count(failed.length, 'failed check')}`, '', ...failed.map(failureLine), '');
  const skipped = sorted.filter(check => check.status === 'skipped');
  if (skipped.length)
    lines.push(
      `<details><summary>${count(skipped.length, 'skipped check')}</summary>`,
      '',
      ...skipped.map(check => `- ${pathName(check.path)} · ${inline(check.name)}${check.reason ? ` — ${inline(check.reason)}` : ''}`),
      '',
      '</details>',
      '',
    );
  if (results.drift) lines.push('### Drift', '', driftMarkdown(results.drift));
  return lines.join('\n');
}

function main(): number {
  let options: Options;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (error) {
    console.error((error as Error).message);
    return 2;
  }
  if (!fs.existsSync(options.dir)) {
    console.error(`No reports folder at ${options.dir}: run npm run conformance first, or give the folder (npm run summary -- <dir>).`);
    return 2;
  }
  const markdown = summaryMarkdown(readRunResults(options.dir), options.reportUrl);
  fs.writeFileSync(path.join(options.dir, 'summary.md'), markdown);
  process.stdout.write(markdown);
  return 0;
}

if (require.main === module) process.exitCode = main();
