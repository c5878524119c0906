// The ways a response can break the document, each a Problem: the clause it breaks, what was seen as
// a rule (the same for every response that shows it, so that it is one finding), this response's
// detail, and its report category. The matchers (matchers.ts) meet each problem as a finding.
import type { ApiResponse } from '../client/http';
import { DEFAULT_THROTTLE_POLICY, retryAfterSeconds } from '../client/throttle';
import type { ClauseId } from '../contract/clauses';
import { DOCUMENTED_RESPONSES, ERROR_CODES, errorCodeOf, OTHER_RATE_LIMIT_CODES } from '../contract/operation';
import { formatViolations, violationsOf, type Violation } from '../contract/schemas';
import type { FailureKind } from '../report/failure-kind';
import { advise } from './advisory';

const JSON_CONTENT_TYPE = /^application\/([\w.+-]+\+)?json\s*(;|$)/i;

/** One way a response breaks the document: a finding's clause and rule, what this response showed, and its report category. */
export interface Problem {
  clause: ClauseId;
  what: string;
  detail: string;
  kind: FailureKind;
}

/** The clause of each documented status: what a response of that status is for. */
const STATUS_CLAUSE: Record<number, ClauseId> = {
  200: '200.updated',
  401: '401.causes',
  404: '404.not-found',
  422: '422.invalid',
  429: '429.throttled',
};

/** The expected status a response stood in for: the one of its class, else all of them. */
function nearest(status: number, statuses: readonly number[]): string {
  const same = statuses.find(expected => Math.floor(expected / 100) === Math.floor(status / 100));
  return same !== undefined ? String(same) : statuses.join(' or ');
}

/** Where a schema violation is, the same for every response: array positions as `*`. */
const generalPointer = (pointer: string) => pointer.replace(/\/\d+(?=\/|$)/g, '/*') || '/';

function violationClause(status: number, violation: Violation): ClauseId {
  if (status !== 200) return 'responses.documented';
  if (violation.pointer.includes('/_links') || /_links/.test(violation.rule)) return '200.links';
  return violation.rule.startsWith('required') ? '200.properties-present' : '200.updated';
}

export function checkResponse(response: ApiResponse, statuses: readonly number[]): { problems: Problem[]; violations: Violation[] } {
  const problems: Problem[] = [];
  const { status } = response;
  const documented = status in DOCUMENTED_RESPONSES;
  if (status >= 500)
    problems.push({
      clause: 'responses.documented',
      what: `a ${status} (a server error) to a ${response.method}`,
      detail: `status ${status} is a server error; the operation must never answer 5xx`,
      kind: 'Server error (5xx)',
    });
  else if (!documented)
    problems.push({
      clause: 'responses.documented',
      what: `a ${status}, which the operation does not document, where ${nearest(status, statuses)} is expected`,
      detail: `status ${status} is not one the operation documents (${Object.keys(DOCUMENTED_RESPONSES).join(', ')}); expected ${statuses.join(' or ')}`,
      kind: 'Unexpected status',
    });
  else if (status === 429 && !statuses.includes(429)) {
    // Throttled where the check expected an answer: with a usable retry-after the client waited and
    // retried; without one, the missing retry-after (below) is the whole finding.
    if (retryAfterSeconds(response) !== undefined)
      problems.push({
        clause: '429.throttled',
        what: `a 429 that persisted after ${DEFAULT_THROTTLE_POLICY.maxRetries} waits of its retry-after`,
        detail: `status 429 after waiting retry-after and retrying ${DEFAULT_THROTTLE_POLICY.maxRetries} times; expected ${statuses.join(' or ')}`,
        kind: 'Throttling',
      });
  } else if (!statuses.includes(status)) {
    const expected = nearest(status, statuses);
    problems.push({
      clause: STATUS_CLAUSE[Number(expected)] ?? STATUS_CLAUSE[statuses[0]!] ?? 'responses.documented',
      // Without valid credentials, any answer but 401 is one hole (a 200, a 404 or a 422 alike: the status is the example).
      what:
        statuses.length === 1 && statuses[0] === 401
          ? 'a request without valid credentials not refused with 401'
          : `a ${status} where ${expected} is expected`,
      detail: `status ${status}, expected ${statuses.join(' or ')}`,
      kind: 'Unexpected status',
    });
  }
  // An undocumented status has no body the document describes: the status is the whole finding.
  if (!documented) return { problems, violations: [] };
  if (status === 429 && retryAfterSeconds(response) === undefined)
    problems.push({
      clause: 'retry-after.seconds',
      what: 'a 429 without a whole-seconds retry-after',
      detail: `a 429 must carry retry-after, a whole number of seconds (at most ${DEFAULT_THROTTLE_POLICY.maxSeconds}, the longest this suite waits); got ${JSON.stringify(response.headers['retry-after'])}`,
      kind: 'Throttling',
    });
  if (response.oversized !== undefined) {
    const { limit, read } = response.oversized;
    problems.push({
      clause: 'responses.documented',
      what: `a ${status} larger than ${limit} bytes`,
      detail: `response larger than ${limit} bytes (CONFORMANCE_MAX_RESPONSE_BYTES): ${read} bytes read before the suite stopped, so not judged further`,
      kind: 'Response too large',
    });
    return { problems, violations: [] };
  }
  const contentType = response.headers['content-type'];
  const mediaType = contentType ? contentType.split(';')[0]!.trim().toLowerCase() : undefined;
  const labelledJson = !!contentType && JSON_CONTENT_TYPE.test(contentType);
  if (response.json === undefined) {
    // Neither labelled nor written as JSON (an HTML error page, an empty body) is one deviation, not two.
    problems.push({
      clause: 'responses.json',
      what: `a ${status} whose body is ${response.text === '' ? 'empty' : 'not JSON'}${labelledJson ? '' : ` (${mediaType ?? 'no content-type'})`}`,
      detail: `body is not JSON (content-type ${JSON.stringify(contentType)}): ${JSON.stringify(response.text.slice(0, 200))}`,
      kind: 'Body breaks its schema or media type',
    });
    return { problems, violations: [] };
  }
  if (!labelledJson)
    problems.push({
      clause: 'responses.json',
      what: `a ${status} labelled ${mediaType ?? 'with no content-type'}`,
      detail: `content-type ${JSON.stringify(contentType)} is not JSON`,
      kind: 'Body breaks its schema or media type',
    });
  const model = DOCUMENTED_RESPONSES[status]!;
  const violations = violationsOf(model, response.json);
  for (const violation of violations)
    problems.push({
      clause: violationClause(status, violation),
      what: `a ${status} whose body breaks ${model} at ${generalPointer(violation.pointer)}: ${violation.message}`,
      detail: `body breaks ${model}:\n${formatViolations([violation])}`,
      kind: 'Body breaks its schema or media type',
    });
  const code = codeProblem(response, DOCUMENTED_CODE[status]);
  if (code) problems.push(code);
  return { problems, violations };
}

/** The code the document gives for each refusal it documents with one code (401 has several causes). */
const DOCUMENTED_CODE: Record<number, { code: string; clause: ClauseId }> = {
  404: { code: ERROR_CODES.notFound, clause: '404.not-found' },
  422: { code: ERROR_CODES.invalidRequest, clause: '422.invalid' },
  429: { code: ERROR_CODES.rateLimited, clause: '429.throttled' },
};

/**
 * A documented refusal carries the document's code for it. A body that gives no code (absent or null,
 * as the Error Response note allows) is an advisory; a different code is a finding. For a 429 the
 * platform's other pages use TooManyRequests too: accepted, and noted as an advisory.
 */
export function codeProblem(response: ApiResponse, expected: { code: string; clause: ClauseId } | undefined): Problem | undefined {
  const code = errorCodeOf(response.json);
  if (!expected || code === expected.code) return undefined;
  if (code === undefined || code === null) {
    advise('error.code', false, `a ${response.status} without error.code (the document gives ${expected.code})`);
    return undefined;
  }
  if (response.status === 429 && (OTHER_RATE_LIMIT_CODES as readonly unknown[]).includes(code)) {
    advise('rate-limit.code', false, `429 with code ${code}`);
    return undefined;
  }
  return {
    clause: expected.clause,
    what: `a ${response.status} with error.code ${JSON.stringify(code)} instead of ${expected.code}`,
    detail: `error.code ${JSON.stringify(code)} is not the code the document gives for this ${response.status}: ${expected.code}`,
    kind: 'Undocumented error code',
  };
}
