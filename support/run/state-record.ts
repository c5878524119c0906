// Nothing lost: before the first change to a live connection, its original state is written to a
// record file; teardown removes the record once the connection is restored. A record found at the
// start of a run means the last run against that connection never finished (Ctrl-C, a killed
// process): the run restores the recorded state first and treats it as the original.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from '../report/paths';
import type { MutableState } from '../contract/connection';

export interface StateRecord {
  baseUrl: string;
  connectionId: string;
  original: MutableState;
  startedAt: string;
  /** The run that wrote it: a record of a run still alive on this host means "in use", not "unfinished". */
  pid: number;
  host: string;
}

export function recordFileOf(baseUrl: string, connectionId: string): string {
  return recordFile(baseUrl, connectionId);
}

/** Whether the record's run is still going (on this host; another host's run cannot be asked). */
export function isRunning(record: StateRecord): boolean {
  if (record.host !== os.hostname() || record.pid === process.pid) return false;
  try {
    process.kill(record.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
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

/**
 * Writes the record, replacing a stale one only if it is still the one this run read: linking the
 * complete temporary file into place fails if another run's record appeared meanwhile, so two runs
 * never both hold the connection.
 */
export function writeRecord(record: StateRecord, replacing?: StateRecord): string {
  const file = recordFile(record.baseUrl, record.connectionId);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, JSON.stringify(record, null, 2) + '\n');
  try {
    if (replacing && readRecord(record.baseUrl, record.connectionId)?.startedAt === replacing.startedAt) fs.rmSync(file, { force: true });
    fs.linkSync(temporary, file);
  } finally {
    fs.rmSync(temporary, { force: true });
  }
  return file;
}

export function removeRecord(baseUrl: string, connectionId: string): void {
  fs.rmSync(recordFile(baseUrl, connectionId), { force: true });
}
