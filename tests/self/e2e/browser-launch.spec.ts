// The browser the report check finds on this machine (helpers/browser.ts) launches and opens a page
// from disk, as a report is opened by a double-click (unit/browser-lookup.spec.ts tries the lookup).
import fs from 'node:fs';
import path from 'node:path';
import { test, expect } from '../fixtures';
import { findBrowser, launchChromium, reportFromDisk, NOT_FOUND } from '../helpers/browser';

test('the browser found on this machine launches and opens a page from disk, as a report is opened', async () => {
  let found;
  try {
    found = findBrowser();
  } catch (error) {
    // Only "none found" skips: a CONFORMANCE_BROWSER pointing nowhere is a mistake worth failing on.
    if ((error as Error).message !== NOT_FOUND) throw error;
    test.skip(true, `no browser on this machine: ${NOT_FOUND}`);
    return;
  }
  test.info().annotations.push({ type: 'browser', description: `${found.source}: ${found.executablePath}` });
  const browser = await launchChromium();
  try {
    const folder = test.info().outputPath('report');
    fs.mkdirSync(folder, { recursive: true });
    fs.writeFileSync(
      path.join(folder, 'index.html'),
      '<title>from disk</title><p id="answer"></p><script>answer.textContent = 6 * 7</script>',
    );
    const page = await browser.newPage();
    await page.goto(reportFromDisk(folder));
    expect(page.url()).toMatch(/^file:\/\/.*\/report\/index\.html$/);
    await expect(page.locator('#answer'), 'the page ran its script').toHaveText('42');
  } finally {
    await browser.close();
  }
});
