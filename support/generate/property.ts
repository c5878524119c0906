// Runs one generated property (fast-check) inside a check: the run's seed, a bounded number of cases
// and requests, shrinking bounded in requests and time, each case a report step, and on a failure the
// shrunk counterexample with the request, the response, the clause it breaks, the seed and path, and
// the command that replays it. The check then fails on an assertion of its own (the spec file's).
import { test } from '@playwright/test';
import fc, { type Arbitrary } from 'fast-check';
import { RequestBudget } from '../client/budget';
import type { ApiResponse, StorageConnectionsClient } from '../client/client';
import type { ClauseId } from '../contract/clauses';
import { capForReport } from '../report/body-cap';
import { redactText } from '../report/redact';
import { DEFAULTS } from '../run/config-defaults';
import type { Target } from '../run/target';
import { visible } from './unicode';

/** Default cases per property: many against the embedded mock, a handful against anything else (resolved by run/config.ts). */
export const DEFAULT_CASES = DEFAULTS.generatedCases;
/** Most requests one case may send: the update, a read back, a restore, and one more read. */
export const REQUESTS_PER_CASE = 4;
/** Requests kept back from the run's budget for the checks and restores after the generated ones. */
const BUDGET_RESERVE = 10;

export interface Plan {
  seed: number;
  cases: number;
  /** Most requests the cases may send (shrinking aside). */
  maxRequests: number;
  /** Most requests shrinking a failure may send. */
  maxShrinkRequests: number;
  /** Longest time the cases may take, then shrinking. */
  runMs: number;
  shrinkMs: number;
}

/** The plan of a property on this target (CONFORMANCE_SEED and CONFORMANCE_GENERATED_CASES, set in global setup). */
export function planFor(target: Target): Plan {
  const cases = target.generatedCases;
  return target.isEmbeddedMock
    ? {
        seed: target.seed ?? 0,
        cases,
        maxRequests: cases * REQUESTS_PER_CASE,
        maxShrinkRequests: 300,
        runMs: 20_000,
        shrinkMs: 15_000,
      }
    : { seed: target.seed ?? 0, cases, maxRequests: cases * REQUESTS_PER_CASE, maxShrinkRequests: 24, runMs: 120_000, shrinkMs: 60_000 };
}

/** A failure of a case, with the clause of the document it breaks (undefined: none, e.g. no answer at all). */
export class CaseFailure extends Error {
  override name = 'CaseFailure';
  constructor(
    readonly clause: ClauseId | undefined,
    readonly error: unknown,
  ) {
    super(error instanceof Error ? error.message : String(error));
  }
}

/** Runs assertions; a failure among them breaks `clause` (the first clause named wins). */
export async function under<T>(clause: ClauseId, assertions: () => T | Promise<T>): Promise<T> {
  try {
    return await assertions();
  } catch (error) {
    throw error instanceof CaseFailure ? error : new CaseFailure(clause, error);
  }
}

export interface CaseContext {
  /** Notes the request the case is about and its answer, for the counterexample. */
  sent(body: string | undefined, response: ApiResponse): void;
  /** Records what a server chose where the document is silent (an `observed` annotation, counted). */
  observe(what: string): void;
}

export interface GeneratedProperty<T> {
  /** The start of the check's title: the --grep of the replay command (no regex characters). */
  key: string;
  arbitrary: Arbitrary<T>;
  /** The request body of a value, as sent (undefined: no body). */
  bodyOf(value: T): string | undefined;
  check(value: T, context: CaseContext): Promise<void>;
}

export interface Counterexample {
  clause?: ClauseId;
  url?: string;
  body?: string;
  response?: { status: number; body: string };
  error: string;
  seed: number;
  path: string;
  shrinks: number;
  replay: string;
}

export interface Outcome {
  cases: number;
  requests: number;
  shrinkRequests: number;
  shrinks: number;
  /** Why the cases stopped before the planned number, if they did. */
  stopped?: string;
  /** Why shrinking stopped before a minimal counterexample, if it did. */
  shrinkStopped?: string;
  observations: Map<string, number>;
  counterexample?: Counterexample;
}

const stripColours = (text: string) => text.replace(/\u001b\[[0-9;]*m/g, '');
export const shorten = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 3)}...` : text);

/** The requests the run's budget still allows, if it has one. */
function budgetLeft(target: Target): number {
  if (!target.budget) return Infinity;
  return target.budget.limit - new RequestBudget(target.budget.file, target.budget.limit).used;
}

export function replayCommand(seed: number, key: string): string {
  return `CONFORMANCE_SEED=${seed} npx playwright test --grep "${key}"`;
}

/** Runs the property with the plan's seed and bounds; never throws for a failing case (the outcome says). */
export async function runGenerated<T>(
  api: StorageConnectionsClient,
  target: Target,
  property: GeneratedProperty<T>,
  plan: Plan,
): Promise<Outcome> {
  const outcome: Outcome = { cases: 0, requests: 0, shrinkRequests: 0, shrinks: 0, observations: new Map() };
  const started = Date.now();
  let shrinkingSince: number | undefined;
  let last: { value: T; failure: CaseFailure; sent?: { body: string | undefined; response: ApiResponse } } | undefined;

  const predicate = async (value: T): Promise<boolean> => {
    const shrinking = shrinkingSince !== undefined;
    const spent = shrinking ? outcome.shrinkRequests : outcome.requests;
    if (!shrinking) {
      if (spent + REQUESTS_PER_CASE > plan.maxRequests)
        outcome.stopped ??= `the property's bound of ${plan.maxRequests} requests was reached`;
      else if (Date.now() - started > plan.runMs) outcome.stopped ??= `the property's time bound of ${plan.runMs / 1000} s was reached`;
      else if (budgetLeft(target) < REQUESTS_PER_CASE + BUDGET_RESERVE)
        outcome.stopped ??= "the run's request budget (CONFORMANCE_REQUEST_BUDGET) left no room for more";
      if (outcome.stopped) return true;
    } else {
      if (spent + REQUESTS_PER_CASE > plan.maxShrinkRequests)
        outcome.shrinkStopped ??= `shrinking stopped at its bound of ${plan.maxShrinkRequests} requests`;
      else if (Date.now() - shrinkingSince! > plan.shrinkMs)
        outcome.shrinkStopped ??= `shrinking stopped at its bound of ${plan.shrinkMs / 1000} s`;
      else if (budgetLeft(target) < REQUESTS_PER_CASE + BUDGET_RESERVE)
        outcome.shrinkStopped ??= "shrinking stopped: the run's request budget left no room for more";
      // A case not run counts as passing, so fast-check keeps the smallest failure found so far.
      if (outcome.shrinkStopped) return true;
    }
    const number = shrinking ? ++outcome.shrinks : ++outcome.cases;
    const before = api.requestsSent;
    let sent: { body: string | undefined; response: ApiResponse } | undefined;
    const context: CaseContext = {
      sent: (body, response) => (sent = { body, response }),
      // Counted for the run's cases, not for shrink attempts.
      observe: what => {
        if (!shrinking) outcome.observations.set(what, (outcome.observations.get(what) ?? 0) + 1);
      },
    };
    const body = property.bodyOf(value);
    const title = `${shrinking ? `shrinking, attempt ${number}` : `generated case ${number}`}: PUT ${body === undefined ? '(no body)' : shorten(visible(body), 100)}`;
    try {
      await test.step(title, () => property.check(value, context), { box: true });
      return true;
    } catch (error) {
      const failure = error instanceof CaseFailure ? error : new CaseFailure(undefined, error);
      last = { value, failure, sent };
      shrinkingSince ??= Date.now();
      throw failure;
    } finally {
      const used = api.requestsSent - before;
      if (shrinking) outcome.shrinkRequests += used;
      else outcome.requests += used;
    }
  };

  const details = await fc.check(fc.asyncProperty(property.arbitrary, predicate), { seed: plan.seed, numRuns: plan.cases });
  if (details.failed && last) {
    const { failure, sent } = last;
    outcome.counterexample = {
      clause: failure.clause,
      url: sent?.response.url,
      body: sent?.body ?? property.bodyOf(last.value),
      response: sent && { status: sent.response.status, body: redactText(capForReport(sent.response.text, 4000)) },
      error: redactText(stripColours(failure.message)),
      seed: details.seed,
      path: details.counterexamplePath ?? '',
      shrinks: details.numShrinks,
      replay: replayCommand(details.seed, property.key),
    };
  } else if (details.failed) {
    // fast-check failed outside a case (say, a generator threw): report it as it is.
    outcome.counterexample = {
      error: redactText(stripColours(String((details.errorInstance as Error | null)?.message ?? details.errorInstance))),
      seed: details.seed,
      path: details.counterexamplePath ?? '',
      shrinks: details.numShrinks,
      replay: replayCommand(details.seed, property.key),
    };
  }
  return outcome;
}
