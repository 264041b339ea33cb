/**
 * The openBIS side panel: opened from the View menu, browsed by keyboard
 * only, searched, details shown, code inserted and a data set downloaded next
 * to the notebook. Also the settings, the main menu and the context menus the
 * schema declares.
 */
import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import { TestInfo } from '@playwright/test';

import {
  bridgeLogin,
  expandAndEnter,
  focusedRow,
  moveTo,
  PANEL,
  panelTree as tree
} from './helpers';

async function screenshotPanel(
  page: IJupyterLabPageFixture,
  testInfo: TestInfo,
  name: string
): Promise<void> {
  const panel = page.locator(PANEL);
  await panel.screenshot({ path: testInfo.outputPath(`${name}-light.png`) });
  await page.theme.setDarkTheme();
  await panel.screenshot({ path: testInfo.outputPath(`${name}-dark.png`) });
  await page.theme.setLightTheme();
}

test.describe('openBIS side panel', () => {
  test.beforeEach(async ({ page }) => {
    await bridgeLogin(page);
  });

  test('browse by keyboard, details, insert code, download, search', async ({
    page,
    tmpPath
  }, testInfo) => {
    await page.notebook.createNew('panel.ipynb');
    await page.menu.clickMenuItem('View>openBIS Panel');
    const panel = page.locator(PANEL);
    await expect(panel).toBeVisible();
    await expect(panel.locator('.jp-OpenbisBridge-panelTitle')).toHaveText(
      'openBIS'
    );
    await expect(panel.locator('[data-status="connected"]')).toBeVisible();
    await expect(
      tree(page).locator('[role="treeitem"]', { hasText: 'LAB' })
    ).toBeVisible();

    // Keyboard only: space → project → experiment → data set → files.
    await tree(page).focus();
    await moveTo(page, 'LAB');
    await expandAndEnter(page);
    await moveTo(page, 'PROJ1');
    await expandAndEnter(page);
    await moveTo(page, 'EXP1');
    await expandAndEnter(page);
    await moveTo(page, 'Absorbance run 1');
    await expect(focusedRow(page)).toHaveAttribute('data-kind', 'dataSet');
    const dataSetRowId = await focusedRow(page).getAttribute('id');
    await expandAndEnter(page);
    await expect(focusedRow(page)).toContainText('data.csv');
    await expect(focusedRow(page)).toHaveAttribute('data-kind', 'file');

    // Left goes to the parent, a second Left collapses it, Right opens it again.
    await page.keyboard.press('ArrowLeft');
    await expect(tree(page)).toHaveAttribute(
      'aria-activedescendant',
      dataSetRowId!
    );
    await page.keyboard.press('ArrowLeft');
    await expect(page.locator(`#${dataSetRowId}`)).toHaveAttribute(
      'aria-expanded',
      'false'
    );
    await page.keyboard.press('ArrowRight');
    await expect(page.locator(`#${dataSetRowId}`)).toHaveAttribute(
      'aria-expanded',
      'true'
    );

    // Enter shows the details.
    await page.keyboard.press('Enter');
    const details = panel.locator('.jp-OpenbisBridge-details');
    await expect(details).toContainText('RAW_DATA');
    await expect(details).toContainText('Archive status');
    await expect(details).toContainText('AVAILABLE');
    await expect(details).toContainText('Absorbance run 1');
    const permId = (
      await details
        .locator('dt', { hasText: /^PermId$/ })
        .locator('xpath=following-sibling::dd[1]')
        .textContent()
    )?.trim();
    expect(permId).toMatch(/^\d+-\d+$/);
    await screenshotPanel(page, testInfo, 'panel-details');

    // Insert code into the current notebook.
    await details
      .getByRole('button', { name: 'Insert code', exact: true })
      .click();
    await expect
      .poll(() =>
        page.evaluate(() => {
          const nb = (window as any).jupyterapp.shell.currentWidget;
          return nb.model.sharedModel.cells.map((c: any) => c.getSource());
        })
      )
      .toContain(
        `from jupyterlab_openbis_bridge import load\ndata = load("${permId}")`
      );

    // Download next to the notebook; the folder shows up in the file browser.
    await details
      .getByRole('button', { name: 'Download', exact: true })
      .click();
    await expect(
      page.locator('.jp-Notification-Toast-success, .Toastify__toast', {
        hasText: 'Downloaded 1 data set'
      })
    ).toBeVisible({ timeout: 30000 });
    expect(
      await page.contents.fileExists(`${tmpPath}/data/${permId}/data.csv`)
    ).toBe(true);
    const openbis = await page.evaluate(() =>
      (window as any).jupyterapp.shell.currentWidget.model.getMetadata(
        'openbis'
      )
    );
    expect(openbis.downloads.map((d: any) => d.permId)).toEqual([permId]);
    await page.sidebar.openTab('filebrowser');
    await expect(
      page.locator('.jp-DirListing-itemText', { hasText: /^data$/ })
    ).toBeVisible();

    // Search on the server, results paged like the tree.
    await page.evaluate(() =>
      (window as any).jupyterapp.commands.execute('openbis-bridge:open-panel')
    );
    const search = panel.getByLabel('Search openBIS');
    await search.fill('Diffraction');
    await search.press('Enter');
    await expect(panel.locator('.jp-OpenbisBridge-searchTitle')).toHaveText(
      'Results for "Diffraction"'
    );
    const hit = panel.locator('[role="treeitem"]', {
      hasText: 'Diffraction pattern'
    });
    await expect(hit).toBeVisible();
    await hit.click();
    await expect(details).toContainText('DIFFRACTOMETER');
    await screenshotPanel(page, testInfo, 'panel-search');
  });

  test('"Set as save target" becomes the Save dialog\'s target', async ({
    page
  }) => {
    await page.notebook.createNew('target.ipynb');
    await page.menu.clickMenuItem('View>openBIS Panel');
    const panel = page.locator(PANEL);
    await tree(page).focus();
    await moveTo(page, 'LAB');
    await expandAndEnter(page);
    await moveTo(page, 'PROJ1');
    await expandAndEnter(page);
    await moveTo(page, 'EXP2');
    await page.keyboard.press('Enter');
    const details = panel.locator('.jp-OpenbisBridge-details');
    await expect(details).toContainText('/LAB/PROJ1/EXP2');
    await details
      .getByRole('button', { name: 'Set as save target', exact: true })
      .click();
    await expect(
      page.locator('.jp-Notification-Toast-info, .Toastify__toast', {
        hasText: 'Notebooks will be saved to /LAB/PROJ1/EXP2'
      })
    ).toBeVisible();

    await page.notebook.activate('target.ipynb');
    // Not awaited: the command resolves only when its dialog closes.
    await page.evaluate(() => {
      void (window as any).jupyterapp.commands.execute('openbis-bridge:save');
    });
    const dialog = page.locator('.jp-Dialog');
    await expect(
      dialog.locator('.jp-OpenbisBridge-targetChoice')
    ).toContainText('EXP2');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect(dialog).toHaveCount(0);
  });

  test('is in the command palette and restored after a reload', async ({
    page
  }) => {
    await page.keyboard.press('Control+Shift+C');
    const palette = page.locator('#command-palette');
    await palette.locator('.lm-CommandPalette-input').fill('openBIS Panel');
    await palette
      .locator('.lm-CommandPalette-item', { hasText: 'openBIS Panel' })
      .click();
    await expect(page.locator(PANEL)).toBeVisible();
    // The layout is saved asynchronously.
    await page.waitForTimeout(1500);
    await page.reload({ waitForIsReady: true });
    await expect(page.locator(PANEL)).toBeVisible();
  });
});

test.describe('menus and settings', () => {
  test('Accel Shift O opens the panel', async ({ page }) => {
    await page.notebook.createNew('shortcut.ipynb');
    await expect(page.locator(PANEL)).toBeHidden();
    await page.keyboard.press('Control+Shift+O');
    await expect(page.locator(PANEL)).toBeVisible();
  });

  test('the main menu "openBIS" lists the commands', async ({ page }) => {
    await page.notebook.createNew('menus.ipynb');
    await page.menu.open('openBIS');
    const menu = page.locator('.lm-Menu').last();
    for (const label of [
      'Connect to openBIS…',
      'Download Data from openBIS…',
      'Save Notebook to openBIS…',
      'openBIS Panel'
    ]) {
      await expect(menu.getByText(label, { exact: true })).toBeVisible();
    }
    await page.keyboard.press('Escape');
  });

  test('the file browser offers "Save to openBIS" on notebooks', async ({
    page
  }) => {
    await page.notebook.createNew('fb.ipynb');
    await page.notebook.close();
    await page.sidebar.openTab('filebrowser');
    await page
      .locator('.jp-DirListing-item', { hasText: 'fb.ipynb' })
      .click({ button: 'right' });
    const menu = page.locator('.lm-Menu').last();
    await expect(
      menu.getByText('Save Notebook to openBIS…', { exact: true })
    ).toBeVisible();
    await page.keyboard.press('Escape');
  });

  test('the settings appear in the Settings Editor with titles', async ({
    page
  }, testInfo) => {
    await page.evaluate(() =>
      (window as any).jupyterapp.commands.execute('settingeditor:open', {
        query: 'openBIS Bridge'
      })
    );
    const editor = page.locator('.jp-SettingsPanel');
    await page
      .locator('.jp-PluginList-entry', { hasText: 'openBIS Bridge' })
      .first()
      .click();
    for (const title of [
      'Page size',
      'Download folder',
      'Include the environment by default',
      'Default connection',
      'Status refresh interval (seconds)'
    ]) {
      await expect(editor.getByText(title, { exact: true })).toBeVisible();
    }
    await editor.screenshot({
      path: testInfo.outputPath('settings-editor.png')
    });
  });
});
