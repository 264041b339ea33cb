import { expect, test } from '@jupyterlab/galata';

const TOOLBAR_ITEMS = [
  { name: 'openbis-connect', label: 'Connect' },
  { name: 'openbis-download', label: 'Download data' },
  { name: 'openbis-save', label: 'Save to openBIS' }
];

const PALETTE_LABELS = [
  'Connect to openBIS…',
  'Download Data from openBIS…',
  'Save Notebook to openBIS…'
];

test.describe('notebook toolbar', () => {
  test('shows the three openBIS buttons with their labels', async ({
    page
  }, testInfo) => {
    await page.notebook.createNew('toolbar.ipynb');
    const toolbar = page.locator('.jp-NotebookPanel-toolbar');
    for (const item of TOOLBAR_ITEMS) {
      const button = toolbar.locator(`[data-jp-item-name="${item.name}"]`);
      await expect(button).toBeVisible();
      // The Connect item is a live indicator: "Connect", or "Connected: <name>" once logged in.
      await expect(button).toContainText(item.label);
    }
    await toolbar.screenshot({
      path: testInfo.outputPath('notebook-toolbar.png')
    });
  });

  test("the Connect item opens the Connect dialog with the server's profiles", async ({
    page
  }) => {
    await page.notebook.createNew('connect.ipynb');
    await page
      .locator(
        '.jp-NotebookPanel-toolbar [data-jp-item-name="openbis-connect"] button'
      )
      .click();
    const dialog = page.locator('.jp-Dialog');
    await expect(dialog.locator('.jp-Dialog-header')).toHaveText(
      'Connect to openBIS'
    );
    await expect(dialog.locator('tr[data-connection="sandbox"]')).toBeVisible();
    await page.keyboard.press('Escape');
    await expect(dialog).toHaveCount(0);
  });

  test('the notebook context menu lists the three commands', async ({
    page
  }) => {
    await page.notebook.createNew('menu.ipynb');
    await page.locator('.jp-Cell').first().click({ button: 'right' });
    const menu = page.locator('.lm-Menu');
    for (const label of PALETTE_LABELS) {
      await expect(menu.getByText(label, { exact: true })).toBeVisible();
    }
    await page.keyboard.press('Escape');
  });
});

test.describe('command palette', () => {
  for (const label of PALETTE_LABELS) {
    test(`lists "${label}"`, async ({ page }) => {
      await page.keyboard.press('Control+Shift+C');
      const palette = page.locator('#command-palette');
      await expect(palette).toBeVisible();
      await palette
        .locator('.lm-CommandPalette-input')
        .fill(label.replace('…', ''));
      await expect(
        palette.locator('.lm-CommandPalette-item', { hasText: label })
      ).toHaveCount(1);
      await page.keyboard.press('Escape');
    });
  }
});
