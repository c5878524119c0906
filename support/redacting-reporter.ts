// Listed first among the reporters: scrubs credentials from what every later reporter (list, JUnit,
// HTML, Allure) receives. The client redacts what it records itself; this catches what Playwright
// records on its own, such as the call log of a failed request, which lists the request's headers.
import type { Reporter, TestCase, TestError, TestResult, TestStep } from '@playwright/test/reporter';
import { redactCredentials } from './redact';
import { publishedTarget } from './target';

function secrets(): string[] {
  return [publishedTarget()?.token, process.env.API_ACCESS_TOKEN, process.env.IMS_CLIENT_SECRET].filter((s): s is string => !!s);
}

function scrub(text: string | undefined): string | undefined {
  return text === undefined ? undefined : redactCredentials(text, secrets());
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
