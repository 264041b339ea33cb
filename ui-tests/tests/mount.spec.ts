/**
 * Data without copying: mount the sandbox's data store (real sshfs over FUSE on the
 * Jupyter server's machine), link a data set instead of copying it (by command and from
 * the Download dialog), unmount.
 */
import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import * as fs from 'fs';
import * as path from 'path';

import {
  bridgeLogin,
  ISandboxInfo,
  sandbox,
  screenshotBothThemes,
  toolbarButton
} from './helpers';

const CSV = '20250123080000000-19';
const MOUNT_PATH = 'openbis-mounts/sandbox';

function sftpPort(): number {
  return (sandbox() as ISandboxInfo & { sftpPort: number }).sftpPort;
}

function runCommand(page: IJupyterLabPageFixture, id: string): Promise<void> {
  return page.evaluate(command => {
    void (window as any).jupyterapp.commands.execute(command);
  }, id);
}

/** Mount the sandbox's data store through the command, as a user does. */
async function mountThroughCommand(
  page: IJupyterLabPageFixture
): Promise<void> {
  await runCommand(page, 'openbis-bridge:mount-data-store');
  const dialog = page.locator('.jp-Dialog');
  await expect(dialog).toContainText('SFTP port of the data store');
  await dialog.locator('input').fill(String(sftpPort()));
  await dialog.locator('.jp-mod-accept').click();
  await expect(
    page.locator('.Toastify__toast', {
      hasText: `Data store mounted at ${MOUNT_PATH}`
    })
  ).toBeVisible({ timeout: 30000 });
}

/** Open the Download dialog and select the CSV data set found by its permId. */
async function chooseCsvInDownloadDialog(page: IJupyterLabPageFixture) {
  await toolbarButton(page, 'openbis-download').click();
  const dialog = page.locator('.jp-Dialog');
  const search = dialog.getByLabel(
    'Search by text, code, identifier or permId'
  );
  await search.fill(CSV);
  await search.press('Enter');
  const row = dialog.locator('.jp-OpenbisBridge-datasets tr', {
    hasText: CSV
  });
  await row.getByRole('checkbox').check();
  await expect(dialog).toContainText('1 data set selected');
  return dialog;
}

/** The `openbis.downloads` metadata of the current notebook. */
function recordedDownloads(page: IJupyterLabPageFixture): Promise<unknown[]> {
  return page.evaluate(
    () =>
      (window as any).jupyterapp.shell.currentWidget.model.getMetadata(
        'openbis'
      )?.downloads ?? []
  );
}

test.describe('data without copying', () => {
  test.afterEach(async ({ page }) => {
    await page.request.delete('/openbis-bridge/connections/sandbox/mount');
  });

  test('mount the data store, link a data set instead of copying, unmount', async ({
    page,
    tmpPath
  }, testInfo) => {
    await bridgeLogin(page);
    await page.notebook.createNew('linked.ipynb');
    const notebookPath = `${tmpPath}/linked.ipynb`;
    const run = (command: string) => runCommand(page, command);
    const mountState = async () =>
      (
        await (
          await page.request.get('/openbis-bridge/connections/sandbox?live=0')
        ).json()
      ).mounted;

    await run('openbis-bridge:mount-data-store');
    const portDialog = page.locator('.jp-Dialog');
    await expect(portDialog).toContainText('SFTP port of the data store');
    await portDialog.locator('input').fill(String(sftpPort()));
    await portDialog.screenshot({
      path: testInfo.outputPath('mount-port-light.png')
    });
    await page.theme.setDarkTheme();
    await portDialog.screenshot({
      path: testInfo.outputPath('mount-port-dark.png')
    });
    await page.theme.setLightTheme();
    await portDialog.locator('.jp-mod-accept').click();
    await expect(
      page.locator('.Toastify__toast', {
        hasText: `Data store mounted at ${MOUNT_PATH}`
      })
    ).toBeVisible({ timeout: 30000 });
    expect(await mountState()).toBe(true);
    expect(await page.contents.directoryExists(`${MOUNT_PATH}/LAB`)).toBe(true);

    await run('openbis-bridge:link-dataset');
    const linkDialog = page.locator('.jp-Dialog');
    await expect(linkDialog).toContainText('Dataset permId');
    await linkDialog.locator('input').fill(CSV);
    await linkDialog.locator('.jp-mod-accept').click();
    await expect(
      page.locator('.Toastify__toast', {
        hasText: `Linked ${tmpPath}/data/${CSV}`
      })
    ).toBeVisible({ timeout: 30000 });
    expect(
      await page.contents.fileExists(`${tmpPath}/data/${CSV}/original/data.csv`)
    ).toBe(true);
    // The open notebook merges the record the server queued for it.
    await expect
      .poll(
        () =>
          page.evaluate(
            () =>
              (window as any).jupyterapp.shell.currentWidget.model.getMetadata(
                'openbis'
              )?.downloads ?? []
          ),
        { timeout: 30000 }
      )
      .toEqual([
        expect.objectContaining({ permId: CSV, linked: true, files: [] })
      ]);
    expect(notebookPath).toContain('linked.ipynb');

    await run('openbis-bridge:unmount-data-store');
    await expect(
      page.locator('.Toastify__toast', { hasText: 'Data store unmounted' })
    ).toBeVisible({ timeout: 30000 });
    expect(await mountState()).toBe(false);
  });

  test('mounting without a login says what to do', async ({ page }) => {
    await page.request.post('/openbis-bridge/connections/sandbox/logout', {
      data: {}
    });
    await page.evaluate(() => {
      void (window as any).jupyterapp.commands.execute(
        'openbis-bridge:mount-data-store'
      );
    });
    const dialog = page.locator('.jp-Dialog');
    await dialog.locator('input').fill(String(sftpPort()));
    await dialog.locator('.jp-mod-accept').click();
    await expect(
      page.locator('.Toastify__toast', { hasText: 'log in' })
    ).toBeVisible({ timeout: 30000 });
  });

  test('the Download dialog links instead of copying while the data store is mounted', async ({
    page,
    tmpPath
  }, testInfo) => {
    await bridgeLogin(page);
    await page.notebook.createNew('dialog-linked.ipynb');

    // Not mounted: nothing to link to, so the option is not offered.
    let dialog = await chooseCsvInDownloadDialog(page);
    await expect(dialog.getByLabel('Link instead of copy')).toHaveCount(0);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect(dialog).toHaveCount(0);

    await mountThroughCommand(page);
    dialog = await chooseCsvInDownloadDialog(page);
    const link = dialog.getByLabel('Link instead of copy');
    const replace = dialog.getByLabel('Replace files that differ from openBIS');
    await expect(link).not.toBeChecked();
    // By keyboard: the box takes the focus and Space checks it.
    await link.focus();
    await page.keyboard.press('Space');
    await expect(link).toBeChecked();
    await expect(link).toBeFocused();
    await expect(replace).toBeDisabled();
    await expect(dialog).toContainText('Link in folder');
    await screenshotBothThemes(page, testInfo, 'download-link');

    await dialog.getByRole('button', { name: 'Download', exact: true }).click();
    await expect(
      page.locator('.Toastify__toast', {
        hasText: `Linked 1 data set in ${tmpPath}/data to the mounted data store (nothing copied)`
      })
    ).toBeVisible({ timeout: 30000 });
    await expect(dialog).toHaveCount(0);
    // A link into the mount, not a copy: the file reads through it, the folder holds no bytes.
    expect(
      await page.contents.fileExists(`${tmpPath}/data/${CSV}/original/data.csv`)
    ).toBe(true);
    const info = await (
      await page.request.get(`/api/contents/${tmpPath}/data/${CSV}?content=0`)
    ).json();
    expect(info.type).toBe('directory');
    await expect
      .poll(() => recordedDownloads(page), { timeout: 30000 })
      .toEqual([
        expect.objectContaining({ permId: CSV, linked: true, files: [] })
      ]);
    const made = path.join(sandbox().rootDir, tmpPath, 'data', CSV);
    expect(fs.lstatSync(made).isSymbolicLink()).toBe(true);
    expect(path.resolve(path.dirname(made), fs.readlinkSync(made))).toBe(
      path.join(sandbox().rootDir, MOUNT_PATH, 'LAB/PROJ1/EXP1', CSV)
    );
  });
});
