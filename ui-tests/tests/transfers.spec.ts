/**
 * The transfers section of the openBIS panel: a download held open by the
 * sandbox's latency fault is shown with its progress, found again after a
 * page reload (from the server's job list) and cancelled from there; a
 * download started by kernel code shows up by itself (pushed by the server's
 * event bus); a failed save is retried from the job list after a reload.
 */
import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';

import { bridgeLogin, PANEL, setFaults, toolbarButton } from './helpers';

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
    // Hold the file transfer (plain GETs or fast download) until the test releases it.
    setFaults([
      'latency:ms=60000,on=file-get',
      'latency:ms=60000,on=file-transfer'
    ]);
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

  test('a download started by kernel code appears without a reload', async ({
    page
  }) => {
    const found = await page.request.get(
      '/openbis-bridge/connections/sandbox/search?q=Diffraction%20pattern&kinds=dataSet'
    );
    const permId: string = (await found.json()).results.dataSet.items[0].permId;
    await page.notebook.createNew('kernel-transfer.ipynb');
    const transfers = await openPanel(page);
    // Jobs of earlier tests on this server are listed too: only a new one counts.
    const earlier = await transfers
      .locator('.jp-OpenbisBridge-transfer')
      .evaluateAll(rows => rows.map(row => row.getAttribute('data-job')));
    await page.notebook.setCell(
      0,
      'code',
      `from jupyterlab_openbis_bridge import download\nresult = download(["${permId}"], destination="from-kernel")\nprint("done", len(result.paths()))`
    );
    await page.notebook.runCell(0);
    await expect(page.locator('.jp-OutputArea-output').first()).toContainText(
      'done 1',
      { timeout: 60000 }
    );
    // Nobody on this page started it: the server's events brought it here.
    const rows = transfers.locator('.jp-OpenbisBridge-transfer');
    await expect(rows).toHaveCount(earlier.length + 1, { timeout: 30000 });
    const row = rows.first(); // newest first
    expect(earlier).not.toContain(await row.getAttribute('data-job'));
    await expect(row).toContainText('Downloading 1 data set');
    await expect(row).toHaveAttribute('data-state', 'succeeded', {
      timeout: 30000
    });
  });

  test('a failed save is retried from the job list after a reload', async ({
    page,
    tmpPath
  }) => {
    await page.notebook.createNew('retry-save.ipynb');
    await page.notebook.save();
    setFaults(['error:method=createUploadedDataSet,nth=1,message=disk full']);
    const started = await page.request.post(
      '/openbis-bridge/connections/sandbox/datasets',
      {
        data: {
          notebookPath: `${tmpPath}/retry-save.ipynb`,
          experiment: '/LAB/PROJ1/EXP1',
          properties: { $NAME: 'retried after a reload' },
          includeEnvironment: false
        }
      }
    );
    expect(started.status()).toBe(202);
    const jobId: string = (await started.json()).id;

    await page.reload({ waitForIsReady: false });
    await page.waitForSelector('#jupyterlab-splash', { state: 'detached' });
    const transfers = await openPanel(page);
    const failed = transfers.locator(
      `.jp-OpenbisBridge-transfer[data-job="${jobId}"]`
    );
    await expect(failed).toHaveAttribute('data-state', 'failed', {
      timeout: 30000
    });
    await expect(failed).toContainText('disk full');
    await expect(failed).toContainText('Saving to openBIS (/LAB/PROJ1/EXP1)');

    setFaults([]);
    await failed.getByRole('button', { name: 'Retry' }).click();
    await expect(failed).toHaveCount(0);
    const again = transfers.locator('.jp-OpenbisBridge-transfer').first();
    await expect(again).toHaveAttribute('data-state', 'succeeded', {
      timeout: 60000
    });
    await expect(again).toContainText('Saving to openBIS (/LAB/PROJ1/EXP1)');
  });
});
