// Listed after the redacting reporter (playwright.config.ts), and given to merge-reports by the nightly
// workflow so that one drift covers every shard: reads the responses each check recorded (the
// 'response NNN' attachments of support/checks/recorder.ts) and writes what they carry beyond the
// document (drift.ts) to reports/drift.json and drift.md, marks what the history of earlier runs
// against the same source has not seen (reports/drift-history.json, or CONFORMANCE_DRIFT_HISTORY),
// and lists it in the Allure report as a global attachment. Information only: it never fails a run.
// It also keeps the annotations each check added while it ran (check-annotations.json), which
// Allure's reporter does not record, so that the job summary can name the clause a failure breaks.
import fs from 'node:fs';
import path from 'node:path';
import type { Reporter, TestCase, TestResult } from '@playwright/test/reporter';
import { PROJECT_ROOT, reportPaths } from '../run/paths';
import { DriftCollector, driftMarkdown, readDriftHistory, type DriftReport, type RecordedResponse } from './drift';
import { CHECK_ANNOTATIONS_FILE, DRIFT_FILE, readEnvironment, type Annotation } from './run-results';

/** Fixed names: the shards' copies are overwritten when their results are merged, then by the merged drift. */
const GLOBALS_FILE = 'conformance-drift-globals.json';
const ATTACHMENT_FILE = 'conformance-drift-attachment.md';

export function driftHistoryFile(root = reportPaths().root): string {
  return path.resolve(PROJECT_ROOT, process.env.CONFORMANCE_DRIFT_HISTORY || path.join(root, 'drift-history.json'));
}

/** The source drift is kept for: each live base URL, each behaviour of the embedded mock (environment.properties). */
function sourceOf(resultsDir: string): DriftReport['source'] {
  const environment = readEnvironment(path.join(resultsDir, 'environment.properties'));
  const kind = environment['Target kind'] ?? 'an unknown target';
  const baseUrl = environment['Target base URL'];
  return kind === 'live target' && baseUrl ? { key: `live ${baseUrl}`, kind, baseUrl } : { key: kind, kind, baseUrl };
}

export default class DriftReporter implements Reporter {
  private readonly drift = new DriftCollector();
  private readonly annotations: Record<string, Annotation[]> = {};
  private tests = 0;

  printsToStdio(): boolean {
    return false;
  }

  onTestEnd(test: TestCase, result: TestResult): void {
    this.tests++;
    // "file › describe › title", as allure-playwright names the check (its fullName).
    const title = test.titlePath().slice(2).join(' › ');
    const annotations = [...test.annotations, ...(result.annotations ?? [])].filter(
      (annotation, index, all) => all.findIndex(a => a.type === annotation.type && a.description === annotation.description) === index,
    );
    if (annotations.length) this.annotations[title] = annotations.map(({ type, description }) => ({ type, description }));
    let method = 'PUT';
    for (const attachment of result.attachments) {
      const request = /^request (\w+)$/.exec(attachment.name)?.[1];
      if (request) method = request;
      if (!/^response \d{3}$/.test(attachment.name)) continue;
      const body = attachment.body ?? (attachment.path && fs.existsSync(attachment.path) ? fs.readFileSync(attachment.path) : undefined);
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
    if (this.tests === 0) return;
    try {
      this.write();
    } catch (error) {
      // Drift is information: a failure to record it is reported, never a reason to fail the run.
      console.error(`Drift not recorded: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private write(): void {
    const reports = reportPaths();
    const historyFile = driftHistoryFile(reports.root);
    const { report, history } = this.drift.finish(sourceOf(reports.allureResults), readDriftHistory(historyFile));
    const markdown = driftMarkdown(report);
    fs.mkdirSync(reports.root, { recursive: true });
    fs.writeFileSync(path.join(reports.root, DRIFT_FILE), JSON.stringify(report, null, 2) + '\n');
    fs.writeFileSync(path.join(reports.root, 'drift.md'), markdown);
    fs.writeFileSync(path.join(reports.root, CHECK_ANNOTATIONS_FILE), JSON.stringify(this.annotations, null, 2) + '\n');
    fs.mkdirSync(path.dirname(historyFile), { recursive: true });
    fs.writeFileSync(historyFile, JSON.stringify(history, null, 2) + '\n');
    if (fs.existsSync(reports.allureResults)) {
      fs.writeFileSync(path.join(reports.allureResults, ATTACHMENT_FILE), markdown);
      const attachment = {
        name: 'Drift: beyond the document (information)',
        source: ATTACHMENT_FILE,
        type: 'text/markdown',
        timestamp: Date.now(),
      };
      fs.writeFileSync(path.join(reports.allureResults, GLOBALS_FILE), JSON.stringify({ attachments: [attachment], errors: [] }));
    }
    const fresh = report.items.filter(item => item.new).length;
    if (report.items.length)
      console.log(`Drift (information): ${report.items.length} beyond the document, ${fresh} new: ${path.join(reports.root, 'drift.md')}`);
  }
}
