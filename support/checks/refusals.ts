// Refused requests sent at once. A request the server must refuse (401, 404, 422) changes nothing when
// the server is right, so the refusals of a spec file cannot disturb each other: they are sent together
// (at most CONFORMANCE_CONCURRENCY at a time, within the run's pace), and the connection is read back
// ONCE after them instead of after each. If that read shows a change, each request is replayed alone,
// with a read after it, so the verdict still says which request changed what. Each check then sends
// its requests as it always did and is given the answers that came back (client/answers.ts): it judges
// them, and its state, as if it had sent them itself. The answers are kept in the run's folder, so a
// worker started after a failure does not send them again. A batch that cannot be verified (a read
// that fails, a request with no answer, the budget spent) is abandoned: its checks send their requests
// themselves, one at a time, as before.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { test } from '@playwright/test';
import { requestSignature, type AnswerSentAhead, type AnswersSentAhead } from '../client/answers';
import { encodeBody, type ApiResponse, type Method } from '../client/http';
import type { Exchange, SendOptions, StorageConnectionsClient } from '../client/client';
import { connectionIn, mutableState, sameState, writeBackBody, type Connection } from '../contract/connection';
import { redactText } from '../report/redact';
import type { Target } from '../run/target';
import { pollReads, readRequest } from './state';
import { noteWrite } from './write-log';

/** One refused request of a batch, as its check sends it. */
export interface Refusal {
  connectionId: string;
  body: unknown;
  options?: SendOptions;
}

interface Entry {
  /** A hash of the request's signature: the file keeps no token a signature may hold. */
  key: string;
  exchanges: Exchange[];
  response: ApiResponse;
  /** The connection as read after this request: after the whole batch, or after it alone when the batch changed it. */
  stateAfter: Connection;
}

interface Sent {
  note: string;
  entries: Entry[];
}

type Outcome = Sent | { abandoned: string };

const keyOf = (signature: string) => crypto.createHash('sha256').update(signature).digest('hex');
const fileNameOf = (name: string) => `${name.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}.json`;

/**
 * Reads the connection, quietly: until it shows its original state (pollReads: a write before may still
 * be on its way out of a lagging replica), or just `once`; undefined: it could not be read.
 */
async function readQuietly(client: StorageConnectionsClient, target: Target, once = false): Promise<Connection | undefined> {
  const read = async () => {
    const response = await readRequest(client, target);
    return response.status === 200 ? connectionIn(response.json) : undefined;
  };
  return once ? read() : (await pollReads(target, read, connection => sameState(connection, target.original))).connection;
}

/** Puts the original state back, quietly, and reads until it shows; false when the server would not take it. */
async function putBack(client: StorageConnectionsClient, target: Target): Promise<boolean> {
  await client.update(target.connectionId, writeBackBody(target.original), { outsideBudget: true });
  const read = await readQuietly(client, target);
  return !!read && sameState(read, target.original);
}

export class RefusalBatch {
  private outcome?: Promise<Outcome>;

  constructor(
    /** The batch's name in the report: the response path of the spec file. */
    readonly name: string,
    /** The requests of the file's checks, exactly as they send them (the run's token, for those that carry it elsewhere). */
    private readonly requests: (target: Target, token: string) => Refusal[],
  ) {}

  /** The answers for one check, sending the batch first if no check of this run has; undefined: send live. */
  async answersFor(client: StorageConnectionsClient, target: Target): Promise<TestAnswers | undefined> {
    if (target.profile || target.unreadable || !target.sentAheadDir) return undefined;
    const file = path.join(target.sentAheadDir, fileNameOf(this.name));
    this.outcome ??= fs.existsSync(file)
      ? Promise.resolve(JSON.parse(fs.readFileSync(file, 'utf8')) as Outcome)
      : test
          .step(
            `send the refused requests of "${this.name}" at once, then read the connection back once`,
            () => this.send(client, target),
            { box: true },
          )
          .then(outcome => {
            fs.mkdirSync(path.dirname(file), { recursive: true });
            fs.writeFileSync(file, redactText(JSON.stringify(outcome)), { mode: 0o600 });
            return outcome;
          });
    const outcome = await this.outcome;
    if ('abandoned' in outcome) {
      test.info().annotations.push({ type: 'sent ahead', description: `not sent ahead: ${outcome.abandoned}` });
      return undefined;
    }
    return new TestAnswers(outcome, target);
  }

  private async send(sender: StorageConnectionsClient, target: Target): Promise<Outcome> {
    // Every write of the batch (an accepted answer, a put-back) goes in the run's write log.
    const client = sender.withHooks({ exchange: exchange => noteWrite(target, exchange) });
    try {
      const requests = this.requests(target, await client.options.token());
      if (requests.length === 0) return { note: 'no requests to send ahead', entries: [] };
      const sendOne = async ({ connectionId, body, options = {} }: Refusal): Promise<Omit<Entry, 'stateAfter'>> => {
        const exchanges: Exchange[] = [];
        const capturing = sender.withHooks({
          exchange: exchange => {
            noteWrite(target, exchange);
            exchanges.push(exchange);
          },
        });
        const response = await capturing.update(connectionId, body, options);
        const key = keyOf(requestSignature('PUT', connectionId, encodeBody(body).data, options));
        // The bytes sent (sentData) are what the report shows; the body as a value (a symbol, a RawBody) stays out of the file.
        return { key, exchanges: exchanges.map(exchange => ({ ...exchange, sentBody: undefined })), response };
      };
      const sent = await Promise.all(requests.map(sendOne));
      const read = await readQuietly(client, target);
      if (!read) return { abandoned: 'the connection could not be read back after them' };
      const at = `${requests.length} refused requests sent at once (at most ${target.pace.concurrency} in flight)`;
      // An answer that took a request (a 200, where the document leaves the choice open) may have been undone by another:
      // only a batch of refusals is judged by one read.
      const accepted = sent.filter(e => e.response.status === 200).length;
      if (!accepted && sameState(read, target.original))
        return { note: `${at}; the connection read back once after them: unchanged`, entries: sent.map(e => ({ ...e, stateAfter: read })) };
      // Something changed it: replay each request alone from the original state (read until it shows), with
      // one read after it, to say which. A change then is the request's own: the state before it was read as original.
      const entries: Entry[] = [];
      let current = read;
      // Its answer is the replay's: what a request sent alone gets (an accepted one's echo depends on those before it).
      for (const request of requests) {
        if (!sameState(current, target.original) && !(await putBack(client, target)))
          return { abandoned: 'the original state could not be put back between replays' };
        const entry = await sendOne(request);
        const after = await readQuietly(client, target, true);
        if (!after) return { abandoned: 'the connection could not be read back after a replay' };
        entries.push({ ...entry, stateAfter: after });
        current = after;
      }
      if (!sameState(current, target.original) && !(await putBack(client, target)))
        return { abandoned: 'the original state could not be put back after the replays' };
      const changed = entries.filter(e => !sameState(e.stateAfter, target.original)).length;
      return {
        note: `${at}; ${accepted ? `${accepted} of them were accepted` : `the connection read back after them had changed (${JSON.stringify(mutableState(read))})`}, so each was replayed alone and read back: ${changed} changed it`,
        entries,
      };
    } catch (error) {
      // No answer, or the budget spent: the checks send their own, and the fixture restores after each.
      await putBack(client, target).catch(() => false);
      return { abandoned: `a request failed (${(error as Error).message.split('\n')[0]})` };
    }
  }
}

/** The answers of one check: those it takes, and whether it sent any request of its own to the connection. */
export class TestAnswers implements AnswersSentAhead<Exchange> {
  readonly taken: Entry[] = [];
  private sentOwn = false;

  constructor(
    private readonly sent: Sent,
    private readonly target: Target,
  ) {}

  get note(): string {
    return this.sent.note;
  }

  take(signature: string): AnswerSentAhead<Exchange> | undefined {
    const key = keyOf(signature);
    const entry = this.sent.entries.find(e => e.key === key && !this.taken.includes(e));
    if (!entry) return undefined;
    this.taken.push(entry);
    return { exchanges: entry.exchanges.map(e => ({ ...e, sentAhead: this.sent.note })), response: entry.response };
  }

  sentNow(method: Method, connectionId: string): void {
    if (method === 'PUT' && connectionId === this.target.connectionId) this.sentOwn = true;
  }

  /** The connection as read after the request that got this answer (the same object take() gave), if it was sent ahead. */
  stateAfterAnswer(response: ApiResponse): Connection | undefined {
    return this.taken.find(e => e.response === response)?.stateAfter;
  }

  /**
   * The connection after this check's requests, known without a read: the first state one of them left
   * that is not the original, else the original. Undefined when it sent one of its own, or took none.
   */
  stateAfter(): Connection | undefined {
    if (this.sentOwn || this.taken.length === 0) return undefined;
    return this.taken.find(e => !sameState(e.stateAfter, this.target.original))?.stateAfter ?? this.taken[0]!.stateAfter;
  }
}

/** A mark of this run for the values a refusal carries: the same in the batch and in its check (the run's seed). */
export const runStamp = (target: Target): string => ((target.seed ?? 0) >>> 0).toString(36);
