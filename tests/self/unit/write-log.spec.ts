// The run's write log (support/checks/write-log.ts): a read may be a lagging view only of a state older
// than the last write and current within the read lag; the last write itself, or a state never
// written, is what the connection holds, so read-backs stop waiting for it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test, expect } from '@playwright/test';
import type { Exchange } from '../../../support/client/client';
import { mayBeLag, noteWrite } from '../../../support/checks/write-log';
import type { Target } from '../../../support/run/target';

const ORIGINAL = { displayName: 'original', authenticationType: 'User' as const };

function targetWithLog(readLagMs = 3000): Target {
  const writesFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'writes-')), 'writes');
  return { connectionId: 'c1', readLagMs, original: ORIGINAL, writesFile } as unknown as Target;
}

const put = (connectionId: string, status: number, connection: object): Exchange =>
  ({ connectionId, method: 'PUT', response: { status, json: { connection } } }) as unknown as Exchange;

test('before any write nothing read is lag; after one, only the state before it is', () => {
  const target = targetWithLog();
  expect(mayBeLag(target, ORIGINAL)).toBe(false);
  noteWrite(target, put('c1', 200, { displayName: 'renamed', authenticationType: 'User' as const }));
  expect(mayBeLag(target, ORIGINAL), 'the state before the write, within the lag').toBe(true);
  expect(mayBeLag(target, { displayName: 'renamed', authenticationType: 'User' as const }), 'the write itself: no lag').toBe(false);
  expect(mayBeLag(target, { displayName: 'r?named', authenticationType: 'User' as const }), 'a state never written: no lag').toBe(false);
});

test('only 200s to PUTs of the connection under test are writes', () => {
  const target = targetWithLog();
  noteWrite(target, put('c1', 422, { displayName: 'refused', authenticationType: 'User' as const }));
  noteWrite(target, put('other', 200, { displayName: 'elsewhere', authenticationType: 'User' as const }));
  expect(fs.existsSync(target.writesFile!)).toBe(false);
  noteWrite(target, put('c1', 200, { displayName: 'a', authenticationType: 'User' as const }));
  noteWrite(target, put('c1', 200, ORIGINAL));
  // A restore after a rename: a lagging replica may still show the rename.
  expect(mayBeLag(target, { displayName: 'a', authenticationType: 'User' as const })).toBe(true);
  expect(mayBeLag(target, ORIGINAL)).toBe(false);
});

test('past the read lag, an old state is no lag any more', () => {
  const target = targetWithLog(0);
  noteWrite(target, put('c1', 200, { displayName: 'renamed', authenticationType: 'User' as const }));
  expect(mayBeLag(target, ORIGINAL)).toBe(false);
});
