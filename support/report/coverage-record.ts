// Every run's contract coverage, whatever reporters the run uses: each check's outcome is appended
// to a record as the check ends (the fixtures call recordOutcome), and global teardown turns the record
// into reports/contract-coverage.md and .json, and a global attachment of the Allure report.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { TestInfo } from '@playwright/test';
import { ADVISORY_ANNOTATION } from '../checks/advisory';
import { reportPaths } from '../run/paths';
import { coverageMarkdown, coverageOf, type CheckOutcome } from './coverage';

const recordFile = () => path.join(reportPaths().root, 'check-outcomes.jsonl');

/** Starts an empty record (global setup). */
export function startCoverageRecord(): void {
  fs.mkdirSync(reportPaths().root, { recursive: true });
  fs.writeFileSync(recordFile(), '');
}

/** Appends the outcome of the check that is ending (status, skip reason, broken clause, advisories). */
export function recordOutcome(testInfo: Pick<TestInfo, 'title' | 'tags' | 'status' | 'annotations'>): void {
  const outcome: CheckOutcome = {
    title: testInfo.title,
    tags: testInfo.tags,
    status: testInfo.status ?? 'passed',
    skipReason: testInfo.annotations.find(a => a.type === 'skip')?.description,
    brokenClause: testInfo.annotations.find(a => a.type === 'broken clause')?.description?.split(':')[0],
    advisories: testInfo.annotations.filter(a => a.type === ADVISORY_ANNOTATION).map(a => a.description ?? ''),
  };
  fs.appendFileSync(recordFile(), JSON.stringify(outcome) + '\n');
}

/** Writes the coverage of the recorded outcomes (global teardown); the file names it wrote. */
export function writeCoverage(): string | undefined {
  if (!fs.existsSync(recordFile())) return undefined;
  const outcomes = fs
    .readFileSync(recordFile(), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map(line => JSON.parse(line) as CheckOutcome);
  const reports = reportPaths();
  const markdown = coverageMarkdown(outcomes);
  const file = path.join(reports.root, 'contract-coverage.md');
  fs.writeFileSync(file, markdown);
  fs.writeFileSync(path.join(reports.root, 'contract-coverage.json'), JSON.stringify(coverageOf(outcomes), null, 2) + '\n');
  // Allure 3 reads global attachments from *-globals.json files beside the results.
  fs.mkdirSync(reports.allureResults, { recursive: true });
  const source = `${crypto.randomUUID()}-attachment.md`;
  fs.writeFileSync(path.join(reports.allureResults, source), markdown);
  const globals = { attachments: [{ name: 'Contract coverage', type: 'text/markdown', source, timestamp: Date.now() }], errors: [] };
  fs.writeFileSync(path.join(reports.allureResults, `${crypto.randomUUID()}-globals.json`), JSON.stringify(globals));
  return file;
}
