// The run's pace (support/client/pacer.ts): at most N requests start in any minute, counted through
// the run's file (so a second Pacer on the same file, as a restarted worker would have, knows the
// first one's starts), and at most C in flight at once. Time is a clock of the test's own where the
// rate is judged, so nothing depends on the machine's speed.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test, expect } from '@playwright/test';
import { Pacer } from '../../../support/client/pacer';

const fileOf = () => path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'pacer-')), 'pace');

test('at most `concurrency` requests are in flight at once', async () => {
  const pacer = Pacer.create({ file: fileOf(), perMinute: 1000, concurrency: 3 });
  let inFlight = 0;
  let most = 0;
  const send = async () => {
    inFlight++;
    most = Math.max(most, inFlight);
    await new Promise(resolve => setTimeout(resolve, 5));
    inFlight--;
  };
  await Promise.all(Array.from({ length: 20 }, () => pacer.run(send)));
  expect(most).toBe(3);
  expect(pacer.started).toBe(20);
});

test('a request past the rate waits until the oldest of the last N is a minute old, across pacers on one file', async () => {
  const file = fileOf();
  let now = 1_000_000;
  const first = new Pacer({ file, perMinute: 5, concurrency: 5 }, () => now);
  fs.writeFileSync(file, '');
  await Promise.all(Array.from({ length: 5 }, () => first.run(async () => undefined)));
  expect(first.waited.requests).toBe(0);
  // Another process of the same run (a worker started after a failure): the same file, the same minute.
  now += 59_990;
  const second = new Pacer({ file, perMinute: 5, concurrency: 5 }, () => now);
  const sent = second.run(async () => 'sent');
  await expect(sent).resolves.toBe('sent');
  expect(second.waited.requests).toBe(1);
  expect(second.waited.ms).toBe(10);
  // A minute after the fifth-last start, no wait.
  now += 60_000;
  await second.run(async () => undefined);
  expect(second.waited.requests).toBe(1);
  expect(second.started).toBe(7);
});

test('a failed request frees its slot and its start still counts', async () => {
  const pacer = Pacer.create({ file: fileOf(), perMinute: 100, concurrency: 1 });
  await expect(pacer.run(() => Promise.reject(new Error('no answer')))).rejects.toThrow('no answer');
  await expect(pacer.run(async () => 'next')).resolves.toBe('next');
  expect(pacer.started).toBe(2);
});
