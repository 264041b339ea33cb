/**
 * A link from the openBIS ELN in Notebook 7 (docs/deep-links.md): the file
 * browser page `tree?openbis-entity=…&openbis-datasets=…` asks once, then
 * creates the notebook and opens it in a new tab, as Notebook 7 opens every
 * notebook; its first cell loads the data sets.
 */
import { expect, test } from '@playwright/test';

import {
  bridgeLogin,
  DRAGGED_DATA_SET,
  permIdOf,
  toolbarButton
} from '../tests/helpers';

test('an ELN link on the file browser page creates and opens a notebook', async ({
  page,
  context,
  request
}) => {
  await bridgeLogin(page);
  const permId = await permIdOf(page, DRAGGED_DATA_SET);
  await page.goto(
    `/tree?openbis-entity=/LAB/PROJ1/EXP2&openbis-datasets=${permId}`
  );
  const dialog = page.locator('.jp-Dialog');
  await expect(dialog.locator('.jp-Dialog-header')).toHaveText(
    'Create a notebook for /LAB/PROJ1/EXP2 with 1 data set?',
    { timeout: 30000 }
  );
  await expect(dialog.locator(`tr[data-permid="${permId}"]`)).toBeVisible();
  // Read once: a reload of this page does not ask again.
  expect(page.url()).not.toContain('openbis-');

  const opened = context.waitForEvent('page');
  await dialog.getByRole('button', { name: 'Create notebook' }).click();
  const notebook = await opened;
  await notebook.waitForURL(
    /\/notebooks\/openbis\/LAB\/PROJ1\/EXP2(-\d+)?\.ipynb$/
  );
  const path = decodeURIComponent(
    new URL(notebook.url()).pathname.replace(/^\/notebooks\//, '')
  );
  const file = await request.get(`/api/contents/${path}`);
  const first = (await file.json()).content.cells[0];
  expect(first.source).toContain('# openBIS collection /LAB/PROJ1/EXP2');
  expect(first.source).toContain(`data = load("${permId}")`);

  // The entity is the save target in the new tab too: the notebook names it.
  await toolbarButton(notebook, 'openbis-save').click();
  const save = notebook.locator('.jp-Dialog');
  await expect(save.locator('.jp-OpenbisBridge-targetChoice')).toContainText(
    'Selected experiment: /LAB/PROJ1/EXP2',
    { timeout: 60000 }
  );
  await save.getByRole('button', { name: 'Cancel' }).click();
  await notebook.close();
});
