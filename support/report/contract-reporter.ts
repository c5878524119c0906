// The one contract reporter (playwright.config.ts, and the nightly's merge-reports, so that a sharded
// run gets one page of each): from what every check declared and what came of it (tags, annotations,
// status, the responses it recorded) it writes, at the end of the run,
//   findings.md/.json             each deviation once: clause, what, count, first example, the checks
//   contract-coverage.md/.json    each clause of the document and the checks that exercised it
//   drift.md/.json                what the responses carry beyond the document (information only)
//   contract-results.json         each check's result, the run's environment, findings and drift: what
//                                 `npm run summary` reads
// and lists findings, coverage and drift as global attachments of the Allure report.
import fs from 'node:fs';
import path from 'node:path';
import type { Reporter, TestCase, TestResult, TestStep } from '@playwright/test/reporter';
import { ADVISORY_ANNOTATION, BROKEN_CLAUSE_ANNOTATION, THROTTLED_ANNOTATION, UNAVAILABLE_ANNOTATION } from '../contract/annotations';
import { pathTagOf } from '../contract/tags';
import { reportPaths } from './paths';
import { coverageMarkdown, coverageOf, type CheckOutcome } from './coverage';
import { DriftCollector, driftMarkdown, readDriftHistory, type DriftReport, type RecordedResponse } from './drift';
import { findingsMarkdown, findingsOf } from './findings';
import { CONTRACT_RESULTS_FILE, readEnvironment, reasonOf, type CheckResult, type RunResults } from './run-results';

/** Fixed names: the shards' copies are overwritten when their results are merged, then by the merged run's. */
const GLOBALS_FILE = 'conformance-globals.json';

/** Where the reports and the drift history go: given by the configuration (support/run/contract-reporter.ts); else reports/. */
export interface ContractReporterOptions {
  reportsDir?: string;
  driftHistoryFile?: string;
}

/** The source drift is kept for: each live base URL, each behaviour of the embedded mock (environment.properties). */
function sourceOf(environment: Record<string, string>): DriftReport['source'] {
  const kind = environment['Target kind'] ?? 'an unknown target';
  const baseUrl = environment['Target base URL'];
  return kind === 'live target' && baseUrl ? { key: `live ${baseUrl}`, kind, baseUrl } : { key: kind, kind, baseUrl };
}

const RESPONSE_ATTACHMENT = /^response (\d{3})$/;

/** The status of the response before the first failing step (one whose sub-steps did not fail), else the last one. */
function responseStatusOf(result: TestResult, failed: boolean): number | undefined {
  let last: number | undefined, atFailure: number | undefined;
  const walk = (step: TestStep): boolean => {
    if (step.category === 'hook' && step.title === 'After Hooks') return false;
    for (const attachment of step.attachments ?? []) {
      const status = RESPONSE_ATTACHMENT.exec(attachment.name)?.[1];
      if (status) last = Number(status);
    }
    let childFailed = false;
    for (const child of step.steps) childFailed = walk(child) || childFailed;
    if (step.error && !childFailed && atFailure === undefined) atFailure = last;
    return !!step.error;
  };
  result.steps.forEach(walk);
  return failed && atFailure !== undefined ? atFailure : last;
}

function bodyOf(attachment: TestResult['attachments'][number]): Buffer | undefined {
  return attachment.body ?? (attachment.path && fs.existsSync(attachment.path) ? fs.readFileSync(attachment.path) : undefined);
}

export default class ContractReporter implements Reporter {
  constructor(private readonly options: ContractReporterOptions = {}) {}

  private readonly drift = new DriftCollector();
  private readonly checks: { result: CheckResult; outcome: CheckOutcome; annotations: { type: string; description?: string }[] }[] = [];

  printsToStdio(): boolean {
    return false;
  }

  onTestEnd(test: TestCase, result: TestResult): void {
    // "file › describe › title", as the reports name a check.
    const fullName = test.titlePath().slice(2).join(' › ');
    const annotations = (result.annotations?.length ? result.annotations : test.annotations).map(({ type, description }) => ({
      type,
      description,
    }));
    const status = result.status === 'passed' ? 'passed' : result.status === 'skipped' ? 'skipped' : 'failed';
    const note = (type: string) => annotations.find(a => a.type === type)?.description;
    const broken = note(BROKEN_CLAUSE_ANNOTATION);
    const reason = status === 'skipped' ? note('skip') : status === 'failed' ? reasonOf(result.error?.message) : undefined;
    this.checks.push({
      result: {
        name: test.title,
        fullName,
        status,
        path: pathTagOf(test.tags),
        clauses:
          status === 'failed' && broken
            ? [{ id: broken.split(':')[0]!, quote: broken.split(': ').slice(1).join(': ').replace(/^"|"$/g, '') }]
            : [],
        failureKind: status === 'failed' ? note('failure kind') : undefined,
        responseStatus: status === 'skipped' ? undefined : responseStatusOf(result, status === 'failed'),
        reason,
        start: result.startTime.getTime(),
        stop: result.startTime.getTime() + result.duration,
      },
      annotations,
      outcome: {
        title: test.title,
        tags: test.tags,
        status: result.status,
        skipReason: note('skip'),
        brokenClause: broken?.split(':')[0],
        advisories: annotations.filter(a => a.type === ADVISORY_ANNOTATION).map(a => a.description ?? ''),
      },
    });
    let method = 'PUT';
    for (const attachment of result.attachments) {
      const request = /^request (\w+)$/.exec(attachment.name)?.[1];
      if (request) method = request;
      if (!RESPONSE_ATTACHMENT.test(attachment.name)) continue;
      const body = bodyOf(attachment);
      if (!body) continue;
      try {
        this.drift.add(test.title, method, JSON.parse(body.toString('utf8')) as RecordedResponse);
      } catch {
        // Not a recorded response: nothing to compare.
      }
    }
  }

  onEnd(): void {
    // A run stopped before any check (a setup error) has nothing to say.
    if (this.checks.length === 0) return;
    try {
      this.write();
    } catch (error) {
      // The reports are information about the run: a failure to write them is said, never a reason to fail it.
      console.error(`Contract reports not written: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private write(): void {
    const reports = reportPaths(this.options.reportsDir);
    const environment = readEnvironment(path.join(reports.allureResults, 'environment.properties'));
    const historyFile = this.options.driftHistoryFile ?? path.join(reports.root, 'drift-history.json');
    const { report: drift, history } = this.drift.finish(sourceOf(environment), readDriftHistory(historyFile));
    const findings = findingsOf(this.checks.map(check => ({ title: check.result.fullName, annotations: check.annotations })));
    const outcomes = this.checks.map(check => check.outcome);
    const pages = {
      'findings.md': findingsMarkdown(findings),
      'contract-coverage.md': coverageMarkdown(outcomes),
      'drift.md': driftMarkdown(drift),
    };
    const results: RunResults = {
      checks: this.checks.map(check => check.result),
      environment,
      drift,
      findings,
      retried: {
        throttled: this.checks.flatMap(check => check.annotations).filter(a => a.type === THROTTLED_ANNOTATION).length,
        unavailable: this.checks.flatMap(check => check.annotations).filter(a => a.type === UNAVAILABLE_ANNOTATION).length,
      },
    };
    fs.mkdirSync(reports.root, { recursive: true });
    for (const [name, text] of Object.entries(pages)) fs.writeFileSync(path.join(reports.root, name), text);
    const json = (name: string, value: unknown) => fs.writeFileSync(path.join(reports.root, name), JSON.stringify(value, null, 2) + '\n');
    json('findings.json', findings);
    json('contract-coverage.json', coverageOf(outcomes));
    json('drift.json', drift);
    json(CONTRACT_RESULTS_FILE, results);
    fs.mkdirSync(path.dirname(historyFile), { recursive: true });
    fs.writeFileSync(historyFile, JSON.stringify(history, null, 2) + '\n');
    if (fs.existsSync(reports.allureResults)) {
      const names: Record<keyof typeof pages, string> = {
        'findings.md': `Findings: ${findings.length} unique`,
        'contract-coverage.md': 'Contract coverage',
        'drift.md': 'Drift: beyond the document (information)',
      };
      const attachments = (Object.keys(pages) as (keyof typeof pages)[]).map(name => {
        const source = `conformance-${name}`;
        fs.writeFileSync(path.join(reports.allureResults, source), pages[name]);
        return { name: names[name], source, type: 'text/markdown', timestamp: Date.now() };
      });
      fs.writeFileSync(path.join(reports.allureResults, GLOBALS_FILE), JSON.stringify({ attachments, errors: [] }));
    }
  }
}
