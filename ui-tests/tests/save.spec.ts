import { expect, test } from '@jupyterlab/galata';

import {
  bridgeLogin,
  pybis,
  screenshotBothThemes,
  toolbarButton
} from './helpers';

interface ISavedDataSet {
  type: string;
  props: Record<string, string | null>;
  parents: string[];
  files: string[];
  experiment: string | null;
}

test.describe('Save to openBIS', () => {
  test.beforeEach(async ({ page }) => {
    await bridgeLogin(page);
  });

  test('typed properties, a parent and the environment files reach openBIS', async ({
    page,
    tmpPath
  }, testInfo) => {
    // The parent: a data set this notebook "downloaded" earlier.
    const found = await page.request.get(
      '/openbis-bridge/connections/sandbox/search?q=Absorbance%20run%201&kinds=dataSet'
    );
    const parent: string = (await found.json()).results.dataSet.items[0].permId;

    await page.notebook.createNew('save.ipynb');
    await page.notebook.setCell(0, 'code', 'print("hello openBIS")');
    await page.notebook.runCell(0);
    await page.evaluate(permId => {
      const panel = (window as any).jupyterapp.shell.currentWidget;
      panel.model.setMetadata('openbis', {
        downloads: [{ permId, path: 'data/' + permId, files: [] }],
        uploads: []
      });
    }, parent);

    await toolbarButton(page, 'openbis-save').click();
    const dialog = page.locator('.jp-Dialog');
    await expect(dialog.locator('.jp-Dialog-header')).toContainText(
      'Save notebook to openBIS'
    );
    await expect(dialog.getByLabel('Data set type')).toHaveValue(
      'ANALYSIS_NOTEBOOK'
    );
    await expect(dialog.getByRole('checkbox', { name: parent })).toBeChecked();
    await expect(
      dialog.getByLabel('requirements.txt', { exact: true })
    ).toContainText('ipykernel==');
    await expect(
      dialog.locator('.jp-OpenbisBridge-section', {
        hasText: 'Environment files'
      })
    ).toContainText('python-3.');

    // Capture mode: "imported" by default; "full" (chosen by keyboard) pins more.
    const requirements = dialog.getByLabel('requirements.txt', { exact: true });
    const pinCount = (text: string) =>
      text.split('\n').filter(line => /^[^#\s].*==/.test(line)).length;
    const imported = dialog.getByRole('radio', { name: 'Imported' });
    await expect(imported).toBeChecked();
    const importedPins = pinCount(await requirements.innerText());
    await imported.focus();
    await page.keyboard.press('ArrowDown');
    await expect(dialog.getByRole('radio', { name: 'Full' })).toBeChecked();
    await expect
      .poll(async () => pinCount(await requirements.innerText()), {
        timeout: 60000
      })
      .toBeGreaterThan(importedPins);
    const fullText = await requirements.innerText();

    // Target by search.
    const targetSearch = dialog.getByLabel(
      'Find the experiment or sample (text, code, identifier or permId)'
    );
    await targetSearch.fill('EXP2');
    await targetSearch.press('Enter');
    await dialog.getByRole('radio', { name: /\/LAB\/PROJ1\/EXP2/ }).check();

    // A mandatory property left empty is refused next to its field (Name starts
    // as the notebook's title, so it is emptied first).
    await dialog.locator('[data-property="$NAME"]').fill('');
    await dialog.locator('[data-property="KERNEL"]').selectOption('PYTHON3');
    await dialog
      .getByRole('button', { name: 'Save to openBIS', exact: true })
      .click();
    const nameField = dialog.locator('.jp-OpenbisBridge-field', {
      has: page.locator('[data-property="$NAME"]')
    });
    await expect(nameField.getByRole('alert')).toHaveText('Required.');
    await expect(dialog.locator('[data-property="$NAME"]')).toHaveAttribute(
      'aria-invalid',
      'true'
    );
    await screenshotBothThemes(page, testInfo, 'save-dialog-invalid');

    await dialog
      .locator('[data-property="$NAME"]')
      .fill('Notebook from Galata');
    await dialog.locator('[data-property="NOTES"]').fill('line one\nline two');
    await screenshotBothThemes(page, testInfo, 'save-dialog');
    await dialog
      .getByRole('button', { name: 'Save to openBIS', exact: true })
      .click();
    await expect(dialog).toHaveCount(0);

    const success = page.locator('.Toastify__toast', {
      hasText: 'Saved to openBIS as data set'
    });
    await expect(success).toBeVisible({ timeout: 60000 });
    await expect(
      success.getByRole('button', { name: 'Open in openBIS' })
    ).toBeVisible();
    const uploads = await page.evaluate(
      () =>
        (window as any).jupyterapp.shell.currentWidget.model.getMetadata(
          'openbis'
        ).uploads
    );
    expect(uploads).toHaveLength(1);
    const permId: string = uploads[0].permId;
    const recorded = await page.evaluate(
      () =>
        (window as any).jupyterapp.shell.currentWidget.model.getMetadata(
          'openbis'
        ).environment
    );
    expect(recorded.mode).toBe('full');
    // Uploaded from a per-save folder: nothing is written beside the notebook.
    expect(await page.contents.fileExists(`${tmpPath}/requirements.txt`)).toBe(
      false
    );
    expect(await page.contents.fileExists(`${tmpPath}/runtime.txt`)).toBe(
      false
    );

    const saved = pybis<ISavedDataSet>(`
ds = o.get_dataset(${JSON.stringify(permId)})
props = {k.upper(): v for k, v in ds.props.all().items()}
print(json.dumps({"type": ds.type.code, "props": props, "parents": list(ds.parents or []),
                  "files": list(ds.file_list), "experiment": ds.experiment.identifier if ds.experiment else None}))
`);
    expect(saved.type).toBe('ANALYSIS_NOTEBOOK');
    expect(saved.experiment).toBe('/LAB/PROJ1/EXP2');
    expect(saved.parents).toEqual([parent]);
    expect(saved.props['$NAME']).toBe('Notebook from Galata');
    expect(saved.props['KERNEL']).toBe('PYTHON3');
    expect(saved.props['NOTES']).toBe('line one\nline two');
    const names = saved.files.map(f => f.split('/').pop());
    expect(names).toEqual(
      expect.arrayContaining(['save.ipynb', 'requirements.txt', 'runtime.txt'])
    );
    const savedRequirements = pybis<string>(`
import pathlib, tempfile
ds = o.get_dataset(${JSON.stringify(permId)})
path = [f for f in ds.file_list if f.endswith("/requirements.txt")][0]
folder = tempfile.mkdtemp()
ds.download(files=[path], destination=folder, create_default_folders=False, wait_until_finished=True)
print(json.dumps(next(pathlib.Path(folder).rglob("requirements.txt")).read_text()))
`);
    expect(pinCount(savedRequirements)).toBeGreaterThan(importedPins);
    expect(savedRequirements.trim()).toBe(fullText.trim());
  });
});

test.describe('Save to openBIS with numbers and a checkbox', () => {
  test.beforeEach(async ({ page }) => {
    await bridgeLogin(page);
  });

  test('typed values, an extra file and a sample owner; values are remembered per type', async ({
    page,
    tmpPath
  }) => {
    await page.notebook.createNew('typed.ipynb');
    await page.contents.uploadContent(
      'a,b\n1,2\n',
      'text',
      `${tmpPath}/results.csv`
    );

    await toolbarButton(page, 'openbis-save').click();
    const dialog = page.locator('.jp-Dialog');
    await expect(dialog.locator('.jp-Dialog-header')).toContainText(
      'Save notebook to openBIS'
    );
    await dialog.getByLabel('Data set type').selectOption('ANALYZED_DATA');
    await expect(
      dialog.locator('[data-property="TEMPERATURE"]')
    ).toHaveAttribute('inputmode', 'decimal');
    await expect(
      dialog.locator('[data-property="REPLICATES"]')
    ).toHaveAttribute('inputmode', 'numeric');
    await expect(
      dialog.locator('[data-property="CALIBRATED"]')
    ).toHaveAttribute('type', 'checkbox');

    // The client refuses a fractional INTEGER next to its field.
    await dialog.locator('[data-property="$NAME"]').fill('Typed values');
    await dialog.locator('[data-property="TEMPERATURE"]').fill('36.6');
    await dialog.locator('[data-property="REPLICATES"]').fill('2.5');
    await dialog.locator('[data-property="CALIBRATED"]').check();
    const targetSearch = dialog.getByLabel(
      'Find the experiment or sample (text, code, identifier or permId)'
    );
    await targetSearch.fill('STEP1');
    await targetSearch.press('Enter');
    await dialog.getByRole('radio', { name: /STEP1/ }).check();
    await dialog.getByLabel('results.csv').check();
    await dialog
      .getByRole('button', { name: 'Save to openBIS', exact: true })
      .click();
    const replicates = dialog.locator('.jp-OpenbisBridge-field', {
      has: page.locator('[data-property="REPLICATES"]')
    });
    await expect(replicates.getByRole('alert')).toHaveText(
      'Enter a whole number.'
    );

    await dialog.locator('[data-property="REPLICATES"]').fill('4');
    await dialog
      .getByRole('button', { name: 'Save to openBIS', exact: true })
      .click();
    await expect(dialog).toHaveCount(0);
    await expect(
      page.locator('.Toastify__toast', {
        hasText: 'Saved to openBIS as data set'
      })
    ).toBeVisible({
      timeout: 60000
    });
    const permId: string = await page.evaluate(
      () =>
        (window as any).jupyterapp.shell.currentWidget.model.getMetadata(
          'openbis'
        ).uploads[0].permId
    );
    const saved = pybis<ISavedDataSet & { sample: string | null }>(`
ds = o.get_dataset(${JSON.stringify(permId)})
props = {k.upper(): v for k, v in ds.props.all().items()}
print(json.dumps({"type": ds.type.code, "props": props, "parents": list(ds.parents or []), "files": list(ds.file_list),
                  "experiment": None, "sample": ds.sample.identifier if ds.sample else None}, default=str))
`);
    expect(saved.type).toBe('ANALYZED_DATA');
    expect(saved.sample).toMatch(/STEP1$/);
    expect(Number(saved.props['TEMPERATURE'])).toBe(36.6);
    expect(Number(saved.props['REPLICATES'])).toBe(4);
    expect(String(saved.props['CALIBRATED']).toLowerCase()).toBe('true');
    expect(saved.files.map(f => f.split('/').pop())).toEqual(
      expect.arrayContaining(['typed.ipynb', 'results.csv'])
    );

    // The next save starts with this type and its values.
    await toolbarButton(page, 'openbis-save').click();
    await expect(dialog.getByLabel('Data set type')).toHaveValue(
      'ANALYZED_DATA'
    );
    await expect(dialog.locator('[data-property="TEMPERATURE"]')).toHaveValue(
      '36.6'
    );
    await expect(
      dialog.locator('.jp-OpenbisBridge-targetChoice')
    ).toContainText('STEP1');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect(dialog).toHaveCount(0);
  });
});

test.describe('Save to openBIS, refused by the server', () => {
  test.beforeEach(async ({ page }) => {
    await bridgeLogin(page);
  });

  test('a server-side refusal is shown next to the files it concerns', async ({
    page,
    tmpPath
  }) => {
    await page.notebook.createNew('dupes.ipynb');
    await page.contents.uploadContent('1\n', 'text', `${tmpPath}/a/x.csv`);
    await page.contents.uploadContent('2\n', 'text', `${tmpPath}/b/x.csv`);

    await toolbarButton(page, 'openbis-save').click();
    const dialog = page.locator('.jp-Dialog');
    await dialog.getByLabel('Data set type').selectOption('ANALYSIS_NOTEBOOK');
    await dialog
      .locator('[data-property="$NAME"]')
      .fill('Two files with one name');
    const targetSearch = dialog.getByLabel(
      'Find the experiment or sample (text, code, identifier or permId)'
    );
    await targetSearch.fill('EXP2');
    await targetSearch.press('Enter');
    await dialog.getByRole('radio', { name: /\/LAB\/PROJ1\/EXP2/ }).check();

    // Both x.csv files, picked in their folders (the client cannot know they clash).
    const picker = dialog.locator('.jp-OpenbisBridge-filePicker');
    await picker.getByRole('button', { name: 'Open folder a' }).click();
    await picker.getByLabel('x.csv').check();
    await picker.getByRole('button', { name: 'Up' }).click();
    await picker.getByRole('button', { name: 'Open folder b' }).click();
    await picker.getByLabel('x.csv').check();

    await dialog
      .getByRole('button', { name: 'Save to openBIS', exact: true })
      .click();
    const files = dialog.locator('.jp-OpenbisBridge-section', {
      hasText: 'Extra files and folders'
    });
    // The server's field code, translated (errors.ts).
    await expect(files.locator('.jp-OpenbisBridge-fieldError')).toHaveText(
      'Duplicate name.'
    );
    await expect(dialog.getByRole('alert').first()).toContainText(
      'both named x.csv'
    );
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect(dialog).toHaveCount(0);
  });
});
