// Custom matchers: a response checked against the document as a whole (documented status, JSON
// content type, body schema), and any value checked against one of the document's models. Messages
// list every problem, each violation with its JSON pointer and value.
import { expect as base, test } from '@playwright/test';
import type { ApiResponse } from '../client/http';
import { DEFAULT_THROTTLE_POLICY, retryAfterSeconds } from '../client/throttle';
import { DOCUMENTED_RESPONSES, ERROR_CODES, errorCodeOf, OTHER_RATE_LIMIT_CODES } from '../contract/operation';
import { formatViolations, violationsOf, type ModelName, type Violation } from '../contract/schemas';
import { noteFailureKind, type FailureKind } from '../report/failure-kind';
import { advise } from './advisory';
import { capForReport, capValueForReport } from '../report/body-cap';
import { redactText, redactValue } from '../report/redact';

const JSON_CONTENT_TYPE = /^application\/([\w.+-]+\+)?json\s*(;|$)/i;

function isApiResponse(value: unknown): value is ApiResponse {
  return typeof value === 'object' && value !== null && 'status' in value && 'headers' in value && 'text' in value;
}

function checkResponse(
  response: ApiResponse,
  statuses: readonly number[],
): { problems: string[]; violations: Violation[]; codeProblem?: string } {
  const problems: string[] = [];
  let violations: Violation[] = [];
  const { status } = response;
  if (status >= 500) problems.push(`status ${status} is a server error; the operation must never answer 5xx`);
  else if (!(status in DOCUMENTED_RESPONSES))
    problems.push(`status ${status} is not one the operation documents (${Object.keys(DOCUMENTED_RESPONSES).join(', ')})`);
  if (!statuses.includes(status)) problems.push(`status ${status}, expected ${statuses.join(' or ')}`);
  if (status === 429 && retryAfterSeconds(response) === undefined)
    problems.push(
      `a 429 must carry retry-after, a whole number of seconds (at most ${DEFAULT_THROTTLE_POLICY.maxSeconds}, the longest this suite waits); got ${JSON.stringify(response.headers['retry-after'])}`,
    );
  if (response.oversized !== undefined) {
    const { limit, read } = response.oversized;
    problems.push(
      `response larger than ${limit} bytes (CONFORMANCE_MAX_RESPONSE_BYTES): ${read} bytes read before the suite stopped, so not judged further`,
    );
    return { problems, violations };
  }
  const contentType = response.headers['content-type'];
  if (!contentType || !JSON_CONTENT_TYPE.test(contentType)) problems.push(`content-type ${JSON.stringify(contentType)} is not JSON`);
  if (response.json === undefined) {
    problems.push(`body is not JSON: ${JSON.stringify(response.text.slice(0, 200))}`);
    return { problems, violations };
  }
  const model = DOCUMENTED_RESPONSES[status];
  if (!model) return { problems, violations };
  violations = violationsOf(model, response.json);
  if (violations.length) problems.push(`body breaks ${model}:\n${formatViolations(violations)}`);
  const codeProblem = errorCodeProblem(response);
  if (codeProblem) problems.push(codeProblem);
  return { problems, violations, codeProblem };
}

/** The code the document gives for each refusal it documents with one code (401 has several causes). */
const DOCUMENTED_CODE: Record<number, string> = {
  404: ERROR_CODES.notFound,
  422: ERROR_CODES.invalidRequest,
  429: ERROR_CODES.rateLimited,
};

/**
 * A documented refusal must carry the document's code for it. For a 429 the platform's other pages use
 * TooManyRequests too: accepted, and noted as an advisory in the report.
 */
function errorCodeProblem(response: ApiResponse): string | undefined {
  const expected = DOCUMENTED_CODE[response.status];
  const code = errorCodeOf(response.json);
  if (!expected || code === expected) return undefined;
  if (response.status === 429 && (OTHER_RATE_LIMIT_CODES as readonly unknown[]).includes(code)) {
    advise('rate-limit.code', false, `429 with code ${code}`);
    return undefined;
  }
  return `error.code ${JSON.stringify(code)} is not the code the document gives for a ${response.status}: ${expected}`;
}

/**
 * What a response that is not the documented one broke first, for the report's categories; `checked`
 * is what checkResponse found, so the code and the schema are not judged twice.
 */
function failureKind(response: ApiResponse, statuses: readonly number[], checked: ReturnType<typeof checkResponse>): FailureKind {
  if (response.status >= 500) return 'Server error (5xx)';
  if (response.oversized !== undefined) return 'Response too large';
  if (!statuses.includes(response.status) || !(response.status in DOCUMENTED_RESPONSES)) return 'Unexpected status';
  if (response.status === 429 && retryAfterSeconds(response) === undefined) return 'Throttling';
  if (checked.codeProblem && !checked.violations.length) return 'Undocumented error code';
  return 'Body breaks its schema or media type';
}

/** Failure messages quote what the server sent, which could echo the run's token. */
const redactSecrets = (text: string) => redactText(text);

/** Puts a schema failure's violations (pointer, rule, value) beside the body that failed, in the report. */
async function attachViolations(violations: Violation[], body: unknown): Promise<void> {
  const info = test.info();
  await info.attach('schema violations', { body: JSON.stringify(violations, null, 2), contentType: 'application/json' });
  await info.attach('body that failed the schema', {
    body: redactSecrets(capForReport(JSON.stringify(redactValue(body), null, 2))),
    contentType: 'application/json',
  });
}

export const expect = base.extend({
  /** The response is documented, has the expected status (or one of them), is JSON and matches its schema. */
  async toBeDocumentedResponse(received: ApiResponse, expected: number | readonly number[]) {
    const statuses = typeof expected === 'number' ? [expected] : expected;
    const checked = checkResponse(received, statuses);
    const { problems, violations } = checked;
    const pass = problems.length === 0;
    if (!pass && !this.isNot) noteFailureKind(test.info(), failureKind(received, statuses, checked));
    if (violations.length && !this.isNot) await attachViolations(violations, received.json);
    const where = `${received.method} ${received.url}`;
    return {
      name: 'toBeDocumentedResponse',
      pass,
      expected: statuses,
      actual: received.status,
      message: () =>
        pass
          ? `${this.utils.matcherHint('toBeDocumentedResponse', undefined, undefined, { isNot: this.isNot })}\n\n${where}\nexpected a response that is not a documented ${statuses.join('/')}, but it is one`
          : redactSecrets(
              `${this.utils.matcherHint('toBeDocumentedResponse', undefined, undefined, { isNot: this.isNot })}\n\n${where}\n- ${problems.join('\n- ')}\nbody: ${received.text.slice(0, 1000)}`,
            ),
    };
  },

  /** The value (or a response's JSON body) validates against the named model's schema. */
  async toMatchSchema(received: unknown, model: ModelName) {
    const value = isApiResponse(received) ? received.json : received;
    const violations = violationsOf(model, value);
    const pass = violations.length === 0;
    if (!pass && !this.isNot) {
      noteFailureKind(test.info(), 'Body breaks its schema or media type');
      await attachViolations(violations, value);
    }
    return {
      name: 'toMatchSchema',
      pass,
      expected: model,
      actual: capValueForReport(value),
      message: () =>
        pass
          ? `${this.utils.matcherHint('toMatchSchema', undefined, undefined, { isNot: this.isNot })}\n\nexpected a value that breaks ${model}, but it validates`
          : redactSecrets(
              `${this.utils.matcherHint('toMatchSchema', undefined, undefined, { isNot: this.isNot })}\n\n${violations.length} violation(s) of ${model}:\n${formatViolations(violations)}`,
            ),
    };
  },
});
