// Contract coverage: for each clause of the document (support/contract/clauses.ts), the checks that
// exercised it and what came of them, so a reader sees what a run proved and what it did not. Made
// from the checks' declared tags and their results, as Markdown and JSON.
import { ADVISORIES, advisoriesOf, CLAUSES, clausesOf, type AdvisoryId, type ClauseId } from '../contract/clauses';

export interface CheckOutcome {
  title: string;
  tags: string[];
  status: 'passed' | 'failed' | 'timedOut' | 'skipped' | 'interrupted';
  /** Why it was skipped, when it was. */
  skipReason?: string;
  /** The clause a failure broke (the `broken clause` annotation), when it failed on one. */
  brokenClause?: string;
  /** Advisories the check noted. */
  advisories: string[];
}

export type ClauseResult = 'proved' | 'broken' | 'partly exercised' | 'skipped' | 'not exercised';

export interface ClauseCoverage {
  id: string;
  quote: string;
  reading: string;
  result: ClauseResult;
  checks: { title: string; status: string; note?: string }[];
}

function resultOf(id: ClauseId, checks: CheckOutcome[]): ClauseResult {
  if (checks.length === 0) return 'not exercised';
  if (checks.some(check => check.brokenClause === id)) return 'broken';
  const ran = checks.filter(check => check.status !== 'skipped');
  if (ran.length === 0) return 'skipped';
  if (ran.some(check => check.status !== 'passed') || ran.length < checks.length) return 'partly exercised';
  return 'proved';
}

export function coverageOf(outcomes: CheckOutcome[]): {
  clauses: ClauseCoverage[];
  advisories: { id: string; text: string; checks: string[]; noted: string[] }[];
} {
  const clauses = (Object.keys(CLAUSES) as ClauseId[]).map(id => {
    const checks = outcomes.filter(outcome => clausesOf(outcome.tags).includes(id));
    return {
      id,
      quote: CLAUSES[id].quote,
      reading: CLAUSES[id].reading,
      result: resultOf(id, checks),
      checks: checks.map(check => ({
        title: check.title,
        status: check.status,
        note:
          check.status === 'skipped'
            ? check.skipReason
            : check.brokenClause && check.brokenClause !== id
              ? `failed on ${check.brokenClause}`
              : undefined,
      })),
    };
  });
  const advisories = (Object.keys(ADVISORIES) as AdvisoryId[]).map(id => ({
    id,
    text: ADVISORIES[id],
    checks: outcomes.filter(outcome => advisoriesOf(outcome.tags).includes(id)).map(outcome => outcome.title),
    noted: outcomes.flatMap(outcome =>
      outcome.advisories.filter(note => note.startsWith(`${id}:`)).map(note => `${outcome.title}: ${note}`),
    ),
  }));
  return { clauses, advisories };
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function coverageMarkdown(outcomes: CheckOutcome[]): string {
  const { clauses, advisories } = coverageOf(outcomes);
  const count = (result: ClauseResult) => clauses.filter(clause => clause.result === result).length;
  const lines = [
    '# Contract coverage',
    '',
    'Each clause of the document (support/contract/clauses.ts), the checks of this run that enforce it, and what came of them.',
    '',
    `Clauses: ${clauses.length}; proved ${count('proved')}, broken ${count('broken')}, partly exercised ${count('partly exercised')}, skipped ${count('skipped')}, not exercised ${count('not exercised')}.`,
    '',
    '| clause | the document says | result | checks |',
    '|---|---|---|---|',
    ...clauses.map(clause => {
      const checks = clause.checks.map(check => `${check.title} (${check.status}${check.note ? `: ${check.note}` : ''})`);
      return `| ${clause.id} | ${cell(clause.quote)} | ${clause.result === 'broken' ? '**broken**' : clause.result} | ${cell(checks.join('; ') || '-')} |`;
    }),
    '',
    '## Advisories (never a failure)',
    '',
    '| advisory | what good APIs do | checks | noted in this run |',
    '|---|---|---|---|',
    ...advisories.map(a => `| ${a.id} | ${cell(a.text)} | ${cell(a.checks.join('; ') || '-')} | ${cell(a.noted.join('; ') || 'none')} |`),
    '',
  ];
  return lines.join('\n');
}
