// Custom matchers: a response checked against the document as a whole (documented status, JSON
// content type, body schema, the document's error code), and any value checked against one of the
// document's models. Each problem is a finding (support/checks/findings.ts): the first check of the run
// to meet it fails with it, a later one records it and passes on to what it exists to judge.
import { expect as base, test } from '@playwright/test';
import type { ApiResponse } from '../client/http';
import type { ClauseId } from '../contract/clauses';
import { errorCodeOf } from '../contract/operation';
import { formatViolations, violationsOf, type ModelName } from '../contract/schemas';
import { noteFailureKind } from '../report/failure-kind';
import { findingText } from '../report/findings';
import { checkResponse, codeProblem, type Problem } from './response-problems';
import { capForReport, capValueForReport } from '../report/body-cap';
import { redactText, redactValue } from '../report/redact';
import { meet } from './findings';

function isApiResponse(value: unknown): value is ApiResponse {
  return typeof value === 'object' && value !== null && 'status' in value && 'headers' in value && 'text' in value;
}

/** Responses that showed findings other checks had failed with: reading on from them may be impossible. */
const knownFindings = new WeakMap<object, string[]>();

/** The findings met before on this response, if it showed any (support/checks/state.ts asks before reading a body). */
export const knownFindingsOf = (response: ApiResponse): string[] => knownFindings.get(response) ?? [];

/**
 * Meets each problem as a finding. Returns those new to the run (the check fails with them); known
 * ones are recorded on the check and remembered on the response.
 */
function meetAll(response: ApiResponse, problems: Problem[]): Problem[] {
  const where = `${response.method} ${response.url.replace(/^https?:\/\/[^/]+/, '')} → ${response.status}`;
  const fresh = problems.filter(problem => meet(problem, `${where}: ${problem.detail.split('\n').join(' ')}`) === 'new');
  const known = problems.filter(problem => !fresh.includes(problem)).map(findingText);
  if (known.length) knownFindings.set(response, [...knownFindingsOf(response), ...known]);
  return fresh;
}

/** Failure messages quote what the server sent, which could echo the run's token. */
const redactSecrets = (text: string) => redactText(text);

const BODY_IN_MESSAGE = 300;

export const expect = base.extend({
  /**
   * The response is documented, has the expected status (or one of them), is JSON, matches its schema
   * and carries the document's error code. Only findings new to the run fail it.
   */
  async toBeDocumentedResponse(received: ApiResponse, expected: number | readonly number[]) {
    const statuses = typeof expected === 'number' ? [expected] : expected;
    const { problems, violations } = checkResponse(received, statuses);
    const fresh = this.isNot ? problems : meetAll(received, problems);
    const pass = fresh.length === 0;
    if (!pass && !this.isNot) {
      noteFailureKind(test.info(), fresh[0]!.kind);
      if (violations.length)
        await test.info().attach('schema violations', { body: JSON.stringify(violations, null, 2), contentType: 'application/json' });
    }
    const where = `${received.method} ${received.url}`;
    const hint = this.utils.matcherHint('toBeDocumentedResponse', undefined, undefined, { isNot: this.isNot });
    const known = problems.length - fresh.length;
    return {
      name: 'toBeDocumentedResponse',
      pass: this.isNot ? problems.length === 0 : pass,
      expected: statuses,
      actual: received.status,
      message: () =>
        this.isNot
          ? `${hint}\n\n${where}\nexpected a response that is not a documented ${statuses.join('/')}, but it is one`
          : redactSecrets(
              `${hint}\n\n${where}\n- ${fresh.map(problem => problem.detail).join('\n- ')}` +
                (known ? `\n(${known} more finding(s) met before in this run, recorded on this check)` : '') +
                `\nbody (the response attachment has it whole): ${capForReport(received.text).slice(0, BODY_IN_MESSAGE)}`,
            ),
    };
  },

  /**
   * The error carries `code`, the document's code for this case (clause `clause`). No code at all
   * (absent or null, as the Error Response note allows) is an advisory; another code is a finding.
   */
  async toCarryErrorCode(received: ApiResponse, code: string, clause: ClauseId) {
    const problem = codeProblem(received, { code, clause });
    const fresh = problem && !this.isNot ? meetAll(received, [problem]) : problem ? [problem] : [];
    if (fresh.length && !this.isNot) noteFailureKind(test.info(), 'Undocumented error code');
    const hint = this.utils.matcherHint('toCarryErrorCode', undefined, undefined, { isNot: this.isNot });
    return {
      name: 'toCarryErrorCode',
      pass: this.isNot ? problem === undefined : fresh.length === 0,
      expected: code,
      actual: errorCodeOf(received.json),
      message: () => redactSecrets(`${hint}\n\n${received.method} ${received.url}\n- ${problem?.detail ?? `error.code is ${code}`}`),
    };
  },

  /** The value (or a response's JSON body) validates against the named model's schema. */
  async toMatchSchema(received: unknown, model: ModelName) {
    const value = isApiResponse(received) ? received.json : received;
    const violations = violationsOf(model, value);
    const pass = violations.length === 0;
    if (!pass && !this.isNot) {
      noteFailureKind(test.info(), 'Body breaks its schema or media type');
      await test.info().attach('schema violations', { body: JSON.stringify(violations, null, 2), contentType: 'application/json' });
      await test.info().attach('body that failed the schema', {
        body: redactSecrets(capForReport(JSON.stringify(redactValue(value), null, 2))),
        contentType: 'application/json',
      });
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
