import { expect, test } from '@playwright/test';
import * as fs from 'fs';
import * as path from 'path';

/** What tests/hub/serve_for_browser.py wrote for this port. */
function hubInfo(): { url: string; user: string; password: string } {
  const port = process.env.HUB_PORT || '18130';
  const file = path.join(__dirname, '..', `hub-${port}.json`);
  return JSON.parse(fs.readFileSync(file, 'utf-8'));
}

test('one hub login: a new notebook shows the hub openBIS connected', async ({
  page
}, testInfo) => {
  const hub = hubInfo();
  await page.goto('/lab-hub/hub/login');
  await page.locator('#username_input').fill(hub.user);
  await page.locator('#password_input').fill(hub.password);
  await page.locator('#login_submit').click();
  // The hub spawns the server and sends the browser on to JupyterLab under the prefixes.
  await page.waitForURL(new RegExp(`/lab-hub/user/${hub.user}/lab`), {
    timeout: 180 * 1000
  });
  await page
    .locator('.jp-LauncherCard[data-category="Notebook"]')
    .first()
    .click({ timeout: 120 * 1000 });
  const indicator = page.locator(
    '.jp-NotebookPanel-toolbar [data-jp-item-name="openbis-connect"]'
  );
  await expect(indicator).toContainText('Connected: 127.0.0.1', {
    timeout: 60 * 1000
  });
  await expect(page.locator('.jp-Dialog')).toHaveCount(0); // no dialog was needed
  await page.screenshot({ path: testInfo.outputPath('hub-connected.png') });
});
