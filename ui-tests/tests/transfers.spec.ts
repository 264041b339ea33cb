/**
 * The transfers section of the openBIS panel: a download held open by the
 * sandbox's latency fault is shown with its progress, found again after a
 * page reload (from the server's job list) and cancelled from there.
 */
import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';

import { bridgeLogin, setFaults, toolbarButton } from './helpers';

const PANEL = '#jp-OpenbisBridge-panel';

async function openPanel(page: IJupyterLabPageFixture) {
  await page.menu.clickMenuItem('View>openBIS Panel');
  const transfers = page.locator(`${PANEL} .jp-OpenbisBridge-transfers`);
  await expect(transfers).toBeVisible();
  return transfers;
}

test.describe('Transfers', () => {
  test.beforeEach(async ({ page }) => {
    await bridgeLogin(page);
  });

  test.afterEach(() => {
    setFaults([]);
  });

  test('a running download survives a reload and is cancelled from the transfers view', async ({
    page
  }) => {
    await page.notebook.createNew('transfers.ipynb');
    setFaults(['latency:ms=20000,on=file-get']);
    await toolbarButton(page, 'openbis-download').click();
    const dialog = page.locator('.jp-Dialog');
    const searchBox = dialog.getByLabel(
      'Search by text, code, identifier or permId'
    );
    await searchBox.fill('Absorbance summary');
    await searchBox.press('Enter');
    await dialog
      .locator('.jp-OpenbisBridge-datasets tr', {
        hasText: 'Absorbance summary'
      })
      .getByRole('checkbox')
      .check();
    await dialog.getByRole('button', { name: 'Download', exact: true }).click();
    await expect(dialog).toHaveCount(0);

    let transfers = await openPanel(page);
    // Newest first: the download just started.
    let row = transfers.locator('.jp-OpenbisBridge-transfer').first();
    await expect(row).toContainText('Downloading 1 data set');
    await expect(row).toHaveAttribute('data-state', /queued|running/);
    const jobId = await row.getAttribute('data-job');
    await expect(
      page.locator('.jp-OpenbisBridge-transfersStatus')
    ).toContainText('openBIS: 1 transfer');

    // After a reload the job comes back from the server's job list.
    await page.reload({ waitForIsReady: false });
    await page.waitForSelector('#jupyterlab-splash', { state: 'detached' });
    transfers = await openPanel(page);
    row = transfers.locator(`.jp-OpenbisBridge-transfer[data-job="${jobId}"]`);
    await expect(row).toContainText('Downloading 1 data set');
    await expect(row).toHaveAttribute('data-state', /queued|running/, {
      timeout: 30000
    });
    await expect(row.locator('progress')).toBeVisible();
    await expect(row).toContainText(/of \d+ files/);

    await row.getByRole('button', { name: 'Cancel' }).click();
    setFaults([]); // release the held request, so the cancel is seen at once
    await expect(row).toHaveAttribute('data-state', 'cancelled', {
      timeout: 30000
    });
    await expect(row.getByRole('button', { name: 'Retry' })).toBeVisible();
    await expect(page.locator('.jp-OpenbisBridge-transfersStatus')).toHaveText(
      ''
    );
  });
});
