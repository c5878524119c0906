// The kill matrix must not flatter: judge() counts a fault as detected only when a check tagged for it
// failed on the clause the fault declares it breaks (a `finding` annotation of that clause, or an expect
// of the check's own spec file in a check that declares the clause). Fed decoys (a timed-out probe, an
// interrupted check, an unrelated check failing, a teardown error, a crash, a finding of another clause,
// a variant whose probe was skipped), it must say no; a related check failing on another clause is
// reported as such.
import { test, expect } from '../fixtures';
import { BEHAVIOURS } from '../../../mock/behaviours';
import type { ClauseId } from '../../../support/contract/clauses';
import { FINDING, FINDING_AGAIN, findingText } from '../../../support/report/findings';
import type { ConformanceRun, TestVerdict } from '../helpers/child-run';
import { judge } from '../helpers/kill-matrix';

const SPEC = '/project/tests/conformance/';

/** A check's verdict; its title starts with its spec file, as the JSON reporter gives it. */
function verdict(
  file: string,
  title: string,
  tags: string[],
  status: TestVerdict['status'],
  errors: TestVerdict['errors'] = [],
  annotations: TestVerdict['annotations'] = [],
): TestVerdict {
  return { title: `${file} › a describe › ${title}`, tags, status, errors, annotations };
}

const finding = (clause: ClauseId, what: string, type = FINDING) => ({ type, description: findingText({ clause, what }) });

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

function runOf(...tests: TestVerdict[]): ConformanceRun {
  const count = (...statuses: TestVerdict['status'][]) => tests.filter(t => statuses.includes(t.status)).length;
  const run = {
    exitCode: 1,
    output: '',
    tests,
    passed: count('passed'),
    failed: count('failed', 'timedOut', 'interrupted'),
    skipped: count('skipped'),
    reportsDir: '/project/reports',
    wallMs: 1,
  };
  return run;
}
const passed = (file: string, title: string, tags: string[]) => verdict(file, title, tags, 'passed');

const decoys: [string, string, ConformanceRun, string][] = [
  [
    'a 429-as-503 fault whose only failure is a timed-out probe, its finding of the right clause included',
    '429-as-503',
    runOf(
      verdict(
        '429-rate-limit.spec.ts',
        'a burst is throttled',
        ['@429', '@throttling'],
        'timedOut',
        [timeoutError],
        [finding('responses.documented', 'a 503 (a server error) to a PUT')],
      ),
    ),
    'failed, no related assertion',
  ],
  [
    'a wrong-lastRun fault whose only failure is an interrupted check',
    'ok-lastrun-other-connection',
    runOf(
      verdict(
        '200-update.spec.ts',
        'a rename echoes',
        ['@200', '@echo'],
        'interrupted',
        [],
        [finding('200.links', 'a 200 whose lastRun disagree')],
      ),
    ),
    'failed, no related assertion',
  ],
  [
    'a 401-as-403 fault whose only failure is an unrelated check, with a finding of the right clause',
    '401-as-403',
    runOf(
      verdict(
        '422-invalid-request.spec.ts',
        'malformed JSON gets 422',
        ['@422', '@malformed-json'],
        'failed',
        [assertionError('422-invalid-request.spec.ts')],
        [finding('responses.documented', 'a 403, which the operation does not document, where 422 is expected')],
      ),
    ),
    'failed, no related assertion',
  ],
  [
    'a lost update whose related check (one that declares update.operation) failed only in the teardown',
    'lost-update',
    runOf(verdict('200-update.spec.ts', 'a rename persists', ['@200', '@persists'], 'failed', [teardownError])),
    'failed, no related assertion',
  ],
  [
    'a related check that crashed in its own spec file, without an assertion',
    'auth-any-bearer',
    runOf(
      verdict('401-unauthorized.spec.ts', 'an invalid bearer token gets 401', ['@401', '@invalid-token'], 'failed', [
        { message: 'TypeError: x is undefined', file: `${SPEC}401-unauthorized.spec.ts`, line: 3 },
      ]),
    ),
    'failed, no related assertion',
  ],
  [
    'a 401-wrong-code fault whose related check failed with a finding of another clause',
    '401-wrong-code',
    runOf(
      verdict(
        '401-unauthorized.spec.ts',
        'no Authorization header gets 401 HeaderNotFound',
        ['@401', '@header-not-found'],
        'failed',
        [assertionError('401-unauthorized.spec.ts', 41)],
        [finding('responses.json', 'a 401 labelled text/html'), finding('401.header-not-found', 'met before', FINDING_AGAIN)],
      ),
    ),
    'detected on another clause',
  ],
  [
    'a related check failing on an expect of its own, without a finding, where it does not declare the clause the fault breaks',
    '401-after-lookup',
    runOf(
      verdict('401-unauthorized.spec.ts', 'an unknown id without credentials', ['@auth-before-lookup'], 'failed', [
        assertionError('401-unauthorized.spec.ts', 60),
      ]),
    ),
    'detected on another clause',
  ],
];

for (const [name, fault, run, observed] of decoys) {
  test(`judge: ${name} is not detected`, () => {
    const row = judge(fault, BEHAVIOURS[fault]!, run);
    expect(row.observed).toBe(observed);
    expect(row.ok).toBe(false);
  });
}

test('judge: the decoys are of the faults they claim (each breaks the clause the decoy stands beside)', () => {
  expect(BEHAVIOURS['429-as-503']!.breaks).toBe('responses.documented');
  expect(BEHAVIOURS['ok-lastrun-other-connection']!.breaks).toBe('200.links');
  expect(BEHAVIOURS['401-as-403']!.breaks).toBe('responses.documented');
  expect(BEHAVIOURS['lost-update']!.breaks).toBe('update.operation');
  expect(BEHAVIOURS['401-wrong-code']!.breaks).toBe('401.header-not-found');
});

test('judge: a related check failing with a finding of the clause the fault breaks is detected, and the row names the finding', () => {
  const run = runOf(
    passed('200-update.spec.ts', 'a rename echoes', ['@200', '@persists']),
    verdict(
      '401-unauthorized.spec.ts',
      'no Authorization header gets 401 HeaderNotFound',
      ['@401', '@header-not-found'],
      'failed',
      [assertionError('401-unauthorized.spec.ts', 41)],
      [finding('401.header-not-found', 'a 401 with error.code "Unauthorized" instead of HeaderNotFound')],
    ),
  );
  const row = judge('401-wrong-code', BEHAVIOURS['401-wrong-code']!, run);
  expect(row).toMatchObject({ observed: 'detected', ok: true, breaks: '401.header-not-found' });
  expect(row.assertion).toBe(
    'finding "401.header-not-found — a 401 with error.code "Unauthorized" instead of HeaderNotFound" in 401-unauthorized: no Authorization header gets 401 HeaderNotFound',
  );
});

test('judge: a check that failed with two findings at once detects the fault that breaks either', () => {
  const run = runOf(
    verdict(
      '200-update.spec.ts',
      'a rename echoes',
      ['@200', '@echo'],
      'failed',
      [assertionError('200-update.spec.ts')],
      [
        finding('responses.json', 'a 200 labelled text/plain'),
        finding(
          '200.properties-present',
          "a 200 whose body breaks StorageConnectionResponse at /: must have required property 'connection'",
        ),
      ],
    ),
  );
  expect(judge('ok-unwrapped', BEHAVIOURS['ok-unwrapped']!, run)).toMatchObject({ observed: 'detected', ok: true });
  expect(judge('ok-content-type-text', BEHAVIOURS['ok-content-type-text']!, run)).toMatchObject({ observed: 'detected', ok: true });
  expect(judge('ok-missing-itwin-link', BEHAVIOURS['ok-missing-itwin-link']!, run)).toMatchObject({
    observed: 'detected on another clause',
    ok: false,
  });
});

test('judge: an expect of its own, without a finding, detects the fault only in a check that declares its clause', () => {
  const probe = (tags: string[]) =>
    runOf(
      verdict('429-rate-limit.spec.ts', 'a burst is throttled with retry-after, and waiting it out is enough', tags, 'failed', [
        {
          message: 'Error: after waiting retry-after the client is allowed again\n\nexpect(received).toEqual(expected)',
          file: `${SPEC}429-rate-limit.spec.ts`,
          line: 69,
        },
      ]),
    );
  const fault = BEHAVIOURS['429-retry-after-lies']!;
  const row = judge('429-retry-after-lies', fault, probe(['@429', '@throttling']));
  expect(row).toMatchObject({ observed: 'detected', ok: true, breaks: 'retry-after.seconds' });
  expect(row.assertion).toContain('"after waiting retry-after the client is allowed again" at 429-rate-limit.spec.ts:69');
  // The same expect in a check that declares only other clauses (and those every check enforces) is not the fault's.
  expect(judge('429-retry-after-lies', { ...fault, caughtBy: ['@accept'] }, probe(['@200', '@accept']))).toMatchObject({
    observed: 'detected on another clause',
    ok: false,
  });
});

test('judge: of two related checks, the one that failed on the clause the fault breaks is the one named', () => {
  const run = runOf(
    verdict(
      '401-unauthorized.spec.ts',
      'no Authorization header',
      ['@401', '@no-credentials'],
      'failed',
      [],
      [finding('responses.documented', 'a 403, which the operation does not document, where 401 is expected')],
    ),
    verdict(
      '401-unauthorized.spec.ts',
      'an invalid token',
      ['@401', '@unauthorised-unchanged'],
      'failed',
      [],
      [finding('401.causes', 'a 200 where 401 is expected')],
    ),
  );
  const row = judge('auth-none-accepted', BEHAVIOURS['auth-none-accepted']!, run);
  expect(row).toMatchObject({ observed: 'detected', ok: true });
  expect(row.assertion).toContain('401.causes — a 200 where 401 is expected');
});

test('judge: a variant passes only when every check ran and passed', () => {
  const variant = BEHAVIOURS['throttle-everything']!;
  const skippedProbe = {
    ...runOf(
      passed('200-update.spec.ts', 'a rename echoes', ['@200']),
      verdict('429-rate-limit.spec.ts', 'a burst is throttled', ['@429', '@throttling'], 'skipped'),
    ),
    exitCode: 0,
  };
  expect(judge('throttle-everything', variant, skippedProbe)).toMatchObject({ observed: 'skipped checks', ok: false });
  const allPassed = {
    ...runOf(passed('200-update.spec.ts', 'a rename echoes', ['@200']), passed('429-rate-limit.spec.ts', 'a burst is throttled', ['@429'])),
    exitCode: 0,
  };
  expect(judge('throttle-everything', variant, allPassed)).toMatchObject({ observed: 'passes', ok: true });
});
