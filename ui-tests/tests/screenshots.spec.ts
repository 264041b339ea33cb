/**
 * Screenshot comparisons of the side panel and every dialog, in the light and
 * the dark theme, against the reference images in ui-tests/snapshots/.
 *
 * Deterministic by construction: a fixed viewport (playwright.config.js),
 * animations and the caret off, and everything that changes between runs
 * masked (the sandbox's port in URLs, permIds, dates and times, sizes of
 * folders). After an intended UI change, regenerate the references with
 * `jlpm test:update` in ui-tests/ and review the new images before committing
 * them (see CONTRIBUTING.md). A failed comparison leaves the expected, actual
 * and diff images in test-results/ (kept as CI artifacts).
 */
import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import { Locator } from '@playwright/test';

import { bridgeLogin, bridgeLogout, PANEL, toolbarButton } from './helpers';

/** What changes from run to run, painted over in every comparison. */
function volatile(page: IJupyterLabPageFixture): Locator[] {
  return [
    page.getByText(/127\.0\.0\.1:\d+/),
    page.getByText(/\d{17}-\d+/),
    page.getByText(/\d{4}-\d{2}-\d{2}|\d{1,2}:\d{2}/),
    page.locator('.jp-OpenbisBridge-transfers')
  ];
}

/** Compare `target` with its references `<name>-light.png` and `<name>-dark.png`. */
async function compareBothThemes(
  page: IJupyterLabPageFixture,
  target: Locator,
  name: string,
  masks: Locator[] = []
): Promise<void> {
  const mask = [...volatile(page), ...masks];
  await page.mouse.move(0, 0); // no hover state in the pictures
  await expect(target).toHaveScreenshot(`${name}-light.png`, { mask });
  await page.theme.setDarkTheme();
  await expect(target).toHaveScreenshot(`${name}-dark.png`, { mask });
  await page.theme.setLightTheme();
}

function dialogContent(page: IJupyterLabPageFixture): Locator {
  return page.locator('.jp-Dialog-content').last();
}

async function closeDialog(page: IJupyterLabPageFixture): Promise<void> {
  await page.keyboard.press('Escape');
  await expect(page.locator('.jp-Dialog')).toHaveCount(0);
}

test.describe('Screenshots', () => {
  test('side panel with an experiment and its details', async ({ page }) => {
    await bridgeLogin(page);
    await page.notebook.createNew('shots-panel.ipynb');
    await page.menu.clickMenuItem('View>openBIS Panel');
    const panel = page.locator(PANEL);
    await expect(panel.locator('[data-status="connected"]')).toBeVisible();
    // Down to the experiment, not into it: other tests of the run register data sets in
    // EXP1 and EXP2, and the picture must not depend on which ran before.
    for (const [kind, text] of [
      ['space', 'LAB'],
      ['project', 'PROJ1']
    ]) {
      const node = panel
        .locator(`[role="treeitem"][data-kind="${kind}"]`, { hasText: text })
        .first();
      await node.locator('.jp-OpenbisBridge-twisty').click();
      await expect(node).toHaveAttribute('aria-expanded', 'true');
      await expect(node).not.toHaveAttribute('aria-busy', 'true');
    }
    await panel
      .locator('[role="treeitem"][data-kind="experiment"]', {
        hasText: 'EXP1'
      })
      .click();
    const details = panel.locator('.jp-OpenbisBridge-details');
    await expect(details).toContainText('COLLECTION');
    // The split between tree, details and transfers as it is on a fresh page: earlier
    // tests of the run leave jobs in the transfers section, which must not move it.
    await page.evaluate(id => {
      const shell = (window as any).jupyterapp.shell;
      for (const area of ['left', 'right']) {
        for (const widget of shell.widgets(area)) {
          if (widget.id === id) {
            widget.widgets[1].setRelativeSizes([3, 2, 1]);
          }
        }
      }
    }, PANEL.slice(1));
    await compareBothThemes(page, panel, 'panel');
    await compareBothThemes(page, details, 'details');
  });

  test('connect dialog and the profile form', async ({ page }) => {
    await bridgeLogout(page);
    await page.notebook.createNew('shots-connect.ipynb');
    await toolbarButton(page, 'openbis-connect').click();
    const dialog = page.locator('.jp-Dialog');
    const row = dialog.locator('tr[data-connection="sandbox"]');
    await expect(row.locator('.jp-OpenbisBridge-status')).toHaveText(
      'Not logged in'
    );
    await compareBothThemes(page, dialogContent(page), 'connect-dialog');

    await dialog.getByRole('button', { name: 'Add connection…' }).click();
    const form = dialog.locator('[data-profile-form]');
    await expect(form.locator('legend')).toHaveText(
      'Add an openBIS connection'
    );
    await form
      .getByRole('textbox', { name: 'Name', exact: true })
      .fill('lab-archive');
    await form.getByLabel('openBIS URL').fill('https://openbis.example.org');
    await form.getByLabel('Default username').fill('alice');
    await compareBothThemes(page, dialogContent(page), 'profile-form');
    await closeDialog(page);
  });

  test('download dialog', async ({ page }) => {
    await bridgeLogin(page);
    await page.notebook.createNew('shots-download.ipynb');
    await toolbarButton(page, 'openbis-download').click();
    const dialog = page.locator('.jp-Dialog');
    await dialog.getByLabel('Space').selectOption('LAB');
    await dialog.getByLabel('Project').selectOption('/LAB/PROJ1');
    await dialog.getByLabel('Experiment').selectOption('/LAB/PROJ1/EXP1');
    // Searched within the experiment: other tests of this run register data sets in EXP1,
    // and the picture must not depend on which ran before.
    const search = dialog.getByLabel(
      'Search by text, code, identifier or permId'
    );
    await search.fill('Absorbance');
    await search.press('Enter');
    const table = dialog.locator('.jp-OpenbisBridge-datasets');
    await expect(table).toContainText('1–2 of 2');
    const first = table.locator('tr', { hasText: 'Absorbance run 1' });
    await first.getByRole('checkbox').check();
    await first.locator('td').nth(2).click();
    await expect(dialog.locator('.jp-OpenbisBridge-preview')).toContainText(
      'data.csv'
    );
    await compareBothThemes(page, dialogContent(page), 'download-dialog');
    await closeDialog(page);
  });

  test('save dialog', async ({ page }) => {
    await bridgeLogin(page);
    await page.notebook.createNew('shots-save.ipynb');
    await toolbarButton(page, 'openbis-save').click();
    const dialog = page.locator('.jp-Dialog');
    // The dialog opens once the new kernel has answered the environment capture.
    await expect(dialog.getByLabel('Data set type')).toHaveValue(
      'ANALYSIS_NOTEBOOK',
      { timeout: 60000 }
    );
    await expect(
      dialog.locator('.jp-OpenbisBridge-section', {
        hasText: 'Environment files'
      })
    ).toContainText('python-3.', { timeout: 60000 });
    // Installed package versions differ between machines: the environment
    // files are compared by their frame only.
    await compareBothThemes(page, dialogContent(page), 'save-dialog', [
      dialog.locator('.jp-OpenbisBridge-section', {
        hasText: 'Environment files'
      })
    ]);
    await closeDialog(page);
  });
});
