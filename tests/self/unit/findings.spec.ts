// One deviation, one finding (support/report/findings.ts): the annotations the checks leave are grouped
// by clause and rule, counted per response, with the first example and the checks that met them.
import { test, expect } from '../fixtures';
import { FINDING, FINDING_AGAIN, FINDING_EXAMPLE, findingsOf } from '../../../support/report/findings';

test('findings are grouped by clause and rule, counted per response, with the first example and the checks that met them', () => {
  const text = '422.invalid — a 422 with error.code "X" instead of InvalidStorageConnectionRequest';
  const other = 'responses.json — a 422 labelled text/plain';
  const findings = findingsOf([
    {
      title: 'first',
      annotations: [
        { type: FINDING, description: text },
        { type: FINDING_EXAMPLE, description: `${text} :: PUT /a → 422` },
        { type: 'observed', description: 'ignored' },
      ],
    },
    {
      title: 'second',
      annotations: [
        { type: FINDING_AGAIN, description: text },
        { type: FINDING_AGAIN, description: text },
        { type: FINDING_EXAMPLE, description: `${text} :: PUT /b → 422` },
        { type: FINDING, description: other },
      ],
    },
    { title: 'third', annotations: [{ type: FINDING, description: 'not-a-clause — ignored' }] },
  ]);
  expect(findings).toEqual([
    expect.objectContaining({ clause: '422.invalid', count: 3, example: 'PUT /a → 422', failedIn: ['first'], metIn: ['second'] }),
    expect.objectContaining({ clause: 'responses.json', what: 'a 422 labelled text/plain', count: 1, failedIn: ['second'], metIn: [] }),
  ]);
});
