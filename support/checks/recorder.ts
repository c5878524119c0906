// The report layer the fixtures put around the plain client: each request (with its retries) is a
// step, each exchange attaches its request and response with credentials redacted, and each wait
// on a 429 is a step and a `throttled` annotation, after checking that the 429 keeps the contract (a
// wait on a 503, a `service unavailable` one).
import { test, type TestInfo } from '@playwright/test';
import type { ClientHooks, Exchange } from '../client/client';
import { THROTTLED_ANNOTATION, UNAVAILABLE_ANNOTATION } from '../contract/annotations';
import { parseJson } from '../client/http';
import { noteFailureKind } from '../report/failure-kind';
import { capForReport, capValueForReport } from '../report/body-cap';
import { redactHeaders, redactText, redactValue } from '../report/redact';
import { expect } from './matchers';
import { quietSummary } from './quiet';

/** A JSON request body as a value (readable in the report), or as text when it is not JSON. */
function readable(text: string): unknown {
  const parsed = parseJson(text);
  return parsed !== undefined ? redactValue(parsed) : redactText(text);
}

async function attachExchange(testInfo: TestInfo, { sentHeaders, sentData, response }: Exchange): Promise<void> {
  if (response.status === 0) return;
  const request = {
    method: response.method,
    url: response.url,
    headers: redactHeaders(sentHeaders),
    body: sentData === undefined ? undefined : readable(sentData),
  };
  const received = {
    status: response.status,
    headers: redactHeaders(response.headers),
    body: response.json !== undefined ? capValueForReport(redactValue(response.json)) : redactText(capForReport(response.text)),
  };
  // Field names catch most secrets; the text pass catches them wherever else a server echoed them.
  // Capped: a report keeps at most 64 KB of a body (report/body-cap.ts), redacted like the rest.
  await testInfo.attach(`request ${response.method}`, {
    body: redactText(capForReport(JSON.stringify(request, null, 2))),
    contentType: 'application/json',
  });
  await testInfo.attach(`response ${response.status}`, {
    body: redactText(capForReport(JSON.stringify(received, null, 2))),
    contentType: 'application/json',
  });
}

export function recordingHooks(testInfo: TestInfo, observe: (exchange: Exchange) => void): ClientHooks {
  return {
    around: (title, send) => test.step(title, send, { box: true }),
    exchange: async exchange => {
      observe(exchange);
      if (exchange.response.status === 0) noteFailureKind(testInfo, 'Transport failure');
      // Sent through a quiet client (quiet.ts): summarised by its sender, not attached one by one.
      const summarise = quietSummary();
      if (summarise) summarise(exchange);
      else await attachExchange(testInfo, exchange);
    },
    wait: async (seconds, answer, waited) => {
      // Sent ahead (support/checks/refusals.ts): the wait is over, so the step only records it.
      const waitOut = (title: string) =>
        test.step(
          waited ? `${title} (waited when sent ahead)` : title,
          () => new Promise<void>(resolve => setTimeout(resolve, waited ? 0 : seconds * 1000)),
        );
      // A 503 with retry-after is a gateway's "come back later" (support/client/throttle.ts): it has no
      // body the document describes, so it is recorded and waited out; one that persists is judged then.
      if (answer.status === 503) {
        testInfo.annotations.push({
          type: UNAVAILABLE_ANNOTATION,
          description: `503 on ${answer.method}; waited retry-after ${seconds} s and retried`,
        });
        return waitOut(`service unavailable (503): waiting retry-after ${seconds} s`);
      }
      // A 429 met outside the probe must keep the contract too, before its retry-after is trusted.
      await expect(answer, 'a 429 met by an ordinary check').toBeDocumentedResponse(429);
      testInfo.annotations.push({
        type: THROTTLED_ANNOTATION,
        description: `429 on ${answer.method}; waited retry-after ${seconds} s and retried`,
      });
      await waitOut(`throttled (429): waiting retry-after ${seconds} s`);
    },
  };
}
