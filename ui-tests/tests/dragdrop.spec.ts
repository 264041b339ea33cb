/**
 * Drag and drop from the openBIS side panel: a data set dropped on a folder
 * of the file browser downloads into that folder, and dropped on a notebook
 * cell inserts the code that loads it below that cell.
 */
import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import { Locator } from '@playwright/test';

import { bridgeLogin } from './helpers';

const PANEL = '#jp-OpenbisBridge-panel';
const DATA_SET = 'Absorbance run 1';

async function permIdOf(
  page: IJupyterLabPageFixture,
  text: string
): Promise<string> {
  const found = await page.request.get(
    `/openbis-bridge/connections/sandbox/search?q=${encodeURIComponent(text)}&kinds=dataSet`
  );
  expect(found.ok()).toBe(true);
  return (await found.json()).results.dataSet.items[0].permId;
}

function row(
  page: IJupyterLabPageFixture,
  kind: string,
  text: string
): Locator {
  return page.locator(`${PANEL} [role="treeitem"][data-kind="${kind}"]`, {
    hasText: text
  });
}

/** Open the panel and expand LAB → PROJ1 → EXP1 by clicking; the data set row. */
async function showDataSet(page: IJupyterLabPageFixture): Promise<Locator> {
  await page.menu.clickMenuItem('View>openBIS Panel');
  await expect(
    page.locator(`${PANEL} [data-status="connected"]`)
  ).toBeVisible();
  for (const [kind, text] of [
    ['space', 'LAB'],
    ['project', 'PROJ1'],
    ['experiment', 'EXP1']
  ]) {
    const node = row(page, kind, text).first();
    await node.locator('.jp-OpenbisBridge-twisty').click();
    await expect(node).toHaveAttribute('aria-expanded', 'true');
  }
  const dataSet = row(page, 'dataSet', DATA_SET);
  await expect(dataSet).toBeVisible();
  return dataSet;
}

/**
 * Drag `source` onto `target` with the mouse, as a person would: press, move
 * past the drag threshold, move over the target in steps, release.
 */
async function drag(
  page: IJupyterLabPageFixture,
  source: Locator,
  target: Locator
): Promise<void> {
  const from = (await source.boundingBox())!;
  await page.mouse.move(from.x + 20, from.y + from.height / 2);
  await page.mouse.down();
  await page.mouse.move(from.x + 40, from.y + from.height / 2 + 10, {
    steps: 4
  });
  const to = (await target.boundingBox())!;
  await page.mouse.move(to.x + to.width / 2, to.y + to.height / 2, {
    steps: 10
  });
  await expect(page.locator('.jp-OpenbisBridge-dropTarget')).toHaveCount(1);
  await page.mouse.up();
  await expect(page.locator('.jp-OpenbisBridge-dropTarget')).toHaveCount(0);
}

test.describe('Drag and drop from the openBIS panel', () => {
  test.beforeEach(async ({ page }) => {
    await bridgeLogin(page);
  });

  test('a data set dropped on a folder of the file browser downloads there', async ({
    page,
    tmpPath
  }) => {
    const permId = await permIdOf(page, DATA_SET);
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
    const permId = await permIdOf(page, DATA_SET);
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
