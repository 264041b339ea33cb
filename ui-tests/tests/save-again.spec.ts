/**
 * Saving again never uploads a duplicate silently: the Save dialog says
 * where the notebook went before and asks for a new version (the previous
 * data set becomes a parent) or a separate data set. The form fills itself
 * from the notebook, its kernel and its parents; the result stays in the
 * notification centre.
 */
import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';

import { bridgeLogin, pybis, toolbarButton } from './helpers';

const TARGET_LABEL =
  'Find the experiment or sample (text, code, identifier or permId)';

async function openSave(page: IJupyterLabPageFixture) {
  await toolbarButton(page, 'openbis-save').click();
  const dialog = page.locator('.jp-Dialog');
  await expect(dialog.locator('.jp-Dialog-header')).toContainText(
    'Save notebook to openBIS',
    { timeout: 60000 }
  );
  return dialog;
}

async function uploads(page: IJupyterLabPageFixture): Promise<string[]> {
  return page.evaluate(() =>
    (
      (window as any).jupyterapp.shell.currentWidget.model.getMetadata(
        'openbis'
      )?.uploads ?? []
    ).map((u: { permId: string }) => u.permId)
  );
}

async function uploadJobs(page: IJupyterLabPageFixture): Promise<number> {
  const answer = await page.request.get('/openbis-bridge/jobs');
  const { jobs } = (await answer.json()) as { jobs: { kind: string }[] };
  return jobs.filter(job => job.kind === 'upload').length;
}

test.describe('Saving again', () => {
  test.beforeEach(async ({ page }) => {
    await bridgeLogin(page);
  });

  test('asks for a new version or a separate data set; a version has the previous save as parent', async ({
    page
  }) => {
    await page.notebook.createNew('again.ipynb');
    let dialog = await openSave(page);
    await expect(dialog.locator('.jp-OpenbisBridge-saveAgain')).toHaveCount(0);
    const target = dialog.getByLabel(TARGET_LABEL);
    await target.fill('/LAB/PROJ1/EXP2');
    await target.press('Enter');
    await expect(
      dialog.locator('.jp-OpenbisBridge-targetChoice')
    ).toContainText('/LAB/PROJ1/EXP2');
    await dialog
      .getByRole('button', { name: 'Save to openBIS', exact: true })
      .click();
    await expect(dialog).toHaveCount(0);
    await expect.poll(() => uploads(page), { timeout: 60000 }).toHaveLength(1);
    const [first] = await uploads(page);

    // The save stays (no auto-close) in the notification centre, with its link.
    const notes = await page.notifications;
    const note = notes.find(n => n.message.includes(first));
    expect(note?.options.autoClose).toBe(false);
    await page.locator('.jp-Notification-Status').click();
    const kept = page
      .locator('.jp-Notification-Center li')
      .filter({ hasText: `Saved to openBIS as data set ${first}` });
    await expect(kept).toBeVisible();
    await expect(
      kept.getByRole('button', { name: 'Open in openBIS' })
    ).toBeVisible();
    await page.locator('.jp-Notification-Status').click();

    // Reopened: where it went, and a choice that nothing makes for the user.
    const jobsBefore = await uploadJobs(page);
    dialog = await openSave(page);
    const again = dialog.locator('.jp-OpenbisBridge-saveAgain');
    await expect(again).toContainText(`Saved before as ${first} on`);
    const asVersion = again.getByRole('radio', { name: /new version/ });
    await expect(asVersion).toBeFocused();
    await expect(
      dialog.locator('.jp-OpenbisBridge-targetChoice')
    ).toContainText('/LAB/PROJ1/EXP2');
    await page.keyboard.press('Enter');
    await dialog.locator('[data-property="$NAME"]').press('Enter');
    await expect(again.getByRole('alert')).toHaveText(
      'Saved before: choose a new version or a separate data set.'
    );
    await expect(dialog).toHaveCount(1);
    expect(await uploadJobs(page)).toBe(jobsBefore);
    expect(await uploads(page)).toEqual([first]);

    await asVersion.check();
    await dialog
      .getByRole('button', { name: 'Save to openBIS', exact: true })
      .click();
    await expect(dialog).toHaveCount(0);
    await expect.poll(() => uploads(page), { timeout: 60000 }).toHaveLength(2);
    const second = (await uploads(page))[1];
    const parents = pybis<string[]>(`
ds = o.get_dataset(${JSON.stringify(second)})
print(json.dumps(list(ds.parents or [])))
`);
    expect(parents).toEqual([first]);
  });

  test('fills Name, Kernel, the target and the parents itself; values survive a type change', async ({
    page
  }) => {
    const found = await page.request.get(
      '/openbis-bridge/connections/sandbox/search?q=Absorbance%20run%201&kinds=dataSet'
    );
    const parent: string = (await found.json()).results.dataSet.items[0].permId;
    await page.notebook.createNew('fills.ipynb');
    await page.evaluate(permId => {
      const panel = (window as any).jupyterapp.shell.currentWidget;
      panel.model.setMetadata('openbis', {
        downloads: [{ permId, path: 'data/' + permId, files: [] }],
        uploads: []
      });
    }, parent);

    const dialog = await openSave(page);
    await expect(dialog.locator('[data-property="$NAME"]')).toHaveValue(
      'fills'
    );
    await expect(dialog.locator('[data-property="KERNEL"]')).toHaveValue(
      'PYTHON3'
    );
    await expect(
      dialog.locator('.jp-OpenbisBridge-targetChoice')
    ).toContainText(
      'Selected sample: /LAB/PROJ1/SAMPLE1 (the parents’ common owner)'
    );
    const row = dialog.locator('.jp-OpenbisBridge-parent');
    await expect(row).toContainText(`Absorbance run 1 (${parent})`);
    await expect(row).toContainText('/LAB/PROJ1/SAMPLE1');
    await expect(
      row.getByRole('link', { name: `Open ${parent} in openBIS` })
    ).toHaveAttribute('href', new RegExp(`viewData=${parent}$`));

    await dialog.locator('[data-property="$NAME"]').fill('Typed by hand');
    await dialog.getByLabel('Data set type').selectOption('ANALYZED_DATA');
    await expect(dialog.locator('[data-property="$NAME"]')).toHaveValue(
      'Typed by hand'
    );
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect(dialog).toHaveCount(0);
  });
});
