/**
 * The openBIS side panel in Notebook 7. On a notebook page it sits in the
 * left area, opened from View › openBIS Panel (or View › Left Sidebar ›
 * Show openBIS): browse by keyboard, open details, insert code into the
 * notebook, download next to it, drag a data set onto a cell and search. On
 * the file browser page (tree) a data set dragged onto a folder downloads
 * there.
 */
import { expect, Page, test } from '@playwright/test';

import {
  bridgeLogin,
  createNotebook,
  DRAGGED_DATA_SET,
  dragTo,
  expandAndEnter,
  expandToDataSet,
  focusedRow,
  moveTo,
  PANEL,
  panelTree,
  permIdOf
} from '../tests/helpers';

const LOAD = (permId: string) =>
  `from jupyterlab_openbis_bridge import load\ndata = load("${permId}")`;

/** View › openBIS Panel, from Notebook 7's menu bar. */
async function openPanel(page: Page): Promise<void> {
  // The schema's menus are in once the main menu has "openBIS".
  await expect(
    page.locator('.lm-MenuBar-item', { hasText: /^openBIS$/ })
  ).toBeVisible({ timeout: 30000 });
  await page.locator('.lm-MenuBar-item', { hasText: /^View$/ }).click();
  await page
    .locator('.lm-Menu-item', { hasText: 'openBIS Panel' })
    .first()
    .click();
  await expect(page.locator(PANEL)).toBeVisible();
  await expect(page.locator(`${PANEL} [data-status="connected"]`)).toBeVisible({
    timeout: 30000
  });
}

/** The sources of the notebook's cells, from its model. */
function cellSources(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const notebook = (window as any).jupyterapp.shell.currentWidget;
    return notebook.model.sharedModel.cells.map((c: any) => c.getSource());
  });
}

test.beforeEach(async ({ page }) => {
  await bridgeLogin(page);
});

test('a notebook page: browse, details, insert code, download, drop on a cell, search', async ({
  page,
  request
}) => {
  const folder = `nb7-panel-${Date.now()}`;
  await request.put(`/api/contents/${folder}`, {
    data: { type: 'directory' }
  });
  await createNotebook(request, `${folder}/panel.ipynb`, ['a = 1', 'b = 2']);
  await page.goto(`/notebooks/${folder}/panel.ipynb`);
  await expect(page.locator('.jp-Notebook .jp-Cell')).toHaveCount(2, {
    timeout: 30000
  });
  await openPanel(page);
  const panel = page.locator(PANEL);

  // Keyboard only: space → project → experiment → data set.
  await panelTree(page).focus();
  await moveTo(page, 'LAB');
  await expandAndEnter(page);
  await moveTo(page, 'PROJ1');
  await expandAndEnter(page);
  await moveTo(page, 'EXP1');
  await expandAndEnter(page);
  await moveTo(page, DRAGGED_DATA_SET);
  await expect(focusedRow(page)).toHaveAttribute('data-kind', 'dataSet');
  const dataSet = focusedRow(page);

  // Enter shows the details.
  await page.keyboard.press('Enter');
  const details = panel.locator('.jp-OpenbisBridge-details');
  await expect(details).toContainText('RAW_DATA');
  await expect(details).toContainText('AVAILABLE');
  const permId = (
    await details
      .locator('dt', { hasText: /^PermId$/ })
      .locator('xpath=following-sibling::dd[1]')
      .textContent()
  )?.trim();
  expect(permId).toMatch(/^\d+-\d+$/);

  // Insert code: below the active (first) cell of this page's notebook.
  await details
    .getByRole('button', { name: 'Insert code', exact: true })
    .click();
  await expect
    .poll(() => cellSources(page))
    .toEqual(['a = 1', LOAD(permId!), 'b = 2']);

  // Download next to the notebook, recorded in its metadata.
  await details.getByRole('button', { name: 'Download', exact: true }).click();
  await expect(
    page.locator('.jp-Notification-Toast-success, .Toastify__toast', {
      hasText: 'Downloaded 1 data set'
    })
  ).toBeVisible({ timeout: 30000 });
  const csv = await request.get(
    `/api/contents/${folder}/data/${permId}/data.csv?content=0`
  );
  expect(csv.ok()).toBe(true);
  const openbis = await page.evaluate(() =>
    (window as any).jupyterapp.shell.currentWidget.model.getMetadata('openbis')
  );
  expect(openbis.downloads.map((d: any) => d.permId)).toEqual([permId]);

  // Dropped on the last cell: the loading code goes below it.
  const lastCell = page.locator('.jp-Notebook .jp-Cell').last();
  await dragTo(page, dataSet, lastCell);
  await expect
    .poll(() => cellSources(page))
    .toEqual(['a = 1', LOAD(permId!), 'b = 2', LOAD(permId!)]);

  // Search on the server.
  const search = panel.getByLabel('Search openBIS');
  await search.fill('Diffraction');
  await search.press('Enter');
  await expect(panel.locator('.jp-OpenbisBridge-searchTitle')).toHaveText(
    'Results for "Diffraction"'
  );
  const hit = panel.locator('[role="treeitem"]', {
    hasText: 'Diffraction pattern'
  });
  await hit.click();
  await expect(details).toContainText('DIFFRACTOMETER');
});

test('the file browser page: a data set dropped on a folder downloads there', async ({
  page,
  request
}) => {
  const folder = `nb7-drop-${Date.now()}`;
  await request.put(`/api/contents/${folder}`, {
    data: { type: 'directory' }
  });
  await page.goto('/tree');
  const target = page.locator('.jp-DirListing-item[data-isdir="true"]', {
    hasText: folder
  });
  await expect(target).toBeVisible({ timeout: 30000 });
  await openPanel(page);
  const dataSet = await expandToDataSet(page);
  const permId = await permIdOf(page, DRAGGED_DATA_SET);

  await dragTo(page, dataSet, target);

  await expect
    .poll(
      async () =>
        (
          await request.get(
            `/api/contents/${folder}/${permId}/data.csv?content=0`
          )
        ).status(),
      { timeout: 60000 }
    )
    .toBe(200);
});
