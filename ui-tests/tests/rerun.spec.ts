/**
 * Re-run from the side panel: a small notebook saved to openBIS is executed
 * again on the server in its recorded environment, with progress in a
 * notification, a report (every cell identical) and the re-executed notebook
 * opened. The environment reuses the server's packages with pip (the re-run
 * settings, as the pytest suite's `--reuse-site-packages --installer pip`):
 * the saved requirements are already installed, so nothing is downloaded.
 */
import { expect, galata, test } from '@jupyterlab/galata';

import { bridgeLogin, PANEL } from './helpers';

const FOLDER = 'rerun-ui';
const NOTEBOOK = `${FOLDER}/small.ipynb`;

test.use({
  mockSettings: {
    ...galata.DEFAULT_SETTINGS,
    'jupyterlab-openbis-bridge:rerun': {
      reuseSitePackages: true,
      installer: 'pip'
    }
  }
});

/** An executed notebook of two cells, written through the contents API. */
function smallNotebook(): Record<string, unknown> {
  const cell = (id: string, source: string, text: string, count: number) => ({
    cell_type: 'code',
    id,
    metadata: {},
    execution_count: count,
    source,
    outputs: [{ output_type: 'stream', name: 'stdout', text }]
  });
  return {
    cells: [
      cell('a', 'print(6 * 7)', '42\n', 1),
      cell('b', "print(', '.join(['re', 'run']))", 're, run\n', 2)
    ],
    metadata: {
      kernelspec: {
        name: 'python3',
        display_name: 'Python 3',
        language: 'python'
      }
    },
    nbformat: 4,
    nbformat_minor: 5
  };
}

test.describe('Re-run from openBIS', () => {
  test.beforeEach(async ({ page }) => {
    await bridgeLogin(page);
  });

  test('from the panel: progress, a report of identical cells, the re-run notebook opens', async ({
    page
  }) => {
    // Save a small notebook to openBIS (the bridge's own save route).
    await page.request.put(`/api/contents/${FOLDER}`, {
      data: { type: 'directory' }
    });
    const put = await page.request.put(`/api/contents/${NOTEBOOK}`, {
      data: { type: 'notebook', format: 'json', content: smallNotebook() }
    });
    expect(put.ok()).toBe(true);
    const started = await page.request.post(
      '/openbis-bridge/connections/sandbox/datasets',
      {
        data: {
          notebookPath: NOTEBOOK,
          experiment: '/LAB/PROJ1/EXP1',
          properties: { $NAME: 'rerun-ui small' },
          environment: { requirements: '', runtime: 'python-3.11' }
        }
      }
    );
    expect(started.status()).toBe(202);
    let job = await started.json();
    while (job.state === 'queued' || job.state === 'running') {
      job = await (
        await page.request.get(`/openbis-bridge/jobs/${job.id}?wait=20`)
      ).json();
    }
    expect(job.state).toBe('succeeded');
    const permId: string = job.result.permId;

    // Find it in the panel and re-run it.
    await page.waitForFunction(() =>
      (window as any).jupyterapp.commands.hasCommand(
        'openbis-bridge:open-panel'
      )
    );
    await page.evaluate(() =>
      (window as any).jupyterapp.commands.execute('openbis-bridge:open-panel')
    );
    const panel = page.locator(PANEL);
    const search = panel.getByLabel('Search openBIS');
    await search.fill(permId);
    await search.press('Enter');
    await panel.locator('[role="treeitem"]', { hasText: 'rerun-ui' }).click();
    await panel
      .locator('.jp-OpenbisBridge-detailsActions')
      .getByRole('button', { name: 'Re-run…' })
      .click();

    // Progress: the notification names the re-run and its phase.
    await expect(
      page.locator('.Toastify__toast', { hasText: `Re-running ${permId}` })
    ).toBeVisible();

    const dialog = page.locator('.jp-Dialog');
    await expect(dialog.locator('.jp-Dialog-header')).toHaveText(
      `Re-run of ${permId}`,
      { timeout: 300000 }
    );
    await expect(dialog).toContainText('Same results');
    // The settings reached the server: pip, and the server's ipykernel reused.
    await expect(dialog).toContainText('(pip, 0 requirements)');
    await expect(dialog).not.toContainText('ipykernel is not among');
    await expect(dialog.locator('.jp-OpenbisBridge-rerunCell')).toHaveCount(2);
    await expect(
      dialog.locator('.jp-OpenbisBridge-rerunCell.jp-mod-identical')
    ).toHaveCount(2);
    await dialog
      .getByRole('button', { name: 'Open the re-run notebook' })
      .click();
    await expect
      .poll(
        () =>
          page.evaluate(
            () =>
              (window as any).jupyterapp.shell.currentWidget?.context?.path ??
              ''
          ),
        { timeout: 60000 }
      )
      .toMatch(
        new RegExp(`^openbis/${permId}/rerun-[^/]+/small\\.rerun\\.ipynb$`)
      );
  });
});
