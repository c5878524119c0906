// The record of the connection's original state (support/run/state-record.ts), against a target given
// by URL as the nightly job runs against dev-api: the connection is restored after Ctrl-C by the run
// itself, and after a kill by the next run from the record written before the first change; a second
// run on a connection that a running run holds is refused before any request.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test, expect } from '../fixtures';
import { recordFileOf } from '../../../support/run/state-record';
import type { StorageConnectionMock, Behaviour } from '../../../mock/server';

/** Calls `onRename` once, when the mock has stored a displayName other than the seed's. */
function onFirstRename(onRename: () => void): Behaviour {
  let fired = false;
  return (request, next, context) => {
    const before = context.store.get(request.connectionId ?? '')?.displayName;
    const response = next();
    const after = context.store.get(request.connectionId ?? '')?.displayName;
    if (!fired && response.status === 200 && before !== after) {
      fired = true;
      onRename();
    }
    return response;
  };
}

test.describe('interrupted runs', () => {
  test('Ctrl-C mid-run: the run itself restores the connection', async ({ mock, conformanceRun }) => {
    let interrupt = () => {};
    mock.setBehaviour(onFirstRename(() => interrupt()));
    {
      const original = mock.connection();
      const run = await conformanceRun({
        name: 'sigint',
        against: mock,
        onStart: ({ signal }) => (interrupt = () => signal('SIGINT')),
      });
      expect(run.exitCode, run.output).not.toBe(0);
      expect(run.output).toMatch(/Teardown: the connection (was restored to|is in) its original state/);
      expect(mock.connection()).toEqual(original);
      expect(fs.readdirSync(path.join(run.reportsDir, 'state')), 'no record left').toEqual([]);
    }
  });

  test('a killed run: the next run restores the connection from the record', async ({ mock, conformanceRun }) => {
    let kill = () => {};
    mock.setBehaviour(onFirstRename(() => kill()));
    const stateDir = test.info().outputPath('state');
    {
      const original = mock.connection();
      const killed = await conformanceRun({
        name: 'killed',
        against: mock,
        env: { CONFORMANCE_STATE_DIR: stateDir },
        onStart: ({ signal }) => (kill = () => signal('SIGKILL')),
      });
      expect(killed.exitCode).not.toBe(0);
      expect(killed.output).toMatch(/Live target \S+: the plan of this run\n {2}connection +\S+: updated by the checks/);
      expect(mock.connection()?.displayName, 'the kill left the connection changed').not.toBe(original?.displayName);
      expect(fs.readdirSync(stateDir), 'the record of the original state').toHaveLength(1);

      mock.setBehaviour(undefined);
      const next = await conformanceRun({ name: 'next', against: mock, env: { CONFORMANCE_STATE_DIR: stateDir }, args: ['--grep', '404'] });
      expect(next.exitCode, next.output).toBe(0);
      expect(next.output).toMatch(/Recovered: the run of .+ did not finish; connection \S+ was restored to its recorded original state/);
      expect(mock.connection()).toEqual(original);
      expect(fs.readdirSync(stateDir), 'the record is removed once restored').toEqual([]);
    }
  });
});

test('a second run on a connection that a running run holds is refused before any request', async ({ mock, conformanceRun }) => {
  const stateDir = test.info().outputPath('state');
  {
    const first = await conformanceRun({ name: 'first', against: mock, env: { CONFORMANCE_STATE_DIR: stateDir }, args: ['--grep', '404'] });
    expect(first.exitCode, first.output).toBe(0);
    // Pretend the first run is still going: its record names a live process on this host (this one).
    const [name] = fs.readdirSync(stateDir);
    expect(name, 'no record is left by a finished run').toBeUndefined();
    const file = path.join(stateDir, 'held.json');
    const recordOf = (run: string) => ({
      baseUrl: mock.url,
      connectionId: mock.connectionId,
      original: {},
      startedAt: run,
      pid: process.pid,
      host: os.hostname(),
    });
    fs.writeFileSync(file, JSON.stringify(recordOf('2026-11-29T00:00:00.000Z')));
    fs.renameSync(file, path.join(stateDir, recordName(mock)));
    mock.reset();
    const second = await conformanceRun({
      name: 'second',
      against: mock,
      env: { CONFORMANCE_STATE_DIR: stateDir },
      args: ['--grep', '404'],
    });
    expect(second.exitCode).toBe(2);
    expect(second.output).toMatch(
      new RegExp(`Setup error: another run \\(pid ${process.pid}, started 2026-11-29T00:00:00.000Z\\) is using connection`),
    );
    expect(mock.requestCount.total, 'requests sent by the refused run').toBe(0);
  }
});

/** The record file name global setup uses for the mock's connection (support/state-record.ts). */
function recordName(mock: StorageConnectionMock): string {
  return path.basename(recordFileOf(mock.url, mock.connectionId));
}
