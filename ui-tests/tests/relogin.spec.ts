/**
 * When openBIS ends the session in the middle of work, the bridge asks the
 * user to log in again and then finishes what was asked: in the Download
 * and Save dialogs and in the side panel. The session is opened with a
 * session token, which the server cannot renew by itself (a held password
 * would renew it).
 */
import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';

import { newSessionToken, sandbox, setFaults, toolbarButton } from './helpers';

async function tokenLogin(page: IJupyterLabPageFixture): Promise<void> {
  const response = await page.request.post(
    '/openbis-bridge/connections/sandbox/login',
    { data: { token: newSessionToken() } }
  );
  expect(response.ok()).toBe(true);
}

/** The login prompt: password, then "Log in". */
async function logInAgain(page: IJupyterLabPageFixture): Promise<void> {
  const login = page.locator('.jp-OpenbisBridge-loginDialog');
  await expect(login).toBeVisible({ timeout: 30000 });
  await expect(login).toContainText('has ended. Log in again to continue.');
  await login.getByLabel('Password').fill(sandbox().password);
  await login.getByRole('button', { name: 'Log in', exact: true }).click();
  await expect(login).toHaveCount(0);
}

test.describe('Log in again when the session ends', () => {
  test.beforeEach(async ({ page }) => {
    await tokenLogin(page);
  });

  test.afterEach(() => {
    setFaults([]);
  });

  test('the Download dialog asks to log in, then the download completes', async ({
    page
  }) => {
    await page.notebook.createNew('relogin.ipynb');
    await toolbarButton(page, 'openbis-download').click();
    const dialog = page.locator('.jp-Dialog', {
      hasText: 'Download data from openBIS'
    });
    await expect(dialog.getByLabel('Space')).toContainText('LAB');

    setFaults(['expire-sessions']);
    await dialog.getByLabel('Space').selectOption('LAB');
    await logInAgain(page);

    // The failed call was retried: the projects of LAB are there.
    await dialog.getByLabel('Project').selectOption('/LAB/PROJ1');
    await dialog.getByLabel('Experiment').selectOption('/LAB/PROJ1/EXP1');
    const row = dialog.locator('.jp-OpenbisBridge-datasets tr', {
      hasText: 'Absorbance run 1'
    });
    await row.getByRole('checkbox').check();
    await dialog.getByRole('button', { name: 'Download', exact: true }).click();
    await expect(dialog).toHaveCount(0);
    await expect(
      page.locator('.Toastify__toast', { hasText: 'Downloaded 1 data set' })
    ).toBeVisible({ timeout: 30000 });
  });

  test('the Save dialog asks to log in, then the notebook is saved', async ({
    page
  }) => {
    await page.notebook.createNew('relogin-save.ipynb');
    await toolbarButton(page, 'openbis-save').click();
    const dialog = page.locator('.jp-Dialog', {
      hasText: 'Save notebook to openBIS'
    });
    await expect(dialog.getByLabel('Data set type')).toHaveValue(
      'ANALYSIS_NOTEBOOK'
    );
    await dialog.locator('[data-property="$NAME"]').fill('Saved after a login');

    setFaults(['expire-sessions']);
    const targetSearch = dialog.getByLabel(
      'Find the experiment or sample (text, code, identifier or permId)'
    );
    await targetSearch.fill('EXP2');
    await targetSearch.press('Enter');
    await logInAgain(page);

    // The search was retried: its results are there.
    await dialog.getByRole('radio', { name: /\/LAB\/PROJ1\/EXP2/ }).check();
    await dialog
      .getByRole('button', { name: 'Save to openBIS', exact: true })
      .click();
    await expect(dialog).toHaveCount(0);
    await expect(
      page.locator('.Toastify__toast', {
        hasText: 'Saved to openBIS as data set'
      })
    ).toBeVisible({ timeout: 60000 });
  });

  test('the side panel asks to log in, then the node opens', async ({
    page
  }) => {
    await page.menu.clickMenuItem('View>openBIS Panel');
    const panel = page.locator('#jp-OpenbisBridge-panel');
    const lab = panel.locator('[role="treeitem"]', { hasText: 'LAB' });
    await expect(lab).toBeVisible();

    setFaults(['expire-sessions']);
    await lab.locator('.jp-OpenbisBridge-twisty').click();
    await logInAgain(page);

    await expect(
      panel.locator('[role="treeitem"]', { hasText: 'PROJ1' })
    ).toBeVisible();
    await expect(panel.locator('[data-status="connected"]')).toBeVisible();
  });
});
