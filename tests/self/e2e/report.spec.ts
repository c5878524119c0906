// The reports people read: a run with a failing check, against a target given by URL with a known
// token, must leave that token nowhere (reports, attachments, logs), and the generated Allure report,
// opened from disk (file://, as a double-click opens it) in a real browser, must show what a reader
// needs: the five response paths, the failed check with its response and schema violations, its cause,
// the environment block, and (in a run of its own on the embedded mock) a 429 probe page of a few steps
// with one table per trial.
import fs from 'node:fs';
import path from 'node:path';
import { test as base, expect, type ConformanceRun } from '../fixtures';
import { runConformance } from '../helpers/child-run';
import { reportPaths } from '../../../support/report/paths';
import { errorResponse } from '../../../mock/operation';
import { StorageConnectionMock, type Behaviour } from '../../../mock/server';
import { FAILURE_KIND_LABEL } from '../../../support/report/failure-kind';
import { findSecret } from '../helpers/find-secret';
import { launchChromium, openReport } from '../helpers/browser';

const TOKEN = `known-secret-token-${Date.now().toString(36)}-do-not-leak`;

// Breaks four things, each caught by one check whose failure is of another kind: 404 bodies carry a
// numeric error.code (a schema violation), an accented name gets a 500, an invalid token gets 403
// (an unexpected status), and "both fields at once" is echoed but never stored (state not preserved).
const fourFaults: Behaviour = (request, next) => {
  if (request.method === 'PUT' && request.body.includes('Überprüfung')) return errorResponse(500, 'InternalServerError', 'boom');
  if (request.headers['authorization']?.startsWith('Bearer conformance-invalid-token')) return errorResponse(403, 'Forbidden', 'no');
  if (request.method === 'PUT' && request.body.includes('conformance both')) {
    const before = next({ ...request, method: 'GET' });
    const echoed = next();
    next({ ...request, body: JSON.stringify((before.body as { connection: object }).connection) });
    return echoed;
  }
  const response = next();
  if (response.status !== 404) return response;
  const body = response.body as { error: Record<string, unknown> };
  return { ...response, body: { error: { ...body.error, code: 404 } } };
};

/** Every check the faults break, and the category each failure must be filed under. */
const EXPECTED_KINDS: Record<string, string> = {
  "an unknown id of the real ids' shape gets 404 StorageConnectionNotFound and creates nothing": 'Body breaks its schema or media type',
  'a non-ASCII displayName (accented Latin) round-trips exactly': 'Server error (5xx)',
  'an invalid bearer token gets 401': 'Unexpected status',
  'both fields at once are both applied': 'State not preserved',
  // Met twice, failed once: the check that every rejected request changes nothing meets the 403 again,
  // and the boundary check of an unknown id with a malformed body the numeric 404 code; each records
  // the finding again and passes on its own clause.
};

/** The run against the four faults, as a target given by URL with the known token: one per worker, read by every test below. */
const test = base.extend<object, { failingRun: ConformanceRun }>({
  failingRun: [
    async ({}, use, workerInfo) => {
      const mock = await StorageConnectionMock.create({ token: TOKEN, behaviour: fourFaults });
      const reportsDir = path.join(workerInfo.project.outputDir, `four-faults-${workerInfo.workerIndex}`);
      const env = { API_BASE_URL: mock.url, API_ACCESS_TOKEN: TOKEN, STORAGE_CONNECTION_ID: mock.connectionId };
      const run = await runConformance({ reportsDir, reporters: 'configured', env }).finally(() => mock.stop());
      await use(run);
    },
    { scope: 'worker', timeout: 180_000 },
  ],
});

test.describe('reports of a run with a failing check', () => {
  // One run, read by every test: in order, in one worker.
  test.describe.configure({ mode: 'default' });
  let run: ConformanceRun;
  let reportsDir: string;
  test.beforeEach(({ failingRun }) => {
    run = failingRun;
    reportsDir = failingRun.reportsDir;
  });

  test('each failure is filed under the kind its failing assertion declared, none unclassified', () => {
    const dir = reportPaths(reportsDir).allureResults;
    const results = fs
      .readdirSync(dir)
      .filter(file => file.endsWith('-result.json'))
      .map(
        file =>
          JSON.parse(fs.readFileSync(`${dir}/${file}`, 'utf8')) as {
            name: string;
            status: string;
            labels: { name: string; value: string }[];
          },
      );
    const failed = results.filter(r => r.status === 'failed' || r.status === 'broken');
    const kinds = Object.fromEntries(failed.map(r => [r.name, r.labels.find(l => l.name === FAILURE_KIND_LABEL)?.value]));
    expect(kinds).toEqual(EXPECTED_KINDS);
  });

  test('the run fails on the broken checks, and the token is in no report, attachment or log', () => {
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
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      // The report renders in the browser: on a loaded machine that takes more than expect's 5 s.
      await openReport(page, reportPaths(reportsDir).allureReport, 'Update StorageConnection conformance');
      // The block shows its first entries; the rest behind "Show more".
      const more = page.getByText('Show more', { exact: true }).first();
      if (await more.isVisible()) await more.click();
      for (const item of ['Target base URL', 'Target kind', 'live target', 'Suite version', 'Git commit', 'Node'])
        await expect(page.getByText(item, { exact: true }).first(), `environment block: ${item}`).toBeVisible();
      for (const path of ['200 OK', '401 Unauthorized', '404 Not Found', '422 Unprocessable Entity', '429 Too many requests'])
        await expect(page.getByText(path, { exact: true }).first(), `response path ${path}`).toBeVisible();
      // One level per meaning: the paths sit at the top of the tree, with no single-child level above or below.
      await expect(page.getByText(/^response path /)).toHaveCount(0);
      await expect(page.getByText('Update StorageConnection', { exact: true })).toHaveCount(0);
      await page.screenshot({ path: `${reportPaths().root}/allure-overview.png` });

      await page
        .getByText(/an unknown id of the real ids' shape/)
        .first()
        .click();
      await expect(page.getByText('Failed', { exact: true }).first()).toBeVisible();
      await expect(page.getByText('Category: Body breaks its schema or media type')).toBeVisible();
      await expect(page.getByText(/body breaks ErrorResponse/).first()).toBeVisible();
      await page.getByText('schema violations', { exact: true }).first().click();
      await expect(page.getByText('"/error/code"').first(), 'the violation, with its pointer').toBeVisible();
      await page
        .getByText(/^PUT storageconnections\//)
        .first()
        .click();
      await page.getByText('response 404', { exact: true }).first().click();
      await expect(page.getByText('"status": 404').first(), 'the attached response').toBeVisible();
      // The request shows that a bearer token was sent, never which one.
      await page.getByText('request PUT', { exact: true }).first().click();
      await expect(page.getByText('"authorization": "Bearer <redacted>"').first()).toBeVisible();
      expect(await page.content(), 'the token on the page').not.toContain(TOKEN);
      await page.screenshot({ path: test.info().outputPath('failed-check.png'), fullPage: true });
    } finally {
      await browser.close();
    }
  });

  test("the 429 probe's page has a few steps: one per trial, with one table of its requests, statuses and waits", async ({
    conformanceRun,
  }) => {
    // The probe is off against a target given by URL: its page is that of a run of its own, on the embedded mock.
    const probeRun = await conformanceRun({ name: 'probe', reporters: 'configured', args: ['--grep', '@throttling'] });
    expect(probeRun.exitCode, probeRun.output).toBe(0);
    const dir = reportPaths(probeRun.reportsDir).allureResults;
    const probe = fs
      .readdirSync(dir)
      .filter(file => file.endsWith('-result.json'))
      .map(file => JSON.parse(fs.readFileSync(`${dir}/${file}`, 'utf8')) as AllureStep & { name: string; status: string })
      .find(result => result.name.startsWith('a burst is throttled'));
    expect(probe?.status, 'the probe ran and passed').toBe('passed');
    const steps = allSteps(probe!);
    expect(steps.length, 'steps on the probe page, nested ones and attachments included').toBeLessThanOrEqual(60);
    expect(
      steps.filter(step => /^PUT storageconnections\//.test(step.name ?? '')),
      'a step per request',
    ).toEqual([]);
    const tables = steps.flatMap(step => step.attachments ?? []).filter(a => /^trial \d+: requests, statuses/.test(a.name));
    expect(tables.length, 'one table per trial').toBeGreaterThan(0);
    const table = fs.readFileSync(`${dir}/${tables[0]!.source}`, 'utf8');
    for (const part of ['"requests": ', '"status": 429', '"first429": {', '"retry-after"', '"Bearer <redacted>"', '"waits": [', '"then": '])
      expect(table, `the table shows ${JSON.stringify(part)}`).toContain(part);

    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      await openReport(page, reportPaths(probeRun.reportsDir).allureReport, '429 Too many requests');
      await page.getByText('429 Too many requests', { exact: true }).first().click();
      await page
        .getByText(/^a burst is throttled/)
        .first()
        .click();
      await page
        .getByText(/^trial 1: burst until throttled/)
        .first()
        .click();
      await page
        .getByText(/^trial 1: requests, statuses/)
        .first()
        .click();
      // The report previews an attachment in a frame of its own.
      await expect(
        page
          .frameLocator('iframe')
          .first()
          .getByText(/"first429"/),
        'the table, rendered',
      ).toBeVisible();
      await page.screenshot({ path: test.info().outputPath('probe-page.png'), fullPage: true });
    } finally {
      await browser.close();
    }
  });
});

interface AllureStep {
  name?: string;
  steps?: AllureStep[];
  attachments?: { name: string; source: string }[];
}

/** Every step under a result, nested ones included (allure-playwright records each attachment as a step of its own). */
function allSteps(result: AllureStep): AllureStep[] {
  return (result.steps ?? []).flatMap(step => [step, ...allSteps(step)]);
}
