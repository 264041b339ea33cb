import { expect, test } from '@jupyterlab/galata';

import {
  bridgeLogout,
  newPersonalAccessToken,
  newSessionToken,
  sandbox,
  screenshotBothThemes,
  toolbarButton,
  toolbarItem
} from './helpers';

test.describe('Connect', () => {
  test.beforeEach(async ({ page }) => {
    await bridgeLogout(page);
  });

  test('a wrong password is refused inline, then login succeeds', async ({
    page
  }, testInfo) => {
    await page.notebook.createNew('connect.ipynb');
    await toolbarButton(page, 'openbis-connect').click();
    const dialog = page.locator('.jp-Dialog');
    await expect(dialog.locator('.jp-Dialog-header')).toHaveText(
      'Connect to openBIS'
    );
    const row = dialog.locator('tr[data-connection="sandbox"]');
    await expect(row).toContainText(sandbox().url);
    await expect(row.locator('.jp-OpenbisBridge-status')).toHaveText(
      'Not logged in'
    );

    await row.getByLabel('sandbox').check();
    await expect(dialog.getByLabel('Username', { exact: true })).toHaveValue(
      'admin'
    );
    await dialog.getByLabel('Password', { exact: true }).fill('wrong-password');
    await dialog.getByLabel('Password', { exact: true }).press('Enter');
    await expect(dialog.getByRole('alert')).toContainText('Login refused');
    await expect(dialog.getByRole('alert')).toContainText(
      'username or password'
    );
    await expect(row.locator('.jp-OpenbisBridge-status')).toHaveText(
      'Login failed'
    );
    await screenshotBothThemes(page, testInfo, 'connect-dialog-error');

    await dialog
      .getByLabel('Password', { exact: true })
      .fill(sandbox().password);
    // The choice reaches the user's workspace (state database) shortly after login.
    const remembered = page.waitForRequest(
      request =>
        request.method() === 'PUT' &&
        request.url().includes('/api/workspaces') &&
        (request.postData() ?? '').includes(
          '"jupyterlab-openbis-bridge:active-connection":"sandbox"'
        )
    );
    await dialog.getByRole('button', { name: 'Connect', exact: true }).click();
    await expect(dialog).toHaveCount(0);
    await expect(toolbarItem(page, 'openbis-connect')).toContainText(
      'Connected: sandbox'
    );

    // The chosen connection is remembered (state database), not per page load: with a
    // second profile present nothing would be chosen automatically after a reload.
    const spare = await page.request.post('/openbis-bridge/connections', {
      data: { name: 'spare', url: 'https://127.0.0.1:9' }
    });
    expect(spare.status()).toBe(201);
    try {
      await remembered;
      await page.notebook.save();
      // A plain browser reload (Galata's reload also waits for conditions unrelated to this check).
      await page.evaluate(() => window.location.reload());
      // The workspace restores the notebook tab; its toolbar shows the remembered connection.
      await expect(
        page.locator('.lm-TabBar-tab', { hasText: 'connect.ipynb' })
      ).toBeVisible();
      await expect(toolbarItem(page, 'openbis-connect')).toContainText(
        'Connected: sandbox'
      );
    } finally {
      await page.request.delete('/openbis-bridge/connections/spare');
    }
  });

  test('add a profile, see it unreachable, edit and remove it', async ({
    page
  }, testInfo) => {
    await page.notebook.createNew('profiles.ipynb');
    await toolbarButton(page, 'openbis-connect').click();
    const dialog = page.locator('.jp-Dialog');
    await dialog.getByRole('button', { name: 'Add connection…' }).click();

    const form = dialog.locator('[data-profile-form]');
    await expect(form.locator('legend')).toHaveText(
      'Add an openBIS connection'
    );
    await form
      .getByRole('textbox', { name: 'Name', exact: true })
      .fill('nowhere');
    await form.getByLabel('openBIS URL').fill('https://127.0.0.1:9');
    await form.getByLabel('Default username').fill('alice');
    await screenshotBothThemes(page, testInfo, 'connect-dialog-add-profile');
    await form.getByLabel('Default username').press('Enter');
    await expect(form).toHaveCount(0);

    const row = dialog.locator('tr[data-connection="nowhere"]');
    await expect(row).toContainText('https://127.0.0.1:9');
    await expect(row.getByRole('radio', { name: 'nowhere' })).toBeChecked();
    await expect(dialog.getByLabel('Username', { exact: true })).toHaveValue(
      'alice'
    );
    await dialog.getByLabel('Password', { exact: true }).fill('secret');
    await dialog.getByRole('button', { name: 'Connect', exact: true }).click();
    await expect(dialog.getByRole('alert')).toContainText('unreachable');
    await expect(row.locator('.jp-OpenbisBridge-status')).toHaveText(
      'Unreachable'
    );

    await row.getByRole('button', { name: 'Edit nowhere' }).click();
    await expect(
      form.getByRole('textbox', { name: 'Name', exact: true })
    ).toBeDisabled();
    await form.getByLabel('Default username').fill('bob');
    await form.getByRole('button', { name: 'Save connection' }).click();
    await expect(form).toHaveCount(0);
    await expect(dialog.getByLabel('Username', { exact: true })).toHaveValue(
      'bob'
    );

    await row.getByRole('button', { name: 'Remove nowhere' }).click();
    const confirm = dialog.getByRole('alertdialog');
    await expect(confirm).toContainText('Remove the connection "nowhere"');
    await confirm.getByRole('button', { name: 'Remove' }).click();
    await expect(row).toHaveCount(0);
    await dialog.getByRole('button', { name: 'Close' }).click();
    await expect(dialog).toHaveCount(0);
  });

  for (const method of [
    {
      label: 'Personal access token',
      token: () => newPersonalAccessToken(`galata-${Date.now()}`),
      authMethod: 'pat'
    },
    {
      label: 'Session token',
      token: () => newSessionToken(),
      authMethod: 'sessionToken'
    }
  ]) {
    test(`log in with a ${method.label.toLowerCase()}`, async ({ page }) => {
      const token = method.token();
      expect(token).toBeTruthy();
      await page.notebook.createNew(`token-${method.authMethod}.ipynb`);
      await toolbarButton(page, 'openbis-connect').click();
      const dialog = page.locator('.jp-Dialog');
      const row = dialog.locator('tr[data-connection="sandbox"]');
      await expect(row.locator('.jp-OpenbisBridge-status')).toHaveText(
        'Not logged in'
      );
      await row.getByLabel('sandbox').check();
      await dialog.getByLabel('Log in with').selectOption(method.authMethod);
      // No username for tokens.
      await expect(dialog.getByLabel('Username', { exact: true })).toHaveCount(
        0
      );
      await dialog
        .getByLabel(method.label, { exact: true })
        .fill('not-a-valid-token');
      await dialog
        .getByRole('button', { name: 'Connect', exact: true })
        .click();
      await expect(dialog.getByRole('alert')).toContainText('Login refused');

      await dialog.getByLabel(method.label, { exact: true }).fill(token);
      await dialog
        .getByRole('button', { name: 'Connect', exact: true })
        .click();
      await expect(dialog).toHaveCount(0);
      await expect(toolbarItem(page, 'openbis-connect')).toContainText(
        'Connected: sandbox'
      );
      const state = await (
        await page.request.get('/openbis-bridge/connections/sandbox?live=true')
      ).json();
      expect(state.status).toBe('connected');
      expect(state.authMethod).toBe(method.authMethod);
    });
  }
});
