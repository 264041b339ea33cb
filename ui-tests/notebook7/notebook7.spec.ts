/**
 * Notebook 7 smoke test: the toolbar items render, Connect logs in and the
 * Download and Save dialogs open with the notebook's context.
 */
import { expect, test } from '@playwright/test';

import { bridgeLogout, createEmptyNotebook, sandbox } from '../tests/helpers';

test('the three flows start in Notebook 7', async ({
  page,
  request
}, testInfo) => {
  const name = `nb7-${Date.now()}.ipynb`;
  await createEmptyNotebook(request, name);
  await bridgeLogout(page);

  await page.goto(`/notebooks/${name}`);
  const toolbar = page.locator('.jp-NotebookPanel-toolbar');
  for (const item of ['openbis-connect', 'openbis-download', 'openbis-save']) {
    await expect(toolbar.locator(`[data-jp-item-name="${item}"]`)).toBeVisible({
      timeout: 30000
    });
  }

  await toolbar.locator('[data-jp-item-name="openbis-connect"] button').click();
  const dialog = page.locator('.jp-Dialog');
  await expect(dialog.locator('tr[data-connection="sandbox"]')).toBeVisible();
  await dialog.getByRole('radio', { name: 'sandbox' }).check();
  await dialog.getByLabel('Password', { exact: true }).fill(sandbox().password);
  await dialog.getByLabel('Password', { exact: true }).press('Enter');
  await expect(dialog).toHaveCount(0);
  await expect(
    toolbar.locator('[data-jp-item-name="openbis-connect"]')
  ).toContainText('Connected: sandbox');

  await toolbar
    .locator('[data-jp-item-name="openbis-download"] button')
    .click();
  await expect(dialog.locator('.jp-Dialog-header')).toContainText(
    'Download data from openBIS'
  );
  await expect(dialog.getByLabel('Download to folder')).toHaveValue('data');
  await dialog.getByLabel('Space').selectOption('LAB');
  await page.screenshot({
    path: testInfo.outputPath('notebook7-download.png')
  });
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);

  await toolbar.locator('[data-jp-item-name="openbis-save"] button').click();
  await expect(dialog.locator('.jp-Dialog-header')).toContainText(
    'Save notebook to openBIS',
    { timeout: 30000 }
  );
  await expect(dialog.getByLabel('Data set type')).toHaveValue(
    'ANALYSIS_NOTEBOOK'
  );
  await page.screenshot({ path: testInfo.outputPath('notebook7-save.png') });
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toHaveCount(0);
});
