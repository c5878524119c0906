// What the 429 probe sends, and how its report page reads: each trial is ONE step, whose requests go
// through a quiet client (quiet.ts) and are summarised in one table attached to it: the requests sent,
// the statuses counted, the first 429 in full (credentials redacted, body capped), and each wait with
// its outcome. The answers are still all judged, each distinct one once (see judgeAll).
import { test } from '@playwright/test';
import type { ApiResponse, Exchange, StorageConnectionsClient } from '../client/client';
import { parseJson, type Credentials } from '../client/http';
import { retryAfterSeconds, sleep } from '../client/throttle';
import { capForReport, capValueForReport } from '../report/body-cap';
import { redactHeaders, redactText, redactValue } from '../report/redact';
import { expect } from './matchers';
import { quietClient } from './quiet';
import { TargetTokens } from './target-tokens';
import type { Target } from '../run/target';
import { LOWEST_TIER_CLIENT_ID } from '../../mock/rate-limit';

/**
 * The credentials the probe bursts with. A rate limit is per client tier: on the embedded mock, a token
 * it issues to a client of its lowest tier (a few requests per window, reached on any machine however
 * busy), so that the run's own token keeps a limit the ordinary checks never reach; on a live target, the
 * run's own token, whose tier is the one under test.
 */
export async function probeCredentials(
  api: StorageConnectionsClient,
  target: Target,
): Promise<{ credentials: Credentials; source: string }> {
  const issued = await new TargetTokens(api, target).issuedByMock(
    { clientId: LOWEST_TIER_CLIENT_ID },
    "a client of the mock's lowest tier",
  );
  if ('skip' in issued) return { credentials: 'token', source: "the run's own token" };
  return { credentials: { authorization: `Bearer ${issued.token}` }, source: issued.source };
}

/** How a trial ended: throttled, then allowed again after the wait or not; or never throttled. */
export interface TrialOutcome {
  /** The first 429 of the burst; undefined when the bound was reached first. */
  throttled?: ApiResponse;
  /** The retry-after of that 429, in seconds. */
  seconds?: number;
  /** The first request after waiting retry-after was allowed (not 429). */
  allowedAfterWait?: boolean;
  /** Allowed again after honouring each following 429's retry-after (only asked when the first wait was not enough). */
  allowedEventually?: boolean;
}

interface Wait {
  seconds: number;
  status: number;
}

/**
 * What decides toBeDocumentedResponse's verdict (matchers.ts checkResponse): the status, retry-after,
 * content-type, the body and whether it was cut. Answers alike in all of these get the same verdict,
 * so the probe judges one of each kind: a handful of report steps for hundreds of answers.
 */
const kindOf = (r: ApiResponse) => JSON.stringify([r.status, r.headers['retry-after'], r.headers['content-type'], r.oversized, r.text]);

async function judgeAll(responses: readonly ApiResponse[], statuses: readonly number[], what: string): Promise<void> {
  const kinds = new Map<string, ApiResponse[]>();
  for (const response of responses) kinds.set(kindOf(response), [...(kinds.get(kindOf(response)) ?? []), response]);
  for (const [, alike] of kinds)
    await expect(alike[0]!, `${what}: ${alike.length} answered ${alike[0]!.status} alike`).toBeDocumentedResponse(statuses);
}

/** An exchange as the report may keep it: credentials redacted, the body capped (as recorder.ts attaches them). */
function inFull({ sentHeaders, sentData, response }: Exchange): { request: unknown; response: unknown } {
  const body = response.json !== undefined ? capValueForReport(redactValue(response.json)) : redactText(capForReport(response.text));
  const shown = {
    request: {
      method: response.method,
      url: response.url,
      headers: redactHeaders(sentHeaders),
      body: sentData === undefined ? undefined : redactValue(parseJson(sentData) ?? sentData),
    },
    response: { status: response.status, headers: redactHeaders(response.headers), body },
  };
  return shown;
}

export class RateLimitProbe {
  /** Requests sent so far, in every trial. */
  sent = 0;
  private readonly quiet: StorageConnectionsClient;
  private exchanges: Exchange[] = [];

  constructor(
    api: StorageConnectionsClient,
    private readonly send: (client: StorageConnectionsClient) => Promise<ApiResponse>,
    private readonly limits: { max: number; concurrency: number; maxWaits: number },
  ) {
    this.quiet = quietClient(api, exchange => this.exchanges.push(exchange));
  }

  /**
   * A burst until throttled (or the bound), then the wait of retry-after and what followed, with one table
   * attached; the check makes it one boxed step, so that a failure points at the check's own line.
   */
  async trial(trial: number): Promise<TrialOutcome> {
    this.exchanges = [];
    const waits: Wait[] = [];
    const outcome = await this.run(trial, waits);
    await test.info().attach(`trial ${trial}: requests, statuses, first 429, waits`, {
      body: this.table(trial, waits, outcome),
      contentType: 'text/markdown',
    });
    return outcome;
  }

  private async run(trial: number, waits: Wait[]): Promise<TrialOutcome> {
    const burst: ApiResponse[] = [];
    let throttled: ApiResponse | undefined;
    while (!throttled && this.sent < this.limits.max) {
      const batch = Math.min(this.limits.concurrency, this.limits.max - this.sent);
      this.sent += batch;
      const answers = await Promise.all(Array.from({ length: batch }, () => this.send(this.quiet)));
      burst.push(...answers);
      throttled = answers.find(answer => answer.status === 429);
    }
    await judgeAll(burst, [200, 429], 'every answer in the burst');
    if (!throttled) return {};
    await expect(throttled, `the 429 of trial ${trial}`).toBeDocumentedResponse(429);
    const seconds = retryAfterSeconds(throttled)!;
    let last = await this.waitAndSend(seconds, waits);
    await expect(last, `the first request after waiting retry-after (trial ${trial})`).toBeDocumentedResponse([200, 429]);
    if (last.status !== 429) return { throttled, seconds, allowedAfterWait: true };
    // Throttled again: another client's traffic, or a retry-after too short. Honour each one until allowed.
    for (let more = 0; more < this.limits.maxWaits && last.status === 429; more++)
      last = await this.waitAndSend(retryAfterSeconds(last)!, waits);
    await judgeAll([last], [200, 429], 'the last request after the waits');
    return { throttled, seconds, allowedAfterWait: false, allowedEventually: last.status !== 429 };
  }

  private async waitAndSend(seconds: number, waits: Wait[]): Promise<ApiResponse> {
    await sleep(seconds * 1000);
    this.sent++;
    const answer = await this.send(this.quiet);
    waits.push({ seconds, status: answer.status });
    return answer;
  }

  /**
   * The trial's table, as JSON (the report renders JSON whole, where its text and Markdown previews cut
   * long attachments short): requests, statuses counted, the first 429 in full, each wait with its outcome.
   */
  private table(trial: number, waits: Wait[], outcome: TrialOutcome): string {
    const burst = this.exchanges.slice(0, this.exchanges.length - waits.length);
    const statuses = new Map<number, { status: number | 'no answer'; answers: number; firstAsAnswer: number }>();
    burst.forEach(({ response }, i) => {
      const seen = statuses.get(response.status) ?? { status: response.status || 'no answer', answers: 0, firstAsAnswer: i + 1 };
      statuses.set(response.status, { ...seen, answers: seen.answers + 1 });
    });
    const first429 = burst.find(e => e.response.status === 429);
    const table = {
      trial,
      burst: { requests: burst.length, atOnce: this.limits.concurrency, bound: this.limits.max, sentInAllSoFar: this.sent },
      statuses: [...statuses.values()],
      first429: first429 ? { answer: burst.indexOf(first429) + 1, ...inFull(first429) } : 'no 429 in the burst',
      waits: waits.map((w, i) => ({
        wait: i + 1,
        retryAfter: `${w.seconds} s`,
        then: w.status === 429 ? '429: throttled again' : `${w.status}: allowed again`,
      })),
      ...(outcome.allowedEventually === false && { outcome: `still throttled after ${waits.length} waits` }),
    };
    return redactText(capForReport(JSON.stringify(table, null, 2)));
  }
}
