/**
 * Kernel code uses the JupyterLab login: provenance of `download()` reaches the
 * open notebook's metadata, and "Insert code" writes a working `load()` cell.
 */
import { expect, test } from '@jupyterlab/galata';

import { bridgeLogin, toolbarButton } from './helpers';

async function permIdOf(
  page: import('@playwright/test').Page,
  text: string
): Promise<string> {
  const found = await page.request.get(
    `/openbis-bridge/connections/sandbox/search?q=${encodeURIComponent(text)}&kinds=dataSet`
  );
  expect(found.ok()).toBe(true);
  return (await found.json()).results.dataSet.items[0].permId;
}

test.describe('Kernel code', () => {
  test.beforeEach(async ({ page }) => {
    await bridgeLogin(page);
  });

  test('a download() from kernel code is recorded in the open notebook', async ({
    page,
    tmpPath
  }) => {
    const permId = await permIdOf(page, 'Diffraction pattern');
    await page.notebook.createNew('kernel-provenance.ipynb');
    await page.notebook.setCell(
      0,
      'code',
      `from jupyterlab_openbis_bridge import download\nresult = download(["${permId}"])\nprint("files:", len(result.paths()), result.provenance["delivery"])`
    );
    await page.notebook.runCell(0);
    await expect(page.locator('.jp-OutputArea-output').first()).toContainText(
      'files: 1 queued',
      {
        timeout: 60000
      }
    );

    const readMetadata = () =>
      page.evaluate(() => {
        const panel = (window as any).jupyterapp.shell.currentWidget;
        return {
          openbis: panel.model.getMetadata('openbis'),
          legacy: panel.model.getMetadata('datasets')
        };
      });
    await expect
      .poll(
        async () => (await readMetadata()).openbis?.downloads?.length ?? 0,
        { timeout: 30000 }
      )
      .toBe(1);
    const { openbis, legacy } = await readMetadata();
    const record = openbis.downloads[0];
    expect(record.permId).toBe(permId);
    expect(record.connection).toBe('sandbox');
    expect(record.path).toBe(`data/${permId}`); // relative to the notebook
    expect(
      record.files.map((f: { path: string }) => f.path.split('/').pop())
    ).toEqual(['diffraction.csv']);
    expect(record.files[0].crc32).not.toBeNull();
    expect(legacy).toBeUndefined(); // one record per download

    // Acknowledged: nothing is left queued for this notebook.
    const left = await page.request.get(
      `/openbis-bridge/provenance?path=${encodeURIComponent(`${tmpPath}/kernel-provenance.ipynb`)}`
    );
    expect((await left.json()).downloads).toEqual([]);

    // And it is offered as a parent on save.
    await toolbarButton(page, 'openbis-save').click();
    const dialog = page.locator('.jp-Dialog');
    // The parent's checkbox (its row also has an "Open … in openBIS" link).
    await expect(
      dialog.locator(`input[type="checkbox"][id$="-${permId}"]`)
    ).toBeChecked({ timeout: 30000 });
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect(dialog).toHaveCount(0);
  });

  test('a download() is recorded when the notebook was renamed while its kernel started', async ({
    page,
    tmpPath
  }) => {
    // Under load the kernel starts slowly: Galata renames the new notebook while
    // its session is being created, and JupyterLab leaves that session under the
    // old path. Hold the session's creation back to make that happen every time.
    await page.route(/\/api\/sessions(\?.*)?$/, async route => {
      if (route.request().method() !== 'POST') {
        return route.continue();
      }
      const response = await route.fetch();
      await page.waitForFunction(
        () =>
          (window as any).jupyterapp.shell.currentWidget?.title.label ===
          'renamed-early.ipynb'
      );
      await route.fulfill({ response });
    });
    const permId = await permIdOf(page, 'Diffraction pattern');
    await page.notebook.createNew('renamed-early.ipynb');
    const paths = () =>
      page.evaluate(() => {
        const panel = (window as any).jupyterapp.shell.currentWidget;
        return {
          document: panel.context.path as string,
          session: panel.sessionContext.session?.path as string | undefined
        };
      });
    await expect.poll(async () => (await paths()).session).toBeTruthy();
    // The situation this test is about: the kernel's session kept the old path.
    expect((await paths()).document).toBe(`${tmpPath}/renamed-early.ipynb`);
    expect((await paths()).session).not.toBe(`${tmpPath}/renamed-early.ipynb`);

    await page.notebook.setCell(
      0,
      'code',
      `from jupyterlab_openbis_bridge import download\nresult = download(["${permId}"])\nprint("files:", len(result.paths()), result.provenance["delivery"])`
    );
    await page.notebook.runCell(0);
    await expect(page.locator('.jp-OutputArea-output').first()).toContainText(
      'files: 1 queued',
      { timeout: 60000 }
    );
    await expect
      .poll(
        () =>
          page.evaluate(
            () =>
              (window as any).jupyterapp.shell.currentWidget.model.getMetadata(
                'openbis'
              )?.downloads?.length ?? 0
          ),
        { timeout: 30000 }
      )
      .toBe(1);
    // Nothing is left queued under either path.
    for (const path of Object.values(await paths())) {
      const left = await page.request.get(
        `/openbis-bridge/provenance?path=${encodeURIComponent(path as string)}`
      );
      expect((await left.json()).downloads).toEqual([]);
    }
  });

  test('Insert code adds a load() cell that gives a DataFrame', async ({
    page
  }) => {
    const permId = await permIdOf(page, 'Absorbance run 1');
    await page.notebook.createNew('insert-code.ipynb');
    await page.notebook.setCell(0, 'code', 'x = 1');

    await toolbarButton(page, 'openbis-download').click();
    const dialog = page.locator('.jp-Dialog');
    const searchBox = dialog.getByLabel(
      'Search by text, code, identifier or permId'
    );
    await searchBox.fill('Absorbance run 1');
    await searchBox.press('Enter');
    await dialog
      .locator('.jp-OpenbisBridge-datasets tr', { hasText: 'Absorbance run 1' })
      .getByRole('checkbox')
      .check();
    await dialog
      .getByRole('button', { name: 'Insert code', exact: true })
      .click();
    await expect(dialog).toHaveCount(0);

    // Below the active cell, as a code cell, with the documented template.
    expect(await page.notebook.getCellCount()).toBe(2);
    expect(await page.notebook.getCellType(1)).toBe('code');
    expect(await page.notebook.getCellTextInput(1)).toBe(
      `from jupyterlab_openbis_bridge import load\ndata = load("${permId}")`
    );
    expect(await page.notebook.getCellTextInput(0)).toBe('x = 1');

    await page.notebook.runCell(1);
    // Reuse the first cell (running the last cell may append an empty one).
    await page.notebook.setCell(
      0,
      'code',
      'print(type(data).__name__, data.shape[0] > 0)'
    );
    await page.notebook.runCell(0);
    const output = page
      .locator('.jp-Cell')
      .nth(0)
      .locator('.jp-OutputArea-output');
    await expect(output).toHaveText(/DataFrame True/, { timeout: 60000 });
  });

  test('the command inserts code for a given data set without a dialog', async ({
    page
  }) => {
    await page.notebook.createNew('insert-command.ipynb');
    await page.evaluate(() =>
      (window as any).jupyterapp.commands.execute(
        'openbis-bridge:insert-code',
        { permIds: ['1-1', '2-2'] }
      )
    );
    expect(await page.notebook.getCellCount()).toBe(2);
    expect(await page.notebook.getCellTextInput(1)).toBe(
      'from jupyterlab_openbis_bridge import load\ndata_1 = load("1-1")\ndata_2 = load("2-2")'
    );
    // In the command palette.
    await page.keyboard.press('Control+Shift+C');
    await page
      .locator('.lm-CommandPalette-input')
      .fill('Insert Code to Load openBIS');
    await expect(
      page.locator('.lm-CommandPalette-item', {
        hasText: 'Insert Code to Load openBIS Data'
      })
    ).toBeVisible();
    await page.keyboard.press('Escape');
  });
});
