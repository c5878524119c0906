// Nothing lost: before the first change to a live connection, its original state is written to a
// record file; teardown removes the record once the connection is restored. A record found at the
// start of a run means the last run against that connection never finished (Ctrl-C, a killed
// process): the run restores the recorded state first and treats it as the original.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from './paths';
import type { Connection } from './target';

export interface StateRecord {
  baseUrl: string;
  connectionId: string;
  original: Pick<Connection, 'displayName' | 'authenticationType'>;
  startedAt: string;
  pid: number;
}

export function stateDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(PROJECT_ROOT, env.CONFORMANCE_STATE_DIR || '.conformance-state');
}

function recordFile(baseUrl: string, connectionId: string): string {
  const key = crypto.createHash('sha256').update(`${baseUrl} ${connectionId}`).digest('hex').slice(0, 16);
  return path.join(stateDir(), `${key}.json`);
}

export function readRecord(baseUrl: string, connectionId: string): StateRecord | undefined {
  const file = recordFile(baseUrl, connectionId);
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as StateRecord) : undefined;
}

export function writeRecord(record: StateRecord): string {
  const file = recordFile(record.baseUrl, record.connectionId);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  // Written whole, then renamed: a run killed while writing never leaves half a record.
  fs.writeFileSync(`${file}.tmp`, JSON.stringify(record, null, 2) + '\n');
  fs.renameSync(`${file}.tmp`, file);
  return file;
}

export function removeRecord(baseUrl: string, connectionId: string): void {
  fs.rmSync(recordFile(baseUrl, connectionId), { force: true });
}
