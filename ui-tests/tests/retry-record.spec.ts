/**
 * A save or download retried from the transfers view is recorded in the
 * notebook's metadata exactly as one from the Save or Download dialog. The
 * failed job is one this page did not start (started through the REST API,
 * as kernel code or a page before a reload starts one; the transfers model
 * adopts both the same way), so no flow of the page is there to record it.
 * Retry starts it again, and the new data set is in `metadata.openbis.uploads`
 * (the download in `metadata.openbis.downloads`) of the open notebook and of
 * the file on disk, or of the file alone when no editor has it open.
 */
import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';

import {
  bridgeLogin,
  createEmptyNotebook,
  PANEL,
  pybis,
  sandbox,
  setFaults
} from './helpers';

test.describe('Retrying a failed save', () => {
  test.beforeEach(async ({ page }) => {
    await bridgeLogin(page);
  });

  test.afterEach(() => {
    setFaults([]);
  });

  test('records the new data set in the notebook, like any save', async ({
    page,
    tmpPath
  }) => {
    const name = 'retry-record.ipynb';
    const path = `${tmpPath}/${name}`;
    await page.notebook.createNew(name);
    await page.notebook.save();
    setFaults(['error:method=createUploadedDataSet,nth=1,message=disk full']);
    const started = await page.request.post(
      '/openbis-bridge/connections/sandbox/datasets',
      {
        data: {
          notebookPath: path,
          experiment: '/LAB/PROJ1/EXP1',
          properties: { $NAME: 'recorded after a retry' },
          includeEnvironment: false
        }
      }
    );
    expect(started.status()).toBe(202);
    const failedId: string = (await started.json()).id;

    await page.menu.clickMenuItem('View>openBIS Panel');
    const transfers = page.locator(`${PANEL} .jp-OpenbisBridge-transfers`);
    const failed = transfers.locator(
      `.jp-OpenbisBridge-transfer[data-job="${failedId}"]`
    );
    await expect(failed).toHaveAttribute('data-state', 'failed', {
      timeout: 30000
    });
    setFaults([]);
    await failed.getByRole('button', { name: 'Retry' }).click();
    const again = transfers.locator('.jp-OpenbisBridge-transfer').first();
    await expect(again).toHaveAttribute('data-state', 'succeeded', {
      timeout: 60000
    });

    // In the open notebook …
    const uploadsInPage = () =>
      page.evaluate(
        () =>
          (window as any).jupyterapp.shell.currentWidget.model.getMetadata(
            'openbis'
          )?.uploads ?? []
      );
    await expect.poll(uploadsInPage, { timeout: 30000 }).toHaveLength(1);
    const [record] = await uploadsInPage();
    expect(record).toMatchObject({
      instance: sandbox().url,
      connection: 'sandbox',
      type: 'ANALYSIS_NOTEBOOK',
      owner: '/LAB/PROJ1/EXP1',
      parents: []
    });
    expect(record.permId).toMatch(/^\d+-\d+$/);
    expect(record.url).toContain(record.permId);
    // … saved to disk, and it is the data set openBIS has.
    await expect
      .poll(
        async () => {
          const file = await page.request.get(
            `/api/contents/${path}?content=1`
          );
          const model = await file.json();
          return (model.content?.metadata?.openbis?.uploads ?? []).map(
            (u: { permId: string }) => u.permId
          );
        },
        { timeout: 30000 }
      )
      .toEqual([record.permId]);
    const owner = pybis<string>(`
ds = o.get_dataset(${JSON.stringify(record.permId)})
print(json.dumps(ds.experiment.identifier))
`);
    expect(owner).toBe('/LAB/PROJ1/EXP1');
  });
});

interface IDownloadRecord {
  instance: string;
  connection: string;
  permId: string;
  type: string | null;
  path: string;
  pathBase?: string;
  files: { path: string; size: number | null; crc32: number | null }[];
}

/** The demo seed's "Absorbance summary" (ANALYZED_DATA, two files in results/). */
function summaryPermId(): string {
  return pybis<string>(`
ds = o.get_datasets(experiment="/LAB/PROJ1/EXP1", type="ANALYZED_DATA")
print(json.dumps([d.permId for d in ds if d.props["$name"] == "Absorbance summary"][0]))
`);
}

/**
 * Start a download of `permId` for the notebook at `notebookPath` through the
 * REST API with the data store's file listing failing once, retry it from
 * the transfers view once it failed, and wait for the retry to succeed.
 */
async function downloadAfterRetry(
  page: IJupyterLabPageFixture,
  permId: string,
  notebookPath: string
): Promise<void> {
  setFaults(['error:method=searchFiles,nth=1,message=data store down']);
  const started = await page.request.post(
    '/openbis-bridge/connections/sandbox/downloads',
    {
      data: {
        permIds: [permId],
        destination: `${notebookPath.replace(/[^/]*$/, '')}data`,
        notebookPath
      }
    }
  );
  expect(started.status()).toBe(202);
  const failedId: string = (await started.json()).id;

  await page.menu.clickMenuItem('View>openBIS Panel');
  const transfers = page.locator(`${PANEL} .jp-OpenbisBridge-transfers`);
  const failed = transfers.locator(
    `.jp-OpenbisBridge-transfer[data-job="${failedId}"]`
  );
  await expect(failed).toHaveAttribute('data-state', 'failed', {
    timeout: 30000
  });
  setFaults([]);
  await failed.getByRole('button', { name: 'Retry' }).click();
  const again = transfers.locator('.jp-OpenbisBridge-transfer').first();
  await expect(again).not.toHaveAttribute('data-job', failedId);
  await expect(again).toHaveAttribute('data-state', 'succeeded', {
    timeout: 60000
  });
}

/** The download records of the notebook file at `path`, as on disk. */
async function downloadsOnDisk(
  page: IJupyterLabPageFixture,
  path: string
): Promise<IDownloadRecord[]> {
  const file = await page.request.get(`/api/contents/${path}?content=1`);
  const model = await file.json();
  return model.content?.metadata?.openbis?.downloads ?? [];
}

/** A record as the Download flow writes it: notebook-relative, with openBIS's checksums. */
async function expectDownloadRecord(
  page: IJupyterLabPageFixture,
  record: IDownloadRecord,
  permId: string,
  folder: string
): Promise<void> {
  expect(record).toMatchObject({
    instance: sandbox().url,
    connection: 'sandbox',
    permId,
    type: 'ANALYZED_DATA',
    path: `data/${permId}`,
    pathBase: 'notebook'
  });
  expect(record.files.map(f => f.path.split('/').pop()).sort()).toEqual([
    'fit.csv',
    'summary.txt'
  ]);
  for (const file of record.files) {
    expect(file.crc32).toEqual(expect.any(Number));
    expect(file.size).toBeGreaterThan(0);
    expect(await page.contents.fileExists(`${folder}/${file.path}`)).toBe(true);
  }
}

test.describe('Retrying a failed download', () => {
  test.beforeEach(async ({ page }) => {
    await bridgeLogin(page);
  });

  test.afterEach(() => {
    setFaults([]);
  });

  test('records the data set in the open notebook, like a download from the dialog', async ({
    page,
    tmpPath
  }) => {
    const name = 'retry-download.ipynb';
    const path = `${tmpPath}/${name}`;
    await page.notebook.createNew(name);
    await page.notebook.save();
    const permId = summaryPermId();
    await downloadAfterRetry(page, permId, path);

    // In the open notebook …
    const downloadsInPage = () =>
      page.evaluate(
        () =>
          (window as any).jupyterapp.shell.currentWidget.model.getMetadata(
            'openbis'
          )?.downloads ?? []
      );
    await expect.poll(downloadsInPage, { timeout: 30000 }).toHaveLength(1);
    const [record] = await downloadsInPage();
    await expectDownloadRecord(page, record, permId, tmpPath);
    // … and saved to disk.
    await expect
      .poll(
        async () => (await downloadsOnDisk(page, path)).map(d => d.permId),
        { timeout: 30000 }
      )
      .toEqual([permId]);
  });

  test('records the data set in the notebook file when no editor has it open', async ({
    page,
    tmpPath
  }) => {
    const path = `${tmpPath}/closed.ipynb`;
    await createEmptyNotebook(page.request, path);
    const permId = summaryPermId();
    await downloadAfterRetry(page, permId, path);

    await expect
      .poll(
        async () => (await downloadsOnDisk(page, path)).map(d => d.permId),
        { timeout: 30000 }
      )
      .toEqual([permId]);
    const [record] = await downloadsOnDisk(page, path);
    await expectDownloadRecord(page, record, permId, tmpPath);
    const file = await page.request.get(`/api/contents/${path}?content=1`);
    expect((await file.json()).content.metadata.kernelspec.name).toBe(
      'python3'
    );
  });
});
