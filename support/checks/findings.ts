// Meeting a finding (support/report/findings.ts) while a check runs. The first check of a run to meet a
// deviation fails with it; a later check that meets the same one records it (a `finding again`
// annotation, counted and listed by the contract reporter) and goes on judging what it exists for. The
// run's findings are claimed through files in a folder of the run's own (global setup makes it), so the
// rule holds across worker restarts: the claim is a hard link, which only one process can make.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { test, type TestInfo } from '@playwright/test';
import { publishedTarget } from '../run/target';
import { exampleText, FINDING, FINDING_AGAIN, FINDING_EXAMPLE, findingText, type FindingFact } from '../report/findings';
import { redactText } from '../report/redact';

export type { FindingFact };

/** Examples kept per check and finding: enough to show it, never a wall. */
const EXAMPLE_MAX = 300;

/** The check that claimed the finding first in this run; it is `testId` itself for a new one. */
function claim(text: string, testId: string): string {
  const dir = publishedTarget()?.findingsDir;
  // Outside a conformance run (the project's own unit tests) every finding is new.
  if (!dir) return testId;
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, crypto.createHash('sha256').update(text).digest('hex').slice(0, 24));
  const draft = `${file}.${process.pid}.${crypto.randomUUID()}`;
  fs.writeFileSync(draft, testId);
  try {
    fs.linkSync(draft, file);
    return testId;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return fs.readFileSync(file, 'utf8');
  } finally {
    fs.rmSync(draft, { force: true });
  }
}

/**
 * Records that the running check met `fact` (with `example`, one line of what showed it). 'new': this
 * check is the first of the run to meet it (or met it before), so it fails with it; 'known': another
 * check failed with it already, so this one records it and goes on.
 */
export function meet(fact: FindingFact, example: string, testInfo: TestInfo = test.info()): 'new' | 'known' {
  const text = findingText(fact);
  const mine = claim(text, testInfo.testId) === testInfo.testId;
  const type = mine ? FINDING : FINDING_AGAIN;
  testInfo.annotations.push({ type, description: text });
  const exampleLine = exampleText(fact, redactText(example.replace(/\s+/g, ' ').slice(0, EXAMPLE_MAX)));
  if (!testInfo.annotations.some(a => a.type === FINDING_EXAMPLE && a.description?.startsWith(text)))
    testInfo.annotations.push({ type: FINDING_EXAMPLE, description: exampleLine });
  return mine ? 'new' : 'known';
}

const isAssertion = (error: unknown) => error instanceof Error && 'matcherResult' in error;

/**
 * Runs assertions whose failure is the deviation `fact`: the first check to fail them fails; a later
 * one records the finding and goes on (the result is then undefined). Other errors pass through.
 */
export async function asFinding<T>(fact: FindingFact, assertions: () => T | Promise<T>): Promise<T | undefined> {
  try {
    return await assertions();
  } catch (error) {
    if (!isAssertion(error)) throw error;
    const message = (error as Error).message.replace(/\u001b\[[0-9;]*m/g, '');
    const example = message.split('\n').find(line => /^(Expected|Received)/.test(line.trim())) ?? message.split('\n')[0] ?? '';
    if (meet(fact, example) === 'new') throw error;
    return undefined;
  }
}
