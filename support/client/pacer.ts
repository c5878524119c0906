// Paces the run's requests to what a live tier allows: at most `perMinute` requests start in any 60
// seconds, and at most `concurrency` are in flight at once in a process. The minute is counted through a
// file of the run's own, one fixed-width timestamp per request, which global setup, every worker
// (Playwright starts a new one after a failure) and teardown share; a request that would go past the
// rate waits for the oldest of the last `perMinute` to be a minute old. The 429 probe, whose job is to
// go past the target's limit, sends outside the pace (SendOptions.unpaced).
import fs from 'node:fs';

/** One record: the start of a request, epoch ms, 13 digits and a newline. */
const RECORD = 14;
const MINUTE_MS = 60_000;

export interface PaceSettings {
  file: string;
  perMinute: number;
  concurrency: number;
}

export class Pacer {
  private inFlight = 0;
  private readonly queue: (() => void)[] = [];
  /** Taking a start is one step at a time in this process: read the window, wait, record. */
  private starts: Promise<void> = Promise.resolve();
  /** Requests that waited for the rate, and how long in all (ms). */
  readonly waited = { requests: 0, ms: 0 };

  constructor(
    readonly settings: PaceSettings,
    private readonly now = () => Date.now(),
  ) {}

  static create(settings: PaceSettings): Pacer {
    fs.writeFileSync(settings.file, '');
    return new Pacer(settings);
  }

  /** Requests started so far in the run. */
  get started(): number {
    return fs.existsSync(this.settings.file) ? Math.floor(fs.statSync(this.settings.file).size / RECORD) : 0;
  }

  /** Sends within the pace: a slot among the concurrent ones, then a start within the rate. */
  async run<T>(send: () => Promise<T>): Promise<T> {
    await this.slot();
    try {
      await this.start();
      return await send();
    } finally {
      this.release();
    }
  }

  private slot(): Promise<void> {
    if (this.inFlight < this.settings.concurrency) {
      this.inFlight++;
      return Promise.resolve();
    }
    return new Promise(resolve => this.queue.push(resolve));
  }

  private release(): void {
    const next = this.queue.shift();
    if (next) next();
    else this.inFlight--;
  }

  private start(): Promise<void> {
    const taken = this.starts.then(() => this.takeStart());
    this.starts = taken.catch(() => undefined);
    return taken;
  }

  /** Waits until a request may start without `perMinute` others in the last minute, then records it. */
  private async takeStart(): Promise<void> {
    const { file, perMinute } = this.settings;
    const count = this.started;
    if (count >= perMinute) {
      const oldest = this.recordAt(file, count - perMinute);
      const waitMs = oldest + MINUTE_MS - this.now();
      if (waitMs > 0) {
        this.waited.requests++;
        this.waited.ms += waitMs;
        await new Promise(resolve => setTimeout(resolve, waitMs));
      }
    }
    fs.appendFileSync(file, `${String(this.now()).padStart(RECORD - 1, '0')}\n`);
  }

  private recordAt(file: string, index: number): number {
    const buffer = Buffer.alloc(RECORD - 1);
    const fd = fs.openSync(file, 'r');
    try {
      fs.readSync(fd, buffer, 0, RECORD - 1, index * RECORD);
    } finally {
      fs.closeSync(fd);
    }
    return Number(buffer.toString('utf8'));
  }
}
