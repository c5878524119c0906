// The kill matrix must not flatter: judge() counts a fault as detected only when a check tagged for
// it failed on an assertion of its own. Fed decoys (a timed-out probe, an interrupted check, an
// unrelated check failing, a teardown error, a variant whose probe was skipped), it must say no.
import { test, expect } from './fixtures';
import { BEHAVIOURS } from '../../mock/behaviours';
import type { ConformanceRun, TestVerdict } from './helpers/child-run';
import { judge } from './kill-matrix';

const SPEC = '/project/tests/conformance/';

function verdict(title: string, tags: string[], status: TestVerdict['status'], errors: TestVerdict['errors'] = []): TestVerdict {
  return { title, tags, status, errors, annotations: [] };
}

const assertionError = (file: string, line = 12) => ({
  message: 'Error: the documented code\n\nexpect(received).toBe(expected) // Object.is equality\n\nExpected: "HeaderNotFound"',
  file: `${SPEC}${file}`,
  line,
});
const timeoutError = { message: 'Test timeout of 180000ms exceeded.' };
const teardownError = {
  message: 'Error: restoring the connection to its original state\n\nexpect(received).toBe(expected)',
  file: '/project/support/checks/fixtures.ts',
  line: 60,
};

const runOf = (...tests: TestVerdict[]): ConformanceRun => ({ exitCode: 1, output: '', tests, wallMs: 1 });
const passed = (title: string, tags: string[]) => verdict(title, tags, 'passed');

const decoys: [string, string, ConformanceRun][] = [
  [
    'a 429-as-503 fault whose only failure is a timed-out probe',
    '429-as-503',
    runOf(verdict('a burst is throttled', ['@429', '@throttling'], 'timedOut', [timeoutError])),
  ],
  [
    'a wrong-lastRun fault whose only failure is an interrupted check',
    'ok-lastrun-other-connection',
    runOf(verdict('a rename echoes', ['@200', '@echo'], 'interrupted')),
  ],
  [
    'a 401-as-403 fault whose only failure is an unrelated check',
    '401-as-403',
    runOf(verdict('malformed JSON gets 422', ['@422', '@malformed-json'], 'failed', [assertionError('422-invalid-request.spec.ts')])),
  ],
  [
    'a lost update whose related check failed only in the teardown',
    'lost-update',
    runOf(verdict('a rename echoes', ['@200', '@persists'], 'failed', [teardownError])),
  ],
  [
    'a related check that crashed without an assertion',
    'auth-any-bearer',
    runOf(
      verdict('an invalid bearer token gets 401', ['@401', '@invalid-token'], 'failed', [
        { message: 'TypeError: x is undefined', file: `${SPEC}401-unauthorized.spec.ts`, line: 3 },
      ]),
    ),
  ],
];

for (const [name, fault, run] of decoys) {
  test(`judge: ${name} is not detected`, () => {
    const row = judge(fault, BEHAVIOURS[fault]!, run);
    expect(row.observed).not.toBe('detected');
    expect(row.ok).toBe(false);
  });
}

test('judge: a related check failing on its own assertion is detected, and the row names that assertion', () => {
  const run = runOf(
    passed('a rename echoes', ['@200', '@persists']),
    verdict('no Authorization header gets 401 HeaderNotFound', ['@401', '@header-not-found'], 'failed', [
      assertionError('401-unauthorized.spec.ts', 41),
    ]),
  );
  const row = judge('401-wrong-code', BEHAVIOURS['401-wrong-code']!, run);
  expect(row.observed).toBe('detected');
  expect(row.assertion).toBe('"the documented code": toBe at 401-unauthorized.spec.ts:41');
});

test('judge: a variant passes only when every check ran and passed', () => {
  const variant = BEHAVIOURS['throttle-everything']!;
  const skippedProbe = {
    ...runOf(passed('a rename echoes', ['@200']), verdict('a burst is throttled', ['@429', '@throttling'], 'skipped')),
    exitCode: 0,
  };
  expect(judge('throttle-everything', variant, skippedProbe)).toMatchObject({ observed: 'skipped checks', ok: false });
  const allPassed = { ...runOf(passed('a rename echoes', ['@200']), passed('a burst is throttled', ['@429'])), exitCode: 0 };
  expect(judge('throttle-everything', variant, allPassed)).toMatchObject({ observed: 'passes', ok: true });
});
