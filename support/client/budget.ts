// A bound on the requests one run sends to a shared, rate-limited environment, counted across every
// worker process of the run: each request appends one byte to a file, whose size is the count.
import fs from 'node:fs';

export class RequestBudgetExceeded extends Error {
  override name = 'RequestBudgetExceeded';
}

export class RequestBudget {
  constructor(
    readonly file: string,
    readonly limit: number,
  ) {}

  static create(file: string, limit: number): RequestBudget {
    fs.writeFileSync(file, '');
    return new RequestBudget(file, limit);
  }

  get used(): number {
    return fs.statSync(this.file).size;
  }

  get spent(): boolean {
    return this.used >= this.limit;
  }

  /** Requests or checks refused for want of budget: a run with any did not check everything. */
  get refusals(): number {
    return fs.existsSync(`${this.file}.refused`) ? fs.statSync(`${this.file}.refused`).size : 0;
  }

  /** True, and counted as a refusal, once the run has sent its budget. */
  refuseIfSpent(): boolean {
    if (!this.spent) return false;
    this.refuse();
    return true;
  }

  refuse(): void {
    fs.appendFileSync(`${this.file}.refused`, '.');
  }

  /** Counts one request, or throws when the run has sent its budget already. */
  take(): void {
    if (this.spent) {
      this.refuse();
      throw new RequestBudgetExceeded(
        `the run's request budget of ${this.limit} is spent: raise CONFORMANCE_REQUEST_BUDGET if the target can take more.`,
      );
    }
    fs.appendFileSync(this.file, '.');
  }
}
