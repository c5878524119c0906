// The report check finds a browser the usual ways (override, Playwright's own Chromium, a system
// Chrome or Chromium, PATH) and, with none, fails with one line naming the step to run. The lookup is
// tried against fake filesystems (e2e/browser-launch.spec.ts launches what this machine really has).
import { test, expect } from '../fixtures';
import { findBrowser, INSTALL_STEP, OVERRIDE_VAR, type FindBrowserOptions } from '../helpers/browser';

const PLAYWRIGHT = '/home/u/.cache/ms-playwright/chromium-1255/chrome-linux64/chrome';
const MAC_CHROME = '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome';

// A filesystem holding exactly these files.
const only =
  (...files: string[]) =>
  (file: string) =>
    files.includes(file);
const linux = (options: FindBrowserOptions): FindBrowserOptions => ({
  platform: 'linux',
  env: { PATH: '/usr/local/bin:/usr/bin:/bin' },
  playwrightPath: () => PLAYWRIGHT,
  ...options,
});

test("Playwright's own Chromium wins when it is installed", () => {
  expect(findBrowser(linux({ exists: () => true }))).toEqual({ executablePath: PLAYWRIGHT, source: "Playwright's Chromium" });
});

test('a system Chrome at the macOS location is found on darwin', () => {
  expect(
    findBrowser({ platform: 'darwin', env: {}, playwrightPath: () => undefined, exists: only(MAC_CHROME, '/usr/bin/chromium') }),
  ).toEqual({ executablePath: MAC_CHROME, source: 'system Chrome' });
});

test('a system Chrome under ProgramFiles is found on win32', () => {
  const chrome = 'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe';
  expect(
    findBrowser({ platform: 'win32', env: { ProgramFiles: 'C:\\Program Files' }, playwrightPath: () => undefined, exists: only(chrome) }),
  ).toEqual({ executablePath: chrome, source: 'system Chrome' });
});

test("Debian's chromium is used on linux when there is nothing else", () => {
  expect(findBrowser(linux({ exists: only('/usr/bin/chromium') }))).toEqual({
    executablePath: '/usr/bin/chromium',
    source: "Debian's chromium",
  });
});

test('a chromium on PATH is found', () => {
  expect(findBrowser(linux({ env: { PATH: '/bin:/home/u/bin' }, exists: only('/home/u/bin/chromium-browser') }))).toEqual({
    executablePath: '/home/u/bin/chromium-browser',
    source: 'PATH',
  });
});

test(`${OVERRIDE_VAR} wins over everything else`, () => {
  expect(findBrowser(linux({ env: { [OVERRIDE_VAR]: '/opt/mine/chrome' }, exists: () => true }))).toEqual({
    executablePath: '/opt/mine/chrome',
    source: OVERRIDE_VAR,
  });
});

test(`${OVERRIDE_VAR} pointing at a missing file fails naming the variable`, () => {
  const find = () => findBrowser(linux({ env: { [OVERRIDE_VAR]: '/opt/missing/chrome' }, exists: only(PLAYWRIGHT, '/usr/bin/chromium') }));
  expect(find).toThrow(OVERRIDE_VAR);
  expect(find).toThrow('/opt/missing/chrome');
});

test('with no browser at all, the error is one line naming the install step', () => {
  for (const platform of ['linux', 'darwin', 'win32'] as const) {
    let message = '';
    try {
      findBrowser({
        platform,
        env: { PATH: '/usr/bin', ProgramFiles: 'C:\\Program Files' },
        playwrightPath: () => PLAYWRIGHT,
        exists: () => false,
      });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message, platform).toContain(`"${INSTALL_STEP}"`);
    expect(message.split('\n'), platform).toHaveLength(1);
  }
});
