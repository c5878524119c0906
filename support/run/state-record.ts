// Nothing lost: before the first change to a live connection, its original state is written to a
// record file; teardown removes the record once the connection is restored. A record found at the
// start of a run means the last run against that connection never finished (Ctrl-C, a killed
// process): the run restores the recorded state first and treats it as the original. A record of a
// run still going on this host means the connection is in use: the run stops before its first request.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from '../report/paths';
import type { StorageConnectionsClient } from '../client/client';
import { mutableState, type Connection, type MutableState } from '../contract/connection';
import { DEFAULTS } from './config-defaults';
import { restore, SetupError } from './original-state';
import type { ReadMethod } from './target';

export interface StateRecord {
  baseUrl: string;
  connectionId: string;
  original: MutableState;
  startedAt: string;
  /** The run that wrote it: a record of a run still alive on this host means "in use", not "unfinished". */
  pid: number;
  host: string;
}

/** The record of one connection of one target, in the run's state folder (CONFORMANCE_STATE_DIR). */
export function recordFileOf(baseUrl: string, connectionId: string, stateDir = path.resolve(PROJECT_ROOT, DEFAULTS.stateDir)): string {
  const key = crypto.createHash('sha256').update(`${baseUrl} ${connectionId}`).digest('hex').slice(0, 16);
  return path.join(stateDir, `${key}.json`);
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

export function readRecord(file: string): StateRecord | undefined {
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as StateRecord) : undefined;
}

/**
 * Writes the record, replacing a stale one only if it is still the one this run read: linking the
 * complete temporary file into place fails if another run's record appeared meanwhile, so two runs
 * never both hold the connection.
 */
export function writeRecord(file: string, record: StateRecord, replacing?: StateRecord): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, JSON.stringify(record, null, 2) + '\n');
  try {
    if (replacing && readRecord(file)?.startedAt === replacing.startedAt) fs.rmSync(file, { force: true });
    fs.linkSync(temporary, file);
  } finally {
    fs.rmSync(temporary, { force: true });
  }
  return file;
}

export function removeRecord(file: string): void {
  fs.rmSync(file, { force: true });
}

/** On a live target, before the first request: the record a run left, if any; a connection a running run holds stops this one. */
export function heldRecord(file: string, connectionId: string): StateRecord | undefined {
  const record = readRecord(file);
  if (record && isRunning(record))
    throw new SetupError(
      `another run (pid ${record.pid}, started ${record.startedAt}) is using connection ${connectionId}: wait for it to finish, or stop it and run again.`,
    );
  return record;
}

/** Puts back the state a run that never finished recorded; that state is then the original. */
export async function recover(
  client: StorageConnectionsClient,
  readMethod: ReadMethod,
  record: StateRecord,
  found: Connection,
): Promise<Connection> {
  const outcome = await restore(client, record.connectionId, readMethod, record.original);
  console.log(
    `Recovered: the run of ${record.startedAt} did not finish; connection ${record.connectionId} ${outcome === 'restored' ? 'was restored to' : 'already had'} its recorded original state.`,
  );
  return { ...found, ...record.original };
}

/** Writes the record of the original state before the first change (live targets only), and says what it holds. */
export function recordOriginal(
  file: string,
  where: { baseUrl: string; connectionId: string },
  original: Connection,
  replacing: StateRecord | undefined,
): void {
  const { baseUrl, connectionId } = where;
  const record = {
    baseUrl,
    connectionId,
    original: mutableState(original),
    startedAt: new Date().toISOString(),
    pid: process.pid,
    host: os.hostname(),
  };
  try {
    writeRecord(file, record, replacing);
  } catch {
    throw new SetupError(`another run started on connection ${connectionId} at the same time: wait for it to finish, then run again.`);
  }
  console.log(`Original state of connection ${connectionId}: ${JSON.stringify(mutableState(original))}.`);
}
