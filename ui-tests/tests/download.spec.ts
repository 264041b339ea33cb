import { expect, test } from '@jupyterlab/galata';

import {
  bridgeLogin,
  screenshotBothThemes,
  setFaults,
  toolbarButton
} from './helpers';

interface IDownloadRecord {
  permId: string;
  path: string;
  pathBase?: string;
  instance: string;
  time: string;
  files: { path: string; size: number | null; crc32: number | null }[];
}

test.describe('Download data', () => {
  test.beforeEach(async ({ page }) => {
    await bridgeLogin(page);
  });

  test('browse and search, download two data sets into data/ and record them', async ({
    page,
    tmpPath
  }, testInfo) => {
    await page.notebook.createNew('download.ipynb');
    await toolbarButton(page, 'openbis-download').click();
    const dialog = page.locator('.jp-Dialog');
    await expect(dialog.locator('.jp-Dialog-header')).toContainText(
      'Download data from openBIS'
    );

    // Browse space → project → experiment.
    await dialog.getByLabel('Space').selectOption('LAB');
    await dialog.getByLabel('Project').selectOption('/LAB/PROJ1');
    await dialog.getByLabel('Experiment').selectOption('/LAB/PROJ1/EXP1');
    const table = dialog.locator('.jp-OpenbisBridge-datasets');
    await expect(table).toContainText('1–3 of 3');
    const first = table.locator('tr', { hasText: 'Absorbance run 1' });
    await expect(first).toContainText('RAW_DATA');
    await expect(first).toContainText('alice');
    await expect(first).toContainText('Available');
    await first.getByRole('checkbox').check();
    await first.locator('td').nth(2).click();
    await expect(dialog.locator('.jp-OpenbisBridge-preview')).toContainText(
      'data.csv'
    );

    // Search; the first choice stays selected.
    const searchBox = dialog.getByLabel(
      'Search by text, code, identifier or permId'
    );
    await searchBox.fill('Diffraction');
    await searchBox.press('Enter');
    await expect(dialog.locator('.jp-OpenbisBridge-sourceTitle')).toHaveText(
      'Data sets matching "Diffraction" in all of openBIS'
    );
    const second = table.locator('tr', { hasText: 'Diffraction pattern' });
    await second.getByRole('checkbox').check();
    await expect(
      dialog.locator('.jp-OpenbisBridge-selectionSummary')
    ).toContainText('2 data sets selected');
    await expect(dialog.getByLabel('Download to folder')).toHaveValue(
      `${tmpPath}/data`
    );
    await screenshotBothThemes(page, testInfo, 'download-dialog');

    await dialog.getByRole('button', { name: 'Download', exact: true }).click();
    await expect(dialog).toHaveCount(0);
    await expect(
      page.locator('.jp-Notification-Toast-success, .Toastify__toast', {
        hasText: 'Downloaded 2 data sets'
      })
    ).toBeVisible({ timeout: 30000 });

    // The file browser shows the new folder.
    await expect(
      page.locator('.jp-DirListing-itemText', { hasText: /^data$/ })
    ).toBeVisible();

    const records = await page.evaluate(() => {
      const panel = (window as any).jupyterapp.shell.currentWidget;
      return {
        openbis: panel.model.getMetadata('openbis'),
        legacy: panel.model.getMetadata('datasets')
      };
    });
    const downloads: IDownloadRecord[] = records.openbis.downloads;
    expect(downloads).toHaveLength(2);
    expect(records.legacy).toBeUndefined();
    for (const record of downloads) {
      // Relative to the notebook, one record per download (no legacy copy).
      expect(record.path).toBe(`data/${record.permId}`);
      expect(record.pathBase).toBe('notebook');
      expect(record.files.length).toBeGreaterThan(0);
      expect(record.files[0].crc32).not.toBeNull();
      for (const file of record.files) {
        expect(await page.contents.fileExists(`${tmpPath}/${file.path}`)).toBe(
          true
        );
      }
    }
    expect(
      downloads
        .map(d => d.files.map(f => f.path.split('/').pop()))
        .flat()
        .sort()
    ).toEqual(['data.csv', 'diffraction.csv']);
  });

  test('a slow download can be cancelled', async ({ page, tmpPath }) => {
    await page.notebook.createNew('cancel.ipynb');
    setFaults(['latency:ms=4000,on=file-get']);
    try {
      await toolbarButton(page, 'openbis-download').click();
      const dialog = page.locator('.jp-Dialog');
      const searchBox = dialog.getByLabel(
        'Search by text, code, identifier or permId'
      );
      await searchBox.fill('Absorbance summary');
      await searchBox.press('Enter');
      const row = dialog.locator('.jp-OpenbisBridge-datasets tr', {
        hasText: 'Absorbance summary'
      });
      await row.getByRole('checkbox').check();
      await dialog
        .getByRole('button', { name: 'Download', exact: true })
        .click();
      await expect(dialog).toHaveCount(0);

      const toast = page.locator('.Toastify__toast', {
        hasText: 'Downloading 1 data set'
      });
      await expect(toast).toBeVisible();
      await toast.getByRole('button', { name: 'Cancel' }).click();
      await expect(
        page.locator('.Toastify__toast', { hasText: 'cancelled' })
      ).toBeVisible({ timeout: 30000 });
      // What the cancelled job created is removed (keepPartialDownloads is off).
      expect(await page.contents.directoryExists(`${tmpPath}/data`)).toBe(
        false
      );
      const metadata = await page.evaluate(() =>
        (window as any).jupyterapp.shell.currentWidget.model.getMetadata(
          'openbis'
        )
      );
      expect(metadata).toBeUndefined();
    } finally {
      setFaults([]);
    }
  });
});
