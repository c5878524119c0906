// The console's lines (support/report/console-summary.ts): a check's line is clipped to the width but a
// skip reason never is, and the closing block lists each finding once with its counts (e2e/console.spec.ts
// reads them in real runs).
import { test, expect } from '../fixtures';
import { checkLine, closingBlock, type CheckOutcome } from '../../../support/report/console-summary';

const outcome = (over: Partial<CheckOutcome>): CheckOutcome => ({
  file: '401-token-causes.spec.ts',
  line: 7,
  titlePath: ['a check'],
  tags: ['@401'],
  outcome: 'passed',
  durationMs: 12,
  annotations: [],
  ...over,
});

test('a check line is clipped to the width, but a skip reason never is', () => {
  const long = 'a '.repeat(100);
  expect(checkLine(outcome({ titlePath: [long] }), 100).length).toBeLessThanOrEqual(100);
  const reason = `the target cannot give its token ${'because '.repeat(20)}`;
  const skipped = checkLine(outcome({ titlePath: [long], outcome: 'skipped', annotations: [{ type: 'skip', description: reason }] }), 100);
  expect(skipped).toMatch(new RegExp(`^ {2}- 401-token-causes\\.spec\\.ts:7 › a a .*… — skipped: ${reason}$`));
  expect(checkLine(outcome({ outcome: 'skipped' }), 100)).toContain('— skipped: no reason given');
});

test('the closing block lists each finding once, with its count of responses and checks', () => {
  const a = '422.invalid — a 422 with error.code "X" instead of InvalidStorageConnectionRequest';
  const b = 'responses.json — a 422 labelled text/plain';
  const checks = [
    outcome({ titlePath: ['first'], annotations: [{ type: 'finding', description: a }] }),
    outcome({
      titlePath: ['second'],
      annotations: [
        { type: 'finding again', description: a },
        { type: 'finding', description: b },
      ],
    }),
    outcome({
      titlePath: ['third'],
      annotations: [
        { type: 'finding again', description: a },
        { type: 'skip', description: 'x' },
      ],
    }),
  ];
  const block = closingBlock({
    checks,
    durationMs: 1000,
    requests: '3 sent',
    findingsFile: 'reports/findings.md',
    report: 'reports/x.html',
  });
  expect(block.slice(block.indexOf('Findings: 2 (reports/findings.md)'), block.indexOf('Findings: 2 (reports/findings.md)') + 3)).toEqual([
    'Findings: 2 (reports/findings.md)',
    '  422.invalid: a 422 with error.code "X" instead of InvalidStorageConnectionRequest (3 responses in 3 checks)',
    '  responses.json: a 422 labelled text/plain (1 response in 1 check)',
  ]);
  expect(block.slice(-2)).toEqual(['Requests: 3 sent', 'Report: reports/x.html']);
});
