// Listed first among the reporters: scrubs credentials from what every later reporter (list, JUnit,
// HTML, Allure) receives. The recording layer redacts what it attaches itself; this catches what a
// failure message or a step's error quotes (a server that echoes a token in an error, say).
import type { Reporter, TestCase, TestError, TestResult, TestStep } from '@playwright/test/reporter';
import { publishedTarget } from './target';
import { redactCredentials } from '../report/redact';

/** The secrets come from report/secrets.ts: the configuration and the published target register theirs. */
function scrub(text: string | undefined): string | undefined {
  publishedTarget();
  return text === undefined ? undefined : redactCredentials(text);
}

function scrubError(error: TestError | undefined): void {
  if (!error) return;
  error.message = scrub(error.message);
  error.stack = scrub(error.stack);
  error.value = scrub(error.value);
  error.snippet = scrub(error.snippet);
  scrubError(error.cause);
}

function scrubStep(step: TestStep): void {
  scrubError(step.error);
  step.steps.forEach(scrubStep);
}

export default class RedactingReporter implements Reporter {
  printsToStdio(): boolean {
    return false;
  }

  onStepEnd(_test: TestCase, _result: TestResult, step: TestStep): void {
    scrubStep(step);
  }

  onTestEnd(_test: TestCase, result: TestResult): void {
    scrubError(result.error);
    result.errors.forEach(scrubError);
    result.steps.forEach(scrubStep);
    for (const attachment of result.attachments) {
      if (attachment.body && /^(text\/|application\/json)/.test(attachment.contentType))
        attachment.body = Buffer.from(scrub(attachment.body.toString('utf8'))!);
    }
  }

  onError(error: TestError): void {
    scrubError(error);
  }
}
