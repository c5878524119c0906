// What a generated check shows in the report: its plan and outcome as annotations, and on a failure
// the shrunk counterexample (request, response, clause, seed, fast-check's path, the replay command)
// as an attachment and as the check's failure message.
import { test } from '@playwright/test';
import { CLAUSES } from '../contract/clauses';
import { capForReport } from '../report/body-cap';
import { redactText } from '../report/redact';
import { replayCommand, shorten, type Counterexample, type Outcome, type Plan } from './property';
import { visible } from './unicode';

/** The report of a property's run: annotations always, and the shrunk counterexample as an attachment. */
export async function reportGenerated(key: string, plan: Plan, outcome: Outcome): Promise<void> {
  const info = test.info();
  info.annotations.push({
    type: 'generated',
    description:
      `seed ${plan.seed}: ${outcome.cases} of ${plan.cases} cases, ${outcome.requests} requests (bound ${plan.maxRequests})` +
      (outcome.counterexample
        ? `, then ${outcome.shrinks} shrink attempts, ${outcome.shrinkRequests} requests (bound ${plan.maxShrinkRequests})`
        : '') +
      `; replay: ${replayCommand(plan.seed, key)}`,
  });
  if (outcome.stopped) info.annotations.push({ type: 'generated cases stopped', description: outcome.stopped });
  if (outcome.observations.size)
    info.annotations.push({
      type: 'observed',
      description: `where the document is silent: ${[...outcome.observations].map(([what, count]) => `${what} (${count})`).join('; ')}`,
    });
  const example = outcome.counterexample;
  if (!example) return;
  const clause = example.clause && CLAUSES[example.clause];
  const lines = [
    `${key}: the shrunk counterexample`,
    '',
    `Clause broken: ${example.clause ? `${example.clause} (${clause!.section}): "${clause!.quote}" - read as: ${clause!.reading}` : 'none (the case failed without an answer to judge)'}`,
    '',
    `Request: PUT ${example.url ?? 'storageconnections/{connectionId}'}`,
    `  body as sent:   ${example.body === undefined ? '(no body)' : redactText(capForReport(example.body, 4000))}`,
    `  body, visible:  ${example.body === undefined ? '(no body)' : redactText(capForReport(visible(example.body), 4000))}`,
    `Response: ${example.response ? `${example.response.status}\n  body: ${example.response.body}` : '(none)'}`,
    '',
    `What failed: ${example.error}`,
    '',
    `Seed: ${example.seed}; fast-check path: "${example.path}"; ${example.shrinks} shrinks${outcome.shrinkStopped ? ` (${outcome.shrinkStopped}: it may not be minimal)` : ''}`,
    `Replay: ${example.replay}`,
  ];
  await info.attach('shrunk counterexample', { body: lines.join('\n'), contentType: 'text/plain' });
  info.annotations.push({
    type: 'counterexample',
    description: `${example.clause ?? 'no clause'}: PUT ${example.body === undefined ? '(no body)' : shorten(visible(example.body), 300)} -> ${example.response?.status ?? 'no answer'} (seed ${example.seed}, path "${example.path}")`,
  });
}

/** What a failed check shows as received: the counterexample in brief. */
export function summaryOf(example: Counterexample): Record<string, unknown> {
  return {
    clause: example.clause ?? 'none',
    request: `PUT ${example.body === undefined ? '(no body)' : shorten(visible(example.body), 500)}`,
    status: example.response?.status ?? 'no answer',
    seed: example.seed,
    path: example.path,
  };
}

/** The message a check fails with: the clause, the request, the response, and how to replay it. */
export function failureMessage(key: string, example: Counterexample): string {
  const clause = example.clause ? `breaks clause ${example.clause} (${CLAUSES[example.clause].section})` : 'failed';
  const request = example.body === undefined ? '(no body)' : shorten(visible(example.body), 300);
  return (
    `${key} ${clause}: the shrunk counterexample PUT ${request} got ${example.response?.status ?? 'no answer'}; ` +
    `${shorten(example.error.split('\n')[0] ?? '', 300)} (seed ${example.seed}, path "${example.path}"; replay: ${example.replay})`
  );
}
