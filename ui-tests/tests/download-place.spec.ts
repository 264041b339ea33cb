/**
 * The Download dialog keeps its context: the last place per connection, an
 * explicit search scope, sorting by column, and data sets already
 * downloaded next to the notebook marked; a finished download stays in the
 * notification centre with a link to openBIS.
 */
import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';

import { bridgeLogin, toolbarButton } from './helpers';

async function openDownload(page: IJupyterLabPageFixture) {
  await toolbarButton(page, 'openbis-download').click();
  const dialog = page.locator('.jp-Dialog');
  await expect(dialog.locator('.jp-Dialog-header')).toContainText(
    'Download data from openBIS'
  );
  return dialog;
}

/** The names in the table, top to bottom. */
async function names(dialog: ReturnType<IJupyterLabPageFixture['locator']>) {
  return dialog.locator('tbody tr[data-permid] label').allTextContents();
}

test.describe('Download dialog context', () => {
  test.beforeEach(async ({ page }) => {
    await bridgeLogin(page);
  });

  test('reopens at the last place, searches in an explicit scope, sorts by column', async ({
    page
  }) => {
    await page.notebook.createNew('place.ipynb');
    let dialog = await openDownload(page);
    await dialog.getByLabel('Space').selectOption('LAB');
    await dialog.getByLabel('Project').selectOption('/LAB/PROJ1');
    await dialog.getByLabel('Experiment').selectOption('/LAB/PROJ1/EXP1');
    await expect(dialog.locator('tbody tr[data-permid]')).toHaveCount(3);
    await page.keyboard.press('Escape');
    await expect(dialog).toHaveCount(0);

    dialog = await openDownload(page);
    await expect(dialog.getByLabel('Experiment')).toHaveValue(
      '/LAB/PROJ1/EXP1'
    );
    await expect(dialog.getByLabel('Project')).toHaveValue('/LAB/PROJ1');
    await expect(dialog.locator('.jp-OpenbisBridge-sourceTitle')).toHaveText(
      'Data sets of /LAB/PROJ1/EXP1'
    );
    await expect(dialog.locator('tbody tr[data-permid]')).toHaveCount(3);

    // Sorting by name, then the reverse.
    const nameHeader = dialog.getByRole('columnheader', { name: 'Name' });
    await nameHeader.getByRole('button').click();
    await expect(nameHeader).toHaveAttribute('aria-sort', 'ascending');
    const ascending = await names(dialog);
    expect(ascending).toEqual(
      [...ascending].sort((a, b) => a.localeCompare(b))
    );
    await nameHeader.getByRole('button').click();
    await expect(nameHeader).toHaveAttribute('aria-sort', 'descending');
    expect(await names(dialog)).toEqual([...ascending].reverse());

    // The scope of a search is explicit: everywhere, or within the place.
    const scope = dialog.getByLabel('Search in');
    await expect(scope).toHaveValue('everywhere');
    const search = dialog.getByLabel(
      'Search by text, code, identifier or permId'
    );
    await search.fill('Diffraction');
    await search.press('Enter');
    await expect(dialog.locator('.jp-OpenbisBridge-sourceTitle')).toHaveText(
      'Data sets matching "Diffraction" in all of openBIS'
    );
    await expect(dialog.locator('tbody tr[data-permid]')).toHaveCount(1);
    await scope.selectOption({ label: 'Within /LAB/PROJ1/EXP1' });
    await expect(dialog.locator('.jp-OpenbisBridge-sourceTitle')).toHaveText(
      'Data sets matching "Diffraction" within /LAB/PROJ1/EXP1'
    );
    await expect(dialog.locator('tbody tr[data-permid]')).toHaveCount(0);
    await search.fill('Absorbance');
    await search.press('Enter');
    await expect(dialog.locator('tbody tr[data-permid]')).toHaveCount(2);
    await page.keyboard.press('Escape');
  });

  test('marks what was downloaded here and keeps the result in the notification centre', async ({
    page
  }) => {
    await page.notebook.createNew('marks.ipynb');
    let dialog = await openDownload(page);
    await dialog.getByLabel('Space').selectOption('LAB');
    await dialog.getByLabel('Project').selectOption('/LAB/PROJ1');
    await dialog.getByLabel('Experiment').selectOption('/LAB/PROJ1/EXP1');
    const row = dialog.locator('tbody tr[data-permid]', {
      hasText: 'Absorbance run 1'
    });
    const permId = (await row.getAttribute('data-permid'))!;
    await expect(row).not.toContainText('downloaded here');
    await row.getByRole('checkbox').check();
    await dialog.getByRole('button', { name: 'Download', exact: true }).click();
    await expect(dialog).toHaveCount(0);
    const toast = page.locator('.Toastify__toast', {
      hasText: 'Downloaded 1 data set'
    });
    await expect(toast).toBeVisible({ timeout: 60000 });
    await expect(
      toast.getByRole('button', { name: 'Open in openBIS' })
    ).toBeVisible();

    // Kept: the toast does not close by itself, and the centre lists it.
    const notes = await page.notifications;
    const note = notes.find(n => n.message.startsWith('Downloaded 1 data set'));
    expect(note?.options.autoClose).toBe(false);
    await page.locator('.jp-Notification-Status').click();
    const centre = page.locator('.jp-Notification-Center');
    const kept = centre.locator('li', { hasText: 'Downloaded 1 data set' });
    await expect(kept).toBeVisible();
    await expect(
      kept.getByRole('button', { name: 'Open in openBIS' })
    ).toHaveAttribute('title', new RegExp(`viewData=${permId}$`));
    await page.locator('.jp-Notification-Status').click();

    dialog = await openDownload(page);
    const again = dialog.locator(`tbody tr[data-permid="${permId}"]`);
    await expect(again.locator('.jp-OpenbisBridge-downloaded')).toHaveText(
      'downloaded here'
    );
    await expect(
      dialog.locator('tbody tr[data-permid]', { hasText: 'Cuvette photo' })
    ).not.toContainText('downloaded here');
    await page.keyboard.press('Escape');
  });
});
