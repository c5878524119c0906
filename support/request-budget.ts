// A bound on the requests one run sends to a shared, rate-limited environment, counted across every
// worker process of the run: each request appends one byte to a file, whose size is the count.
import fs from 'node:fs';

export class RequestBudgetExceeded extends Error {
  override name = 'RequestBudgetExceeded';
}

export class RequestBudget {
  constructor(readonly file: string, readonly limit: number) {}

  static create(file: string, limit: number): RequestBudget {
    fs.writeFileSync(file, '');
    return new RequestBudget(file, limit);
  }

  get used(): number {
    return fs.statSync(this.file).size;
  }

  /** Counts one request, or throws when the run has sent its budget already. */
  take(): void {
    if (this.used >= this.limit)
      throw new RequestBudgetExceeded(`the run's request budget of ${this.limit} is spent: raise CONFORMANCE_REQUEST_BUDGET if the target can take more.`);
    fs.appendFileSync(this.file, '.');
  }
}
