import { expect, test } from '@jupyterlab/galata';

import { bridgeLogin } from './helpers';

const CSV = '20250123080000000-19';

/**
 * The notebook widgets render with standard ipywidgets (no extension of ours)
 * and drive a real download through the login shared with the kernel.
 */
test.describe('Notebook widgets', () => {
  test.beforeEach(async ({ page }) => {
    await bridgeLogin(page);
  });

  test('picker table and download progress bar', async ({ page }) => {
    await page.notebook.createNew('widgets.ipynb');
    await page.notebook.setCell(
      0,
      'code',
      [
        'from jupyterlab_openbis_bridge.widgets import DataSetPicker, DownloadWidget',
        `picker = DataSetPicker(${JSON.stringify(CSV)})`,
        'display(picker, DownloadWidget(picker))'
      ].join('\n')
    );
    await page.notebook.runCell(0);

    const output = page
      .locator('.jp-Notebook .jp-Cell')
      .first()
      .locator('.jp-OutputArea');
    await expect(output.locator('.widget-gridbox')).toContainText(CSV, {
      timeout: 60000
    });
    await expect(output.locator('.widget-gridbox')).toContainText('RAW_DATA');
    await expect(output).toContainText('1–1 of 1');
    await expect(output).toContainText('No data set selected');

    await output
      .locator('.widget-gridbox input[type="checkbox"]')
      .first()
      .check();
    await expect(output).toContainText('1 data set(s) selected');
    await output.getByRole('button', { name: 'Download' }).click();

    await expect(output).toContainText('Downloaded 1 data set(s) to ', {
      timeout: 60000
    });
    await expect(output).toContainText(
      `/data/${CSV} and recorded them for the open notebook.`
    );
    // ipywidgets 8 maps bar_style "success" to this class on the bar.
    await expect(output.locator('.progress-bar-success')).toHaveCount(1);
    await expect(output).not.toContainText('Traceback');
  });
});
