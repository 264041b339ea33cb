/**
 * Links from the openBIS ELN (docs/deep-links.md): `lab?openbis-entity=…`
 * asks once, then creates a notebook for the entity whose first cell loads
 * the data sets, records their provenance and makes the entity the default
 * save target. Bad links are refused with a message and create nothing.
 * Notebooks the ELN's integration service drops into the home open and save
 * normally.
 */
import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import { APIRequestContext } from '@playwright/test';

import {
  bridgeLogin,
  pybis,
  screenshotBothThemes,
  toolbarButton,
  toolbarItem
} from './helpers';

const FOLDER = 'openbis/LAB/PROJ1';

interface IContentsModel {
  name: string;
  path: string;
  type: string;
  content: any;
}

async function contents(
  request: APIRequestContext,
  path: string
): Promise<IContentsModel | null> {
  const answer = await request.get(`/api/contents/${encodeURI(path)}`);
  if (answer.status() === 404) {
    return null;
  }
  expect(answer.ok()).toBe(true);
  return answer.json();
}

/** Every path below `path` (itself included), sorted; [] when it does not exist. */
async function tree(
  request: APIRequestContext,
  path: string
): Promise<string[]> {
  const model = await contents(request, path);
  if (!model) {
    return [];
  }
  if (model.type !== 'directory') {
    return [model.path];
  }
  const below = await Promise.all(
    (model.content as IContentsModel[]).map(child => tree(request, child.path))
  );
  return [model.path, ...below.flat()].sort();
}

async function put(
  request: APIRequestContext,
  path: string,
  model: Record<string, unknown>
): Promise<void> {
  const answer = await request.put(`/api/contents/${encodeURI(path)}`, {
    data: model
  });
  expect(answer.ok()).toBe(true);
}

/** The RAW_DATA data sets of /LAB/PROJ1/EXP1 in the demo seed. */
function rawDataSets(): string[] {
  return pybis<string[]>(`
ds = o.get_datasets(experiment="/LAB/PROJ1/EXP1", type="RAW_DATA")
print(json.dumps(sorted(d.permId for d in ds)))
`);
}

async function openLink(page: IJupyterLabPageFixture, query: string) {
  await page.goto(`?${query}`);
  // Read once: the address no longer carries the link, so a reload does not ask again.
  await expect.poll(() => page.url()).not.toContain('openbis-');
}

test.describe('Links from the openBIS ELN', () => {
  test.use({
    autoGoto: false,
    // Ready once the splash is gone: a link opens a dialog or a notebook, not the Launcher.
    waitForApplication: async ({ baseURL }, provide) => {
      void baseURL; // Playwright needs a destructured first parameter
      await provide(async page => {
        await page.locator('#jupyterlab-splash').waitFor({ state: 'detached' });
      });
    }
  });

  test.beforeEach(async ({ page }) => {
    await bridgeLogin(page);
  });

  test('a link to a collection with data sets creates a notebook after one question', async ({
    page,
    request
  }, testInfo) => {
    test.setTimeout(180000);
    const permIds = rawDataSets();
    expect(permIds).toHaveLength(2);
    // A notebook already called like the entity is never overwritten.
    for (const folder of ['openbis', 'openbis/LAB', FOLDER]) {
      await put(request, folder, { type: 'directory' });
    }
    const taken = `${FOLDER}/EXP1.ipynb`;
    if (!(await contents(request, taken))) {
      await put(request, taken, {
        type: 'notebook',
        content: {
          cells: [{ cell_type: 'markdown', metadata: {}, source: 'mine' }],
          metadata: {},
          nbformat: 4,
          nbformat_minor: 5
        }
      });
    }
    const takenBefore = (await contents(request, taken))!.content;
    const before = await tree(request, 'openbis');

    await openLink(
      page,
      `openbis-entity=/LAB/PROJ1/EXP1&openbis-datasets=${permIds.join(',')}`
    );
    const dialog = page.locator('.jp-Dialog');
    await expect(dialog.locator('.jp-Dialog-header')).toHaveText(
      'Create a notebook for /LAB/PROJ1/EXP1 with 2 data sets?',
      { timeout: 60000 }
    );
    for (const permId of permIds) {
      await expect(dialog.locator(`tr[data-permid="${permId}"]`)).toBeVisible();
    }
    // Asking changed nothing.
    expect(await tree(request, 'openbis')).toEqual(before);
    await screenshotBothThemes(page, testInfo, 'deeplink-confirm');
    await dialog.getByRole('button', { name: 'Create notebook' }).click();

    // The notebook opens; its data sets are downloaded and recorded, then it is saved.
    await expect(page.locator('.jp-NotebookPanel')).toBeVisible({
      timeout: 30000
    });
    const added = async () =>
      (await tree(request, FOLDER)).filter(
        p => p.endsWith('.ipynb') && !before.includes(p)
      );
    await expect.poll(added, { timeout: 30000 }).toHaveLength(1);
    const [created] = await added();
    expect(created).toMatch(/^openbis\/LAB\/PROJ1\/EXP1-\d+\.ipynb$/);
    expect((await contents(request, taken))!.content).toEqual(takenBefore);

    const recorded = async () =>
      (
        (await contents(request, created))!.content.metadata?.openbis
          ?.downloads ?? []
      )
        .map((d: { permId: string }) => d.permId)
        .sort();
    await expect.poll(recorded, { timeout: 60000 }).toEqual(permIds);
    const notebook = (await contents(request, created))!.content;
    const first = notebook.cells[0];
    expect(first.cell_type).toBe('code');
    expect(first.source).toContain(
      'from jupyterlab_openbis_bridge import load'
    );
    for (const [index, permId] of permIds.entries()) {
      expect(first.source).toContain(`data_${index + 1} = load("${permId}")`);
    }

    // The first cell works through the shared session: a table and a file.
    await page.notebook.runCell(0);
    await page.notebook.addCell(
      'code',
      'print(type(data_1).__name__, [p.name for p in data_2])'
    );
    await page.notebook.runCell((await page.notebook.getCellCount()) - 1);
    await expect(page.locator('.jp-OutputArea-output').last()).toContainText(
      "DataFrame ['image.png']",
      { timeout: 60000 }
    );

    // The entity is the save target.
    await toolbarButton(page, 'openbis-save').click();
    const save = page.locator('.jp-Dialog');
    await expect(save.locator('.jp-OpenbisBridge-targetChoice')).toContainText(
      '/LAB/PROJ1/EXP1',
      { timeout: 60000 }
    );
    await save.getByRole('button', { name: 'Cancel' }).click();
    await expect(save).toHaveCount(0);
    await request.delete(`/api/contents/${encodeURI(created)}`);
  });

  test('a link without data sets fetches the entity and sets it as save target', async ({
    page,
    request
  }) => {
    test.setTimeout(120000);
    await openLink(
      page,
      'openbis-entity=/lab/proj1/exp2&openbis-connection=sandbox'
    );
    const dialog = page.locator('.jp-Dialog');
    await expect(dialog.locator('.jp-Dialog-header')).toHaveText(
      'Create a notebook for /LAB/PROJ1/EXP2 with 0 data sets?',
      { timeout: 60000 }
    );
    await dialog.getByRole('button', { name: 'Create notebook' }).click();
    await expect(toolbarItem(page, 'openbis-connect')).toBeVisible({
      timeout: 30000
    });
    const path = await page.evaluate(
      () => (window as any).jupyterapp.shell.currentWidget.context.path
    );
    expect(path).toMatch(/^openbis\/LAB\/PROJ1\/EXP2(-\d+)?\.ipynb$/);
    const notebook = (await contents(request, path))!.content;
    expect(notebook.cells[0].source).toBe(
      [
        '# openBIS collection /LAB/PROJ1/EXP2',
        'from jupyterlab_openbis_bridge import openbis',
        'entity = openbis("sandbox").get_experiment("/LAB/PROJ1/EXP2")'
      ].join('\n')
    );

    await toolbarButton(page, 'openbis-save').click();
    const save = page.locator('.jp-Dialog');
    await expect(save.locator('.jp-OpenbisBridge-targetChoice')).toContainText(
      'Selected experiment: /LAB/PROJ1/EXP2',
      { timeout: 60000 }
    );
    await save.getByRole('button', { name: 'Cancel' }).click();
    await request.delete(`/api/contents/${encodeURI(path)}`);
  });

  test('bad links are refused with a message and create nothing', async ({
    page,
    request
  }) => {
    test.setTimeout(180000);
    const [known] = rawDataSets();
    const refusals: [string, string, string][] = [
      [
        'a malformed identifier',
        'openbis-entity=/LAB/PROJ1/EXP1/extra',
        '“/LAB/PROJ1/EXP1/extra” is not an openBIS identifier or permId'
      ],
      [
        'a malformed data set permId',
        'openbis-entity=/LAB/PROJ1/EXP1&openbis-datasets=DROP-TABLE',
        '“DROP-TABLE” in openbis-datasets is not a data set permId'
      ],
      [
        'an unknown permId',
        `openbis-entity=/LAB/PROJ1/EXP1&openbis-datasets=${known},99990101000000000-1`,
        'openBIS (sandbox) has no data set 99990101000000000-1. Nothing was created.'
      ],
      [
        'an unknown entity',
        'openbis-entity=/LAB/PROJ1/NOPE',
        'openBIS (sandbox) has no collection or object /LAB/PROJ1/NOPE. Nothing was created.'
      ],
      [
        'a foreign connection name',
        'openbis-entity=/LAB/PROJ1/EXP1&openbis-connection=elsewhere',
        'The link names the openBIS connection “elsewhere”, which is not one of yours (sandbox).'
      ]
    ];
    const before = await tree(request, 'openbis');
    for (const [what, query, message] of refusals) {
      await test.step(what, async () => {
        await openLink(page, query);
        const dialog = page.locator('.jp-Dialog');
        await expect(dialog.locator('.jp-Dialog-header')).toHaveText(
          'Cannot open the openBIS link',
          { timeout: 60000 }
        );
        await expect(dialog.locator('.jp-Dialog-body')).toContainText(message);
        await dialog.getByRole('button', { name: 'OK' }).click();
        await expect(dialog).toHaveCount(0);
        expect(await tree(request, 'openbis')).toEqual(before);
      });
    }
  });

  test('notebooks the ELN integration service wrote open and save normally', async ({
    page,
    request
  }) => {
    const [permId] = rawDataSets();
    // What the ELN posts (JupyterUtil.createJupyterNotebookContent) and the
    // service writes to ~/openbis/<permId>.ipynb, or "<permId> 2.ipynb" when taken.
    const eln = {
      cells: [
        {
          cell_type: 'code',
          execution_count: null,
          metadata: { collapsed: false },
          outputs: [],
          source: [
            '#Initialize Openbis API\n',
            "o = Openbis(url='https://openbis.example.org', verify_certificates=False)"
          ]
        },
        {
          cell_type: 'code',
          execution_count: null,
          metadata: { collapsed: true },
          outputs: [],
          source: [`ds = o.get_dataset('${permId}')`]
        }
      ],
      metadata: {
        kernelspec: {
          display_name: 'Python 3',
          language: 'python',
          name: 'python3'
        },
        language_info: {
          codemirror_mode: { name: 'ipython', version: 3 },
          file_extension: '.py',
          mimetype: 'text/x-python',
          name: 'python',
          nbconvert_exporter: 'python',
          pygments_lexer: 'ipython3',
          version: '3.5.2'
        }
      },
      nbformat: 4,
      nbformat_minor: 2
    };
    await put(request, 'openbis', { type: 'directory' });
    const path = `openbis/${permId} 2.ipynb`;
    await put(request, path, {
      type: 'file',
      format: 'text',
      content: JSON.stringify(eln)
    });

    await page.goto(`tree/${encodeURI(path)}`);
    await expect(toolbarItem(page, 'openbis-connect')).toBeVisible({
      timeout: 30000
    });
    await expect(page.locator('.jp-Notebook .jp-Cell')).toHaveCount(2);
    await page.notebook.addCell('code', 'result = 6 * 7');
    await page.notebook.save();

    await expect
      .poll(async () => (await contents(request, path))!.content.cells.length)
      .toBe(3);
    const saved = (await contents(request, path))!.content;
    expect(saved.cells[1].source).toBe(`ds = o.get_dataset('${permId}')`);
    expect(saved.cells[2].source).toBe('result = 6 * 7');
    expect(saved.metadata.kernelspec.name).toBe('python3');
    expect(saved.metadata.language_info.name).toBe('python');
    await expect(page.locator('.jp-Dialog')).toHaveCount(0);
    await request.delete(`/api/contents/${encodeURI(path)}`);
  });
});
