// Refused requests that write: the fixtures read the connection back after any refused PUT and restore
// it, so a leaked write fails the check that made the request and does not spill into the checks after it.
import { test, expect } from '../fixtures';

// A whole run in which every check that made a refused request fails, each failure restarting Playwright's worker: minutes on a busy machine.
test.describe.configure({ timeout: 240_000 });

// A server that writes before it refuses (401) or writes the valid part of a refused update (422)
// breaks the check that made the refused request, and only that one: the fixtures read the connection
// back after any refused PUT and restore it, so the write does not spill into the checks after it.
const leaks: [string, string[]][] = [
  ['auth-write-before-reject', ['@unauthorised-unchanged']],
  // The generated checks send refused requests too, and read the connection back after each.
  ['422-partial-write', ['@refused-unchanged', '@boundary', '@generated']],
];
for (const [behaviour, confinedTo] of leaks) {
  test(`a write leaked by a refused request (${behaviour}) fails only the checks that made one`, async ({ conformanceRun }) => {
    const run = await conformanceRun({ behaviour });
    const failing = run.tests.filter(t => t.status !== 'passed' && t.status !== 'skipped');
    expect(failing.length, run.output).toBeGreaterThan(0);
    expect(failing.filter(t => !t.tags.some(tag => confinedTo.includes(tag))).map(t => t.title)).toEqual([]);
  });
}
