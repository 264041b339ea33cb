/**
 * Drag and drop from the openBIS side panel: a data set dropped on a folder
 * of the file browser downloads into that folder, and dropped on a notebook
 * cell inserts the code that loads it below that cell.
 */
import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import { Locator } from '@playwright/test';

import {
  bridgeLogin,
  DRAGGED_DATA_SET,
  dragTo as drag,
  expandToDataSet,
  PANEL,
  permIdOf
} from './helpers';

/** Open the panel from the View menu and expand LAB → PROJ1 → EXP1; the data set row. */
async function showDataSet(page: IJupyterLabPageFixture): Promise<Locator> {
  await page.menu.clickMenuItem('View>openBIS Panel');
  return expandToDataSet(page);
}

test.describe('Drag and drop from the openBIS panel', () => {
  test.beforeEach(async ({ page }) => {
    await bridgeLogin(page);
  });

  test('a data set dropped on a folder of the file browser downloads there', async ({
    page,
    tmpPath
  }) => {
    const permId = await permIdOf(page, DRAGGED_DATA_SET);
    await page.contents.createDirectory(`${tmpPath}/dropzone`);
    const dataSet = await showDataSet(page);
    // The panel goes to the right side bar, so the file browser can show beside it.
    await page
      .locator(
        `.jp-SideBar.jp-mod-left .lm-TabBar-tab[data-id="${PANEL.slice(1)}"]`
      )
      .click({ button: 'right' });
    await page.getByRole('menuitem', { name: 'Switch Sidebar Side' }).click();
    await expect(page.locator(`#jp-right-stack ${PANEL}`)).toBeVisible();
    await page.sidebar.openTab('filebrowser');
    await page.filebrowser.openDirectory(tmpPath);
    const folder = page.locator('.jp-DirListing-item[data-isdir="true"]', {
      hasText: 'dropzone'
    });
    await expect(folder).toBeVisible();

    await drag(page, dataSet, folder);

    // The files land in the folder under the pointer. (The transfers view also lists
    // the jobs of earlier tests on this server, so it is not counted.)
    await expect
      .poll(
        () =>
          page.contents.fileExists(`${tmpPath}/dropzone/${permId}/data.csv`),
        { timeout: 60000 }
      )
      .toBe(true);
    expect(await page.contents.directoryExists(`${tmpPath}/${permId}`)).toBe(
      false
    );
  });

  test('a data set dropped on a notebook cell inserts the loading code below it', async ({
    page
  }) => {
    const permId = await permIdOf(page, DRAGGED_DATA_SET);
    await page.notebook.createNew('drop.ipynb');
    await page.notebook.setCell(0, 'code', 'a = 1');
    await page.notebook.addCell('code', 'b = 2');
    await page.notebook.selectCells(1);
    const dataSet = await showDataSet(page);

    const firstCell = page.locator('.jp-Notebook .jp-Cell').first();
    await drag(page, dataSet, firstCell);

    await expect.poll(() => page.notebook.getCellCount()).toBe(3);
    expect(await page.notebook.getCellTextInput(0)).toBe('a = 1');
    expect(await page.notebook.getCellTextInput(1)).toBe(
      `from jupyterlab_openbis_bridge import load\ndata = load("${permId}")`
    );
    expect(await page.notebook.getCellType(1)).toBe('code');
    expect(await page.notebook.getCellTextInput(2)).toBe('b = 2');

    // Dropped anywhere else (the panel itself), nothing happens.
    const from = (await dataSet.boundingBox())!;
    await page.mouse.move(from.x + 20, from.y + from.height / 2);
    await page.mouse.down();
    await page.mouse.move(from.x + 40, from.y + from.height + 40, {
      steps: 6
    });
    await expect(page.locator('.jp-OpenbisBridge-dropTarget')).toHaveCount(0);
    await page.mouse.up();
    expect(await page.notebook.getCellCount()).toBe(3);
  });
});
