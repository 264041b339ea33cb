/**
 * Every dialog by keyboard alone: the palette opens it, the focus starts on
 * the first field that needs input, Tab and Shift+Tab stay inside (fields,
 * then buttons, around again), Enter submits only from one-line fields,
 * Escape closes, and inline confirmations give the focus back.
 */
import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';

import { bridgeLogin, bridgeLogout, pybis, sandbox } from './helpers';

/** Open a dialog through the command palette, typing only. */
async function runFromPalette(
  page: IJupyterLabPageFixture,
  label: string
): Promise<void> {
  const palette = page.locator('#command-palette');
  const item = palette.locator('.lm-CommandPalette-item.lm-mod-active', {
    hasText: label
  });
  // The palette lists commands once the notebook is current: type again until it does.
  await expect(async () => {
    if (!(await palette.isVisible())) {
      await page.keyboard.press('Control+Shift+C');
    }
    const input = palette.locator('.lm-CommandPalette-input');
    await expect(input).toBeFocused();
    await page.keyboard.press('Control+A');
    await page.keyboard.type(label);
    await expect(item).toBeVisible({ timeout: 2000 });
  }).toPass({ timeout: 20000 });
  await page.keyboard.press('Enter');
}

interface IFocused {
  inDialog: boolean;
  inFooter: boolean;
  name: string;
}

async function focused(page: IJupyterLabPageFixture): Promise<IFocused> {
  return page.evaluate(() => {
    const active = document.activeElement as HTMLElement | null;
    // The label's text without what is hidden from assistive technology (" *").
    const label = active?.id
      ? (document
          .querySelector(`label[for="${active.id}"]`)
          ?.cloneNode(true) as HTMLElement | undefined)
      : undefined;
    label?.querySelectorAll('[aria-hidden="true"]').forEach(n => n.remove());
    const labelled = label?.textContent ?? null;
    return {
      inDialog: !!active?.closest('.jp-Dialog'),
      inFooter: !!active?.closest('.jp-Dialog-footer'),
      name:
        active?.getAttribute('aria-label') ??
        labelled ??
        active?.textContent?.trim() ??
        ''
    };
  });
}

/** Press Tab (Shift+Tab with `back`) until the focused element matches `selector`. */
async function tabToElement(
  page: IJupyterLabPageFixture,
  selector: string,
  back = false
): Promise<void> {
  for (let i = 0; i < 60; i++) {
    if (
      await page.evaluate(
        sel => !!document.activeElement?.matches(sel),
        selector
      )
    ) {
      return;
    }
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
  }
  throw new Error(`Tab never reached ${selector}`);
}

/** Press Tab until the focused element's name matches, at most `limit` times. */
async function tabTo(
  page: IJupyterLabPageFixture,
  name: string | RegExp,
  limit = 40
): Promise<void> {
  for (let i = 0; i < limit; i++) {
    const now = await focused(page);
    if (typeof name === 'string' ? now.name === name : name.test(now.name)) {
      return;
    }
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${name}`);
}

/** Tab once around the dialog: it never leaves, and wraps from the buttons to the fields. */
async function checkTabCycle(page: IJupyterLabPageFixture): Promise<void> {
  const start = await focused(page);
  const seen: IFocused[] = [];
  for (let i = 0; i < 60; i++) {
    await page.keyboard.press('Tab');
    const now = await focused(page);
    seen.push(now);
    if (now.name === start.name && now.inFooter === start.inFooter) {
      break;
    }
  }
  expect(seen.every(f => f.inDialog)).toBe(true);
  const wrap = seen.findIndex(
    (f, i) => i > 0 && seen[i - 1].inFooter && !f.inFooter
  );
  expect(wrap).toBeGreaterThan(0); // buttons come last, then the fields again
  expect(seen[seen.length - 1].name).toBe(start.name);
  // Shift+Tab from the first field goes back to the last button.
  while ((await focused(page)).name !== seen[wrap].name) {
    await page.keyboard.press('Tab');
  }
  await page.keyboard.press('Shift+Tab');
  expect(await focused(page)).toEqual(seen[wrap - 1]);
}

test.describe('Dialogs by keyboard alone', () => {
  test.afterEach(async ({ page }) => {
    // A profile the Connect test adds must not outlive a failure.
    await page.request.delete('/openbis-bridge/connections/keys');
  });

  test('Connect: log in, then add, keep and remove a profile; Escape closes', async ({
    page
  }) => {
    await bridgeLogout(page);
    await page.notebook.createNew('keys-connect.ipynb');
    const dialog = page.locator('.jp-Dialog');

    await runFromPalette(page, 'Connect to openBIS');
    const password = dialog.getByLabel('Password', { exact: true });
    await expect(password).toBeFocused();
    await checkTabCycle(page);
    await tabTo(page, 'Password');
    await page.keyboard.type(sandbox().password);
    await page.keyboard.press('Enter');
    await expect(dialog).toHaveCount(0);
    await expect(
      page.locator(
        '.jp-NotebookPanel-toolbar [data-jp-item-name="openbis-connect"]'
      )
    ).toContainText('Connected: sandbox');

    // Profile management, inline in the same dialog.
    await runFromPalette(page, 'Connect to openBIS');
    await expect(dialog.locator('tr[data-connection="sandbox"]')).toBeVisible();
    await tabTo(page, 'Add connection…');
    await page.keyboard.press('Enter');
    await expect(
      dialog.getByRole('textbox', { name: 'Name', exact: true })
    ).toBeFocused();
    await page.keyboard.type('keys');
    await page.keyboard.press('Tab');
    await expect(dialog.getByLabel('openBIS URL')).toBeFocused();
    await page.keyboard.press('Control+A');
    await page.keyboard.type(sandbox().url);
    await page.keyboard.press('Enter'); // saves the profile, not the dialog
    await expect(dialog.locator('tr[data-connection="keys"]')).toBeVisible();
    await expect(dialog).toHaveCount(1);
    await expect(dialog.getByLabel('Password', { exact: true })).toBeFocused();

    await tabTo(page, 'Remove keys');
    await page.keyboard.press('Enter');
    await expect(dialog.getByRole('button', { name: 'Keep' })).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(
      dialog.getByRole('button', { name: 'Remove keys' })
    ).toBeFocused();
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab');
    await expect(
      dialog.getByRole('button', { name: 'Remove', exact: true })
    ).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(dialog.locator('tr[data-connection="keys"]')).toHaveCount(0);
    await expect(
      dialog.getByRole('button', { name: 'Add connection…' })
    ).toBeFocused();
    await page.keyboard.press('Escape');
    await expect(dialog).toHaveCount(0);
  });

  test('Download: search with Enter, pick with Space, download with Enter', async ({
    page,
    tmpPath
  }) => {
    await bridgeLogin(page);
    await page.notebook.createNew('keys-download.ipynb');
    const dialog = page.locator('.jp-Dialog');
    await runFromPalette(page, 'Download Data from openBIS');
    const search = dialog.getByLabel(
      'Search by text, code, identifier or permId'
    );
    await expect(search).toBeFocused();
    await checkTabCycle(page);
    await tabTo(page, 'Search by text, code, identifier or permId');
    await page.keyboard.type('Absorbance run 1');
    await page.keyboard.press('Enter'); // searches; the dialog stays
    const row = dialog.locator('tbody tr[data-permid]').first();
    await expect(row).toBeVisible();
    await expect(dialog).toHaveCount(1);
    const permId = await row.getAttribute('data-permid');
    await tabTo(page, /Absorbance run 1/);
    await page.keyboard.press('Space');
    await expect(row.getByRole('checkbox')).toBeChecked();
    await tabTo(page, 'Download to folder');
    await page.keyboard.press('Enter');
    await expect(dialog).toHaveCount(0);
    await expect
      .poll(
        async () => page.contents.directoryExists(`${tmpPath}/data/${permId}`),
        {
          timeout: 60000
        }
      )
      .toBe(true);
  });

  test('Save: Enter adds lines in a multi-line field, submits from a one-line field', async ({
    page
  }) => {
    await bridgeLogin(page);
    await page.notebook.createNew('keys-save.ipynb');
    const dialog = page.locator('.jp-Dialog');
    await runFromPalette(page, 'Save Notebook to openBIS');
    const target = dialog.getByLabel(
      'Find the experiment or sample (text, code, identifier or permId)'
    );
    // Name and Kernel are filled: the target is the first field needing input.
    await expect(target).toBeFocused({ timeout: 60000 });
    await checkTabCycle(page);
    await tabTo(
      page,
      'Find the experiment or sample (text, code, identifier or permId)'
    );
    await page.keyboard.type('/LAB/PROJ1/EXP2');
    await page.keyboard.press('Enter'); // searches; the single hit is chosen
    await expect(
      dialog.locator('.jp-OpenbisBridge-targetChoice')
    ).toContainText('Selected experiment: /LAB/PROJ1/EXP2');
    await tabToElement(page, '[data-property="NOTES"]');
    await page.keyboard.type('line one');
    await page.keyboard.press('Enter');
    await page.keyboard.type('line two');
    await expect(dialog).toHaveCount(1);
    await tabToElement(page, '[data-property="$NAME"]', true);
    await page.keyboard.press('Enter');
    await expect(dialog).toHaveCount(0);
    await expect(
      page.locator('.Toastify__toast', {
        hasText: 'Saved to openBIS as data set'
      })
    ).toBeVisible({ timeout: 60000 });
    const permId: string = await page.evaluate(
      () =>
        (window as any).jupyterapp.shell.currentWidget.model.getMetadata(
          'openbis'
        ).uploads[0].permId
    );
    const saved = pybis<{ props: Record<string, string> }>(`
ds = o.get_dataset(${JSON.stringify(permId)})
print(json.dumps({"props": {k.upper(): v for k, v in ds.props.all().items()}}))
`);
    expect(saved.props['NOTES']).toBe('line one\nline two');
    expect(saved.props['$NAME']).toBe('keys-save');
    expect(saved.props['KERNEL']).toBe('PYTHON3');
  });
});
