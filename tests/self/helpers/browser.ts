// Finds a Chromium-based browser for the report check and launches it headless with playwright-core.
// Looked for in order, first found wins: $CONFORMANCE_BROWSER; Playwright's own Chromium
// (`npx playwright install chromium`); a system Chrome, Chromium or Edge at its standard install
// location (Debian's /usr/bin/chromium among them); chromium / google-chrome on PATH. With none, the
// error is one line naming the step to run. findBrowser takes a fake filesystem for the unit tests.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from '@playwright/test';
import { chromium, type Browser, type Page } from 'playwright-core';

export const OVERRIDE_VAR = 'CONFORMANCE_BROWSER';
export const INSTALL_STEP = 'npx playwright install chromium';
export const NOT_FOUND = `No Chromium-based browser found for the report check: run "${INSTALL_STEP}" (or install Google Chrome, or set ${OVERRIDE_VAR} to a browser executable).`;

export interface FoundBrowser {
  executablePath: string;
  source: string;
}
export interface FindBrowserOptions {
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  exists?: (file: string) => boolean;
  playwrightPath?: () => string | undefined;
}

type Candidate = [file: string, source: string];

function isExecutableFile(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function playwrightChromium(): string | undefined {
  try {
    return chromium.executablePath(); // a path even when not installed: the caller checks it exists
  } catch {
    return undefined;
  }
}

// Windows spells these ProgramFiles, ProgramFiles(x86), LOCALAPPDATA: look them up in any case.
function envValue(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const key = Object.keys(env).find(k => k.toUpperCase() === name.toUpperCase());
  return key === undefined ? undefined : env[key] || undefined;
}

// The standard install locations of Chrome, Chromium and Edge (Playwright's 'chrome', 'chrome-beta'
// and 'msedge' channels among them), then the usual names on PATH, in the order they are tried.
export function systemCandidates(platform: NodeJS.Platform, env: NodeJS.ProcessEnv): Candidate[] {
  if (platform === 'darwin') {
    const app = (name: string, source: string): Candidate => [`/Applications/${name}.app/Contents/MacOS/${name}`, source];
    return [
      app('Google Chrome', 'system Chrome'),
      app('Google Chrome Beta', 'system Chrome'),
      app('Chromium', 'system Chromium'),
      app('Microsoft Edge', 'system Edge'),
    ];
  }
  if (platform === 'win32') {
    const roots = ['PROGRAMFILES', 'PROGRAMFILES(X86)', 'LOCALAPPDATA']
      .map(name => envValue(env, name))
      .filter((root): root is string => !!root);
    const under = (rel: string, source: string): Candidate[] => roots.map(root => [path.win32.join(root, rel), source]);
    return [
      ...under('Google\\Chrome\\Application\\chrome.exe', 'system Chrome'),
      ...under('Google\\Chrome Beta\\Application\\chrome.exe', 'system Chrome'),
      ...under('Microsoft\\Edge\\Application\\msedge.exe', 'system Edge'),
    ];
  }
  const onPath = (envValue(env, 'PATH') ?? '')
    .split(path.posix.delimiter)
    .filter(dir => dir !== '')
    .flatMap(dir =>
      ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'].map((name): Candidate => [
        path.posix.join(dir, name),
        'PATH',
      ]),
    );
  return [
    ['/usr/bin/google-chrome', 'system Chrome'],
    ['/usr/bin/google-chrome-stable', 'system Chrome'],
    ['/opt/google/chrome/chrome', 'system Chrome'],
    ['/opt/google/chrome-beta/chrome', 'system Chrome'],
    ['/usr/bin/chromium', "Debian's chromium"],
    ['/usr/bin/chromium-browser', 'system Chromium'],
    ['/snap/bin/chromium', 'system Chromium'],
    ['/opt/microsoft/msedge/msedge', 'system Edge'],
    ...onPath,
  ];
}

export function findBrowser(options: FindBrowserOptions = {}): FoundBrowser {
  const { env = process.env, platform = process.platform, exists = isExecutableFile, playwrightPath = playwrightChromium } = options;
  const override = envValue(env, OVERRIDE_VAR);
  if (override !== undefined) {
    if (exists(override)) return { executablePath: override, source: OVERRIDE_VAR };
    throw new Error(
      `${OVERRIDE_VAR} is set to ${JSON.stringify(override)}, but no browser executable is there: fix the path or unset ${OVERRIDE_VAR}.`,
    );
  }
  const playwright = playwrightPath();
  const candidates: Candidate[] = [
    ...(playwright ? [[playwright, "Playwright's Chromium"] as Candidate] : []),
    ...systemCandidates(platform, env),
  ];
  const found = candidates.find(([file]) => exists(file));
  if (!found) throw new Error(NOT_FOUND);
  return { executablePath: found[0], source: found[1] };
}

export async function launchChromium(): Promise<Browser> {
  const { executablePath } = findBrowser();
  return chromium.launch({
    executablePath,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** The address of a generated report's index.html on disk, as a double-click opens it (no server). */
export const reportFromDisk = (reportFolder: string): string => pathToFileURL(path.join(reportFolder, 'index.html')).href;

/**
 * Opens a report from disk and waits for `first` to show. Headless Chromium on a loaded 2-core machine
 * has left the Allure page at its header for the whole test timeout, the tree never drawn, where the
 * same report drew at once in the runs before and after. So: 30 s, then one reload, noted as an
 * annotation with what the page logged, then 30 s more. A report that still draws nothing fails, with
 * the page's errors in the message.
 */
export async function openReport(page: Page, folder: string, first: string | RegExp): Promise<void> {
  const logged: string[] = [];
  page.on('pageerror', error => logged.push(`page error: ${error.message}`));
  page.on('console', message => {
    if (message.type() === 'error') logged.push(`console error: ${message.text()}`);
  });
  const whatWasLogged = () => logged.join(' | ') || 'nothing';
  const shown = () => page.getByText(first).first().waitFor({ state: 'visible', timeout: 30_000 });
  await page.goto(reportFromDisk(folder));
  try {
    await shown();
    return;
  } catch {
    test.info().annotations.push({
      type: 'report reloaded',
      description: `nothing drawn in 30 s; the page logged: ${whatWasLogged()}`,
    });
  }
  await page.reload();
  try {
    await shown();
  } catch {
    throw new Error(`the report at ${folder} drew nothing in 30 s, twice; the page logged: ${whatWasLogged()}`);
  }
}
