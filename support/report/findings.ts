// Findings: one deviation from the document, however many responses show it. A finding is the clause
// it breaks and what was seen (a rule, never a request's own values), so that the same deviation met
// by forty checks has one signature. The checks carry findings as annotations (support/checks/findings.ts
// writes them): `finding` on the check that failed with it, `finding again` on each later check that
// met it and went on judging its own clause, `finding example` with one example per check. The contract
// reporter turns those annotations into the list of unique findings, on one run or a merged sharded one.
import { CLAUSES, type ClauseId } from '../contract/clauses';

export const FINDING = 'finding';
export const FINDING_AGAIN = 'finding again';
export const FINDING_EXAMPLE = 'finding example';

export interface FindingFact {
  clause: ClauseId;
  /** What was seen, as a rule: "a 422 labelled text/plain", not the request that met it. */
  what: string;
}

/** How a finding reads in an annotation: the clause, then what was seen. */
export const findingText = ({ clause, what }: FindingFact) => `${clause} — ${what}`;

const EXAMPLE_SEPARATOR = ' :: ';
export const exampleText = (fact: FindingFact, example: string) => `${findingText(fact)}${EXAMPLE_SEPARATOR}${example}`;

export function parseFinding(text: string): FindingFact | undefined {
  const at = text.indexOf(' — ');
  if (at < 0) return undefined;
  const clause = text.slice(0, at);
  return clause in CLAUSES ? { clause: clause as ClauseId, what: text.slice(at + 3) } : undefined;
}

export interface Finding extends FindingFact {
  quote: string;
  /** Responses that showed it, in every check. */
  count: number;
  /** The first example recorded. */
  example?: string;
  /** The checks that failed with it (one per shard at most). */
  failedIn: string[];
  /** The checks that met it again and went on. */
  metIn: string[];
}

export interface CheckAnnotations {
  /** The check's title as reports show it. */
  title: string;
  annotations: readonly { type: string; description?: string }[];
}

/** The unique findings of a run's checks, in the order they were first met. */
export function findingsOf(checks: CheckAnnotations[]): Finding[] {
  const found = new Map<string, Finding>();
  for (const { title, annotations } of checks) {
    for (const { type, description = '' } of annotations) {
      const key = type === FINDING_EXAMPLE ? description.split(EXAMPLE_SEPARATOR)[0]! : description;
      if (type !== FINDING && type !== FINDING_AGAIN && type !== FINDING_EXAMPLE) continue;
      const fact = parseFinding(key);
      if (!fact) continue;
      const finding = found.get(key) ?? { ...fact, quote: CLAUSES[fact.clause].quote, count: 0, failedIn: [], metIn: [] };
      found.set(key, finding);
      if (type === FINDING_EXAMPLE) finding.example ??= description.slice(key.length + EXAMPLE_SEPARATOR.length);
      else {
        finding.count++;
        const list = type === FINDING ? finding.failedIn : finding.metIn;
        if (!list.includes(title)) list.push(title);
      }
    }
  }
  return [...found.values()];
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\s+/g, ' ');

export function findingsMarkdown(findings: Finding[]): string {
  const lines = [
    `# Findings: ${findings.length} unique`,
    '',
    findings.length
      ? 'Each deviation from the document once: the clause it breaks, what was seen, how many responses showed it, the first example, and the checks that met it (the first failed with it; the others recorded it and went on judging their own clause).'
      : 'No check met a deviation from the document.',
    '',
  ];
  if (findings.length)
    lines.push(
      '| clause | what was seen | count | first example | failed | also met in |',
      '|---|---|---:|---|---|---|',
      ...findings.map(
        f =>
          `| ${f.clause} | ${cell(f.what)} | ${f.count} | ${cell(f.example ?? '-')} | ${cell(f.failedIn.join('; ') || '-')} | ${cell(f.metIn.slice(0, 12).join('; ') + (f.metIn.length > 12 ? `; and ${f.metIn.length - 12} more` : '') || '-')} |`,
      ),
      '',
    );
  return lines.join('\n');
}

/** One line a finding, for a console or a job summary. */
export const findingLine = (f: Finding) =>
  `${f.clause}: ${f.what} (${f.count} response${f.count === 1 ? '' : 's'} in ${f.failedIn.length + f.metIn.length} check${f.failedIn.length + f.metIn.length === 1 ? '' : 's'})`;
