// The reports people read: a run with a failing check, against a target given by URL with a known
// token, must leave that token nowhere (reports, attachments, logs), and the generated Allure report,
// opened in a real browser, must show what a reader needs: the five response paths, the failed check
// with its response and schema violations, its cause, and the environment block.
import fs from 'node:fs';
import { test, expect } from './fixtures';
import { runConformance, type ConformanceRun } from '../../support/run/child-run';
import { reportPaths } from '../../support/run/paths';
import { StorageConnectionMock, type Behaviour } from '../../mock/server';
import { findSecret } from './helpers/find-secret';
import { launchChromium } from './helpers/browser';
import { serveFolder } from './helpers/static-server';

const TOKEN = `known-secret-token-${Date.now().toString(36)}-do-not-leak`;

// Breaks one thing only: 404 bodies carry a numeric error.code, a schema violation.
const numeric404Code: Behaviour = (request, next) => {
  const response = next();
  if (response.status !== 404) return response;
  const body = response.body as { error: Record<string, unknown> };
  return { ...response, body: { error: { ...body.error, code: 404 } } };
};

test.describe('reports of a run with a failing check', () => {
  // One run, read by both tests: in order, in one worker.
  test.describe.configure({ mode: 'default' });
  let run: ConformanceRun;
  let reportsDir: string;

  test.beforeAll(async ({}, testInfo) => {
    testInfo.setTimeout(120_000);
    reportsDir = testInfo.outputPath('reports');
    const mock = await StorageConnectionMock.create({ token: TOKEN, behaviour: numeric404Code });
    try {
      run = await runConformance({
        reportsDir,
        reporters: 'configured',
        env: {
          API_BASE_URL: mock.url,
          API_ACCESS_TOKEN: TOKEN,
          STORAGE_CONNECTION_ID: mock.connectionId,
          RATE_LIMIT_PROBE_MAX_REQUESTS: '400',
        },
      });
    } finally {
      await mock.stop();
    }
  });

  test('the run fails on the broken 404 body, and the token is in no report, attachment or log', () => {
    expect(run.exitCode, run.output).toBe(1);
    const { findings, filesSearched } = findSecret(reportsDir, TOKEN);
    expect(filesSearched, 'the reports were written').toBeGreaterThan(50);
    expect(findings, 'places where the token appears').toEqual([]);
    expect(run.output).not.toContain(TOKEN);
    // The search itself works: the token, planted in a copy of a report file, is found.
    const planted = test.info().outputPath('planted');
    fs.mkdirSync(planted, { recursive: true });
    fs.writeFileSync(`${planted}/x.json`, JSON.stringify({ header: `Bearer ${Buffer.from(TOKEN).toString('base64')}` }));
    expect(findSecret(planted, TOKEN).findings).toContainEqual({ file: 'x.json', form: 'base64' });
  });

  test('the Allure report shows the paths, the failed check with its evidence, and the environment', async () => {
    const server = await serveFolder(reportPaths(reportsDir).allureReport);
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      await page.goto(server.url);
      await expect(page.getByText('Update StorageConnection conformance').first()).toBeVisible();
      for (const item of ['Target base URL', 'Target kind', 'live target', 'Suite version', 'Git commit', 'Node'])
        await expect(page.getByText(item, { exact: true }).first(), `environment block: ${item}`).toBeVisible();
      const tree = page.getByText('Update StorageConnection', { exact: true }).first();
      if (!(await page.getByText('200 OK', { exact: true }).first().isVisible())) await tree.click();
      for (const path of ['200 OK', '401 Unauthorized', '404 Not Found', '422 Unprocessable Entity', '429 Too many requests'])
        await expect(page.getByText(path, { exact: true }).first(), `response path ${path}`).toBeVisible();
      await page.screenshot({ path: `${reportPaths().root}/allure-overview.png` });

      await page
        .getByText(/an unknown id of the real ids' shape/)
        .first()
        .click();
      await expect(page.getByText('Failed', { exact: true }).first()).toBeVisible();
      await expect(page.getByText('Category: Schema violation')).toBeVisible();
      await expect(page.getByText(/body breaks ErrorResponse/).first()).toBeVisible();
      await page.getByText('schema violations', { exact: true }).first().click();
      await expect(page.getByText('"/error/code"').first(), 'the violation, with its pointer').toBeVisible();
      await page
        .getByText(/^PUT storageconnections\//)
        .first()
        .click();
      await page.getByText('response 404', { exact: true }).first().click();
      await expect(page.getByText('"status": 404').first(), 'the attached response').toBeVisible();
      await expect(page.getByText('"authorization": "Bearer <redacted>"').first()).toHaveCount(0);
      await page.screenshot({ path: test.info().outputPath('failed-check.png'), fullPage: true });
    } finally {
      await browser.close();
      await server.close();
    }
  });
});
