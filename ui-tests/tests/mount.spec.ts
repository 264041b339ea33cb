/**
 * Data without copying: mount the sandbox's data store (real sshfs over FUSE on the
 * Jupyter server's machine), link a data set instead of copying it, unmount.
 */
import { expect, test } from '@jupyterlab/galata';

import { bridgeLogin, ISandboxInfo, sandbox } from './helpers';

const CSV = '20250123080000000-19';
const MOUNT_PATH = 'openbis-mounts/sandbox';

function sftpPort(): number {
  return (sandbox() as ISandboxInfo & { sftpPort: number }).sftpPort;
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
    const run = (command: string) =>
      page.evaluate(id => {
        void (window as any).jupyterapp.commands.execute(id);
      }, command);
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
});
