// The states the run wrote to the connection under test, and when: every 200 answer to a PUT of it
// (an update, a restore, a write-back), as the answer echoed it, kept in a file of the run's own that
// every worker appends to. A replica that lags by up to the target's read lag can show only an OLDER
// state than the last write: the one current that long ago, or one written since. A read showing
// anything else (a state the run never wrote, or the last write as echoed) is no lag, and waiting the
// read lag for it to change would only make a failing check slow: read-backs stop polling then.
import fs from 'node:fs';
import type { Exchange } from '../client/client';
import { connectionIn, mutableState, sameState, type Connection, type MutableState } from '../contract/connection';
import type { Target } from '../run/target';

interface Write {
  at: number;
  state: MutableState;
}

/** Notes a write, if this exchange is one: a 200 to a PUT of the connection under test. */
export function noteWrite(target: Target, exchange: Exchange): void {
  if (!target.writesFile || exchange.method !== 'PUT' || exchange.response.status !== 200) return;
  if (exchange.connectionId !== target.connectionId) return;
  const state = mutableState(connectionIn(exchange.response.json));
  fs.appendFileSync(target.writesFile, `${JSON.stringify({ at: Date.now(), state } satisfies Write)}\n`);
}

function writesOf(file: string): Write[] {
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map(line => JSON.parse(line) as Write);
}

/**
 * Whether a read showing `read` now may be a lagging view: it is a state older than the run's last
 * write, current within the read lag. Without a log (a run that keeps none), any read may be.
 */
export function mayBeLag(target: Target, read: Connection): boolean {
  if (!target.writesFile) return true;
  const writes = writesOf(target.writesFile);
  const from = Date.now() - target.readLagMs;
  const before = writes.filter(write => write.at <= from).at(-1)?.state ?? mutableState(target.original);
  const since = writes.filter(write => write.at > from).map(write => write.state);
  // The last write is what a read should come to show; the states before it are what a lagging one may show.
  const last = since.at(-1);
  if (!last || sameState(read, last)) return false;
  return [before, ...since.slice(0, -1)].some(state => sameState(read, state));
}
