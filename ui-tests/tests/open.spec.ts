/**
 * Open a notebook saved in openBIS from the side panel: it opens from
 * openbis/<permId>/ with its environment files and, when asked, the parent
 * data set where its provenance says; Save then offers a new version of that
 * data set; opening it again opens the existing folder as it is.
 */
import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';

import { bridgeLogin, PANEL, pybis, toolbarButton } from './helpers';

const VALUES = 'x,y\n1,2.5\n';

interface ISaved {
  notebook: string;
  parent: string;
}

/** A parent data set and a notebook data set that read it from data/<parent>. */
function saveNotebookDataSet(): ISaved {
  return pybis<ISaved>(`
import tempfile, os
folder = tempfile.mkdtemp()
def dataset(kind, files, **extra):
    sub = tempfile.mkdtemp(dir=folder)
    for name, text in files.items():
        open(os.path.join(sub, name), "w").write(text)
    d = o.new_dataset(type=kind, experiment="/LAB/PROJ1/EXP1",
                      files=[os.path.join(sub, n) for n in files],
                      props={"$name": "open-ui " + kind.lower()}, **extra)
    d.save()
    return d.permId
parent = dataset("RAW_DATA", {"values.csv": ${JSON.stringify(VALUES)}})
record = {"instance": o.url, "connection": "sandbox", "permId": parent, "type": "RAW_DATA",
          "path": "data/" + parent, "pathBase": "notebook", "size": 1,
          "files": [{"path": "data/" + parent + "/values.csv", "size": 1, "crc32": 1}],
          "time": "2026-01-01T00:00:00.000Z"}
notebook = {"cells": [{"cell_type": "code", "id": "c1", "metadata": {}, "outputs": [],
                       "execution_count": None, "source": "print(6 * 7)"}],
            "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                        "language": "python"},
                         "openbis": {"downloads": [record], "uploads": []}},
            "nbformat": 4, "nbformat_minor": 5}
perm = dataset("ANALYSIS_NOTEBOOK", {"analysis.ipynb": json.dumps(notebook),
               "requirements.txt": "", "runtime.txt": "python-3.11\\n"}, parents=[parent])
print(json.dumps({"notebook": perm, "parent": parent}))
`);
}

async function showInPanel(
  page: IJupyterLabPageFixture,
  permId: string
): Promise<void> {
  await page.evaluate(() =>
    (window as any).jupyterapp.commands.execute('openbis-bridge:open-panel')
  );
  const panel = page.locator(PANEL);
  const search = panel.getByLabel('Search openBIS');
  await search.fill(permId);
  await search.press('Enter');
  await panel.locator('[role="treeitem"]', { hasText: 'open-ui' }).click();
  await expect(panel.locator('.jp-OpenbisBridge-details')).toContainText(
    'ANALYSIS_NOTEBOOK'
  );
}

async function currentPath(page: IJupyterLabPageFixture): Promise<string> {
  return page.evaluate(
    () => (window as any).jupyterapp.shell.currentWidget?.context?.path ?? ''
  );
}

async function exists(
  page: IJupyterLabPageFixture,
  path: string
): Promise<boolean> {
  const reply = await page.request.get(`/api/contents/${path}?content=0`);
  return reply.ok();
}

test.describe('Open Notebook from openBIS', () => {
  test.beforeEach(async ({ page }) => {
    await bridgeLogin(page);
  });

  test('from the panel: opens from openbis/<permId>/, then Save offers a new version', async ({
    page
  }) => {
    const saved = saveNotebookDataSet();
    const folder = `openbis/${saved.notebook}`;
    await showInPanel(page, saved.notebook);
    await page
      .locator(`${PANEL} .jp-OpenbisBridge-detailsActions`)
      .getByRole('button', { name: 'Open', exact: true })
      .click();

    const dialog = page.locator('.jp-Dialog');
    await expect(dialog.locator('.jp-Dialog-header')).toHaveText(
      'Open Notebook from openBIS'
    );
    await expect(dialog).toContainText(`${folder}/`);
    await expect(dialog.locator('.jp-OpenbisBridge-openParents')).toContainText(
      saved.parent
    );
    const parents = dialog.getByLabel(/Also download the parent data set/);
    await expect(parents).not.toBeChecked(); // large data stays opt-in
    await parents.check();
    await dialog.getByRole('button', { name: 'Open', exact: true }).click();

    await expect
      .poll(() => currentPath(page), { timeout: 60000 })
      .toBe(`${folder}/analysis.ipynb`);
    expect(await exists(page, `${folder}/requirements.txt`)).toBe(true);
    expect(await exists(page, `${folder}/runtime.txt`)).toBe(true);
    const csv = await page.request.get(
      `/api/contents/${folder}/data/${saved.parent}/values.csv`
    );
    expect((await csv.json()).content).toBe(VALUES);

    // Save knows the data set this notebook came from.
    await toolbarButton(page, 'openbis-save').click();
    const save = page.locator('.jp-Dialog');
    await expect(save.locator('.jp-OpenbisBridge-saveAgain')).toContainText(
      `Save as new version (${saved.notebook} becomes its parent)`,
      { timeout: 60000 }
    );
    await expect(
      save.getByRole('radio', { name: /Save as new version/ })
    ).toBeChecked();
    await save.getByRole('button', { name: 'Cancel' }).click();
    await expect(page.locator('.jp-Dialog')).toHaveCount(0);

    // Opened again: the existing folder opens as it is.
    await page.evaluate(permId => {
      void (window as any).jupyterapp.commands.execute(
        'openbis-bridge:open-notebook',
        { permId }
      );
    }, saved.notebook);
    await expect(dialog).toContainText('Opened before');
    await dialog.getByRole('button', { name: 'Open', exact: true }).click();
    await expect(
      page.locator('.jp-Notification-Toast-info, .Toastify__toast', {
        hasText: 'was opened before'
      })
    ).toBeVisible();
    expect(await currentPath(page)).toBe(`${folder}/analysis.ipynb`);
  });

  test('the command searches saved notebooks', async ({ page }) => {
    const saved = saveNotebookDataSet();
    await page.menu.clickMenuItem('openBIS>Open Notebook from openBIS…');
    const dialog = page.locator('.jp-Dialog');
    const search = dialog.getByLabel('Search saved notebooks');
    await search.fill(saved.notebook);
    await search.press('Enter');
    const hit = dialog.getByRole('option', {
      name: new RegExp(saved.notebook)
    });
    await expect(hit).toHaveCount(1);
    await hit.click();
    await expect(dialog.locator('.jp-OpenbisBridge-openPlan')).toContainText(
      'analysis.ipynb'
    );
    await expect(
      dialog.getByRole('option', { name: /open-ui raw_data/ })
    ).toHaveCount(0);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
  });
});
