// The console of a conformance run, in place of Playwright's 'list': one short line per check as it
// ends (no tags, relative paths, a skip's reason on its line), each failure's error after the run, then
// one closing block (console-summary.ts) with the counts per response path, the findings, the failed
// and skipped checks, the requests sent and the one report to open. npm run conformance sets
// CONFORMANCE_REPORT_PRINTED_AFTER: it writes the Allure report after the run and prints its path then.
import fs from 'node:fs';
import path from 'node:path';
import type { FullConfig, FullResult, Reporter, Suite, TestCase, TestError, TestResult } from '@playwright/test/reporter';
import { RequestBudget } from '../client/budget';
import { reportPaths } from '../report/paths';
import { suiteConfig } from './config';
import { DEFAULTS, REPORT_PRINTED_AFTER } from './config-defaults';
import { publishedTarget } from './target';
import { checkLine, closingBlock, plural, shownPath, type CheckOutcome } from '../report/console-summary';

export { REPORT_PRINTED_AFTER };
/** Lines of one error shown in the console; the report keeps the whole message. */
const MAX_ERROR_LINES = 40;
/** Colour codes only where a terminal shows them (or FORCE_COLOR asks for them), as Playwright's own reporters do. */
const COLOURS = process.env.FORCE_COLOR ? process.env.FORCE_COLOR !== '0' : !!process.stdout.isTTY;
const ANSI = /\u001b\[[0-9;]*m/g;

export default class ConsoleReporter implements Reporter {
  private config?: FullConfig;
  private suite?: Suite;
  private readonly started = Date.now();
  private errors = 0;
  private readonly width = Math.min(process.stdout.columns || 140, 160);

  printsToStdio(): boolean {
    return true;
  }

  onBegin(config: FullConfig, suite: Suite): void {
    this.config = config;
    this.suite = suite;
    const workers = config.metadata.actualWorkers ?? config.workers;
    console.log(`\nRunning ${plural(suite.allTests().length, 'check')} (${plural(workers, 'worker')})`);
  }

  onTestEnd(test: TestCase, result: TestResult): void {
    console.log(checkLine(this.outcomeOf(test, result), this.width));
  }

  onStdOut(chunk: string | Buffer): void {
    process.stdout.write(chunk);
  }

  onStdErr(chunk: string | Buffer): void {
    process.stderr.write(chunk);
  }

  onError(error: TestError): void {
    this.errors++;
    console.error(`\nError: ${this.errorText(error)}`);
  }

  onEnd(result: FullResult): void {
    const tests = this.suite?.allTests() ?? [];
    const checks = tests.map(test => this.outcomeOf(test, test.results.at(-1)));
    const failures = tests.filter(test => test.outcome() === 'unexpected' && test.results.length);
    if (failures.length) console.log('');
    failures.forEach((test, i) => {
      const check = checks[tests.indexOf(test)]!;
      console.log(`  ${i + 1}) ${check.file}:${check.line} › ${check.titlePath.join(' › ')}\n`);
      for (const error of test.results.at(-1)!.errors) console.log(`${indent(this.errorText(error))}\n`);
    });
    const lines = closingBlock({
      checks,
      durationMs: Date.now() - this.started,
      requests: requestsLine(checks),
      findingsFile: shownPath(path.join(reportPaths(suiteConfig().reportsDir).root, 'findings.md')),
      report: suiteConfig().reportPrintedAfter ? undefined : this.reportPath(),
      interrupted: result.status === 'interrupted',
      errors: this.errors,
    });
    console.log(lines.join('\n'));
  }

  private outcomeOf(test: TestCase, result: TestResult | undefined): CheckOutcome {
    const root = this.config?.rootDir ?? process.cwd();
    const [, , , ...describes] = test.titlePath(); // '', project, file, then the describes and the title
    return {
      file: path.relative(root, test.location.file),
      line: test.location.line,
      // The file's outermost describe restates its response path: dropped, the rest kept.
      titlePath: describes.length > 1 ? describes.slice(1) : describes,
      tags: test.tags,
      outcome: result ? result.status : 'not run',
      durationMs: result?.duration ?? 0,
      annotations: result?.annotations?.length ? result.annotations : test.annotations,
    };
  }

  private errorText(error: TestError): string {
    const where = error.location ? `\nat ${shownPath(error.location.file)}:${error.location.line}:${error.location.column}` : '';
    const text = `${error.message ?? error.value ?? 'unknown error'}${error.snippet ? `\n\n${error.snippet}` : ''}${where}`;
    const lines = (COLOURS ? text : text.replace(ANSI, '')).split('\n');
    return lines.length <= MAX_ERROR_LINES
      ? lines.join('\n')
      : [...lines.slice(0, MAX_ERROR_LINES), `… ${lines.length - MAX_ERROR_LINES} more lines in the report`].join('\n');
  }

  /** Without npm run conformance, the one report this run writes that opens as it is: Playwright's. */
  private reportPath(): string | undefined {
    const html = this.config?.reporter.some(([name]) => name === 'html');
    return html ? shownPath(path.join(reportPaths(suiteConfig().reportsDir).playwrightReport, 'index.html')) : undefined;
  }
}

const indent = (text: string) =>
  text
    .split('\n')
    .map(line => `    ${line}`)
    .join('\n');

/** What the run sent: the embedded mock's count, or the checks' share of a live target's request budget. */
function requestsLine(checks: readonly CheckOutcome[]): string | undefined {
  const target = publishedTarget();
  if (!target) return undefined;
  const probe = checks.flatMap(c => c.annotations).find(a => a.type === 'probe')?.description;
  const probeSent = probe && /^(\d+) requests/.exec(probe)?.[1];
  const ofProbe = probeSent ? ` (the 429 probe ${probeSent} of them)` : '';
  const mockFile = reportPaths(suiteConfig().reportsDir).mockRequests;
  if (target.isEmbeddedMock && fs.existsSync(mockFile)) {
    const { requests } = JSON.parse(fs.readFileSync(mockFile, 'utf8')) as { requests: number };
    const bound = DEFAULTS.mockRunRequests;
    return `${requests} sent to the embedded mock${ofProbe}, ${requests <= bound ? 'within' : 'over'} a mock run's ${bound}`;
  }
  if (!target.budget || !fs.existsSync(target.budget.file)) return undefined;
  const used = new RequestBudget(target.budget.file, target.budget.limit).used;
  const share = Math.round((100 * used) / target.budget.limit);
  return `${used} of the run's budget of ${target.budget.limit} (${share}%) sent by the checks${ofProbe}, besides setup and restore`;
}
