/**
 * Saving again in Notebook 7 behaves as in JupyterLab: the dialog says where
 * the notebook went before, a stray Enter uploads nothing, and a new version
 * has the previous data set as its parent.
 */
import { APIRequestContext, expect, test } from '@playwright/test';

import { bridgeLogin, createEmptyNotebook, pybis } from '../tests/helpers';

async function uploads(
  request: APIRequestContext,
  name: string
): Promise<string[]> {
  const answer = await request.get(`/api/contents/${name}?content=1`);
  const model = await answer.json();
  return (model.content?.metadata?.openbis?.uploads ?? []).map(
    (u: { permId: string }) => u.permId
  );
}

test('saving again asks for a new version in Notebook 7 too', async ({
  page,
  request
}) => {
  const name = `nb7-again-${Date.now()}.ipynb`;
  await createEmptyNotebook(request, name);
  await bridgeLogin(page);
  await page.goto(`/notebooks/${name}`);
  const toolbar = page.locator('.jp-NotebookPanel-toolbar');
  const save = toolbar.locator('[data-jp-item-name="openbis-save"] button');
  await expect(save).toBeVisible({ timeout: 30000 });
  const dialog = page.locator('.jp-Dialog');

  await save.click();
  await expect(dialog.locator('.jp-Dialog-header')).toContainText(
    'Save notebook to openBIS',
    { timeout: 60000 }
  );
  await expect(dialog.locator('[data-property="$NAME"]')).toHaveValue(
    name.replace(/\.ipynb$/, '')
  );
  const target = dialog.getByLabel(
    'Find the experiment or sample (text, code, identifier or permId)'
  );
  await target.fill('/LAB/PROJ1/EXP2');
  await target.press('Enter');
  await expect(dialog.locator('.jp-OpenbisBridge-targetChoice')).toContainText(
    '/LAB/PROJ1/EXP2'
  );
  await dialog
    .getByRole('button', { name: 'Save to openBIS', exact: true })
    .click();
  await expect(dialog).toHaveCount(0);
  await expect
    .poll(() => uploads(request, name), { timeout: 60000 })
    .toHaveLength(1);
  const [first] = await uploads(request, name);

  await save.click();
  const again = dialog.locator('.jp-OpenbisBridge-saveAgain');
  await expect(again).toContainText(`Saved before as ${first} on`, {
    timeout: 60000
  });
  await expect(dialog.locator('.jp-OpenbisBridge-targetChoice')).toContainText(
    '/LAB/PROJ1/EXP2'
  );
  await dialog.locator('[data-property="$NAME"]').press('Enter');
  await expect(again.getByRole('alert')).toHaveText(
    'Saved before: choose a new version or a separate data set.'
  );
  await again.getByRole('radio', { name: /new version/ }).check();
  await dialog
    .getByRole('button', { name: 'Save to openBIS', exact: true })
    .click();
  await expect(dialog).toHaveCount(0);
  await expect
    .poll(() => uploads(request, name), { timeout: 60000 })
    .toHaveLength(2);
  const second = (await uploads(request, name))[1];
  const parents = pybis<string[]>(`
ds = o.get_dataset(${JSON.stringify(second)})
print(json.dumps(list(ds.parents or [])))
`);
  expect(parents).toEqual([first]);
});
