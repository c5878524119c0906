// A circuit breaker over the transport, shared by every process of a run through a file: each request
// that fails in transit (no answer within the deadline, a connection refused or reset) appends its
// time, each answer empties the file. After `threshold` failures in a row the target counts as
// unresponsive: the remaining checks are skipped with that reason, and teardown restores under a short deadline.
import fs from 'node:fs';

export class TransportBreaker {
  constructor(
    readonly file: string,
    readonly threshold: number,
  ) {}

  static create(file: string, threshold: number): TransportBreaker {
    fs.writeFileSync(file, '');
    return new TransportBreaker(file, threshold);
  }

  failed(at = Date.now()): void {
    fs.appendFileSync(this.file, `${at}\n`);
  }

  answered(): void {
    if (fs.statSync(this.file).size > 0) fs.writeFileSync(this.file, '');
  }

  /** Transport failures in a row so far. */
  get failures(): number {
    return fs.readFileSync(this.file, 'utf8').split('\n').filter(Boolean).length;
  }

  /** When the target stopped answering and after how many failures, once the threshold is reached. */
  get open(): { since: string; failures: number } | undefined {
    const times = fs.readFileSync(this.file, 'utf8').split('\n').filter(Boolean).map(Number);
    if (times.length < this.threshold) return undefined;
    return { since: new Date(times[0]!).toISOString(), failures: times.length };
  }
}
