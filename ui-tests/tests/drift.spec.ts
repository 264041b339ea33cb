/**
 * The environment drift notice with a real Python kernel: a notebook whose
 * recorded environment pins a package at another version and names one the
 * kernel lacks gets one notice naming both; a notebook recorded in the
 * kernel's own environment gets none.
 */
import { expect, galata, test } from '@jupyterlab/galata';
import { execFileSync } from 'child_process';

import { bridgeLogin, createNotebook, sandbox } from './helpers';

/** Versions in the kernel's environment (the server's Python runs the test kernel). */
function installed(): { python: string; tornado: string; ipykernel: string } {
  const out = execFileSync(
    sandbox().python,
    [
      '-c',
      'import importlib.metadata as m, json, sys\n' +
        'print(json.dumps({"python": "%d.%d" % sys.version_info[:2],' +
        ' "tornado": m.version("tornado"), "ipykernel": m.version("ipykernel")}))'
    ],
    { encoding: 'utf-8', timeout: 60000 }
  );
  return JSON.parse(out.trim());
}

const NOTICE = '.Toastify__toast';

test.describe('Environment drift notice', () => {
  test('names a package at another version and a missing one, once', async ({
    page,
    tmpPath
  }) => {
    await bridgeLogin(page);
    const versions = installed();
    // Laid out as "Open from openBIS" does: the environment files beside the notebook.
    const folder = `${tmpPath}/openbis/20260101000000000-1`;
    await page.contents.uploadContent(
      [
        'ipykernel==0.0.1',
        `tornado==${versions.tornado}`,
        'surely-absent-package==1.0',
        ''
      ].join('\n'),
      'text',
      `${folder}/requirements.txt`
    );
    await page.contents.uploadContent(
      `python-${versions.python}\n`,
      'text',
      `${folder}/runtime.txt`
    );
    await createNotebook(page.request, `${folder}/recorded.ipynb`, []);

    await page.filebrowser.open(`${folder}/recorded.ipynb`);
    const notice = page.locator(NOTICE, {
      hasText: 'Not the recorded environment'
    });
    await expect(notice).toBeVisible({ timeout: 60000 });
    await expect(notice).toContainText(
      `ipykernel 0.0.1 → ${versions.ipykernel}`
    );
    await expect(notice).toContainText('surely-absent-package missing');
    await expect(notice).not.toContainText('tornado');
    await expect(notice).not.toContainText('Python');
    await expect(
      page.locator('.jp-NotebookPanel[data-openbis-environment="drifted"]')
    ).toHaveCount(1);
    // Re-run starts the re-run of the data set the folder is named after.
    await notice.getByRole('button', { name: 'Re-run' }).click();
    await expect(
      page.locator(NOTICE, { hasText: '20260101000000000-1' }).first()
    ).toBeVisible({ timeout: 60000 });

    // Opened again in this session: not checked again, so no second notice.
    await page.notebook.close();
    await page.filebrowser.open(`${folder}/recorded.ipynb`);
    await expect(
      page.locator('.jp-NotebookPanel[data-openbis-environment="unchecked"]')
    ).toHaveCount(1);
    expect(
      await page
        .locator(NOTICE, { hasText: 'Not the recorded environment' })
        .count()
    ).toBeLessThanOrEqual(1);
  });

  test('says nothing when the kernel has the recorded environment', async ({
    page,
    tmpPath
  }) => {
    const versions = installed();
    // Saved through the extension: the environment travels in the metadata.
    await createNotebook(page.request, `${tmpPath}/same.ipynb`, [], {
      openbis: {
        downloads: [],
        uploads: [],
        environment: {
          language: 'python',
          requirements: [
            `ipykernel==${versions.ipykernel}`,
            `Tornado==${versions.tornado}`
          ],
          runtime: `python-${versions.python}`,
          mode: 'imported',
          time: '2026-01-01T00:00:00Z'
        }
      }
    });
    await page.filebrowser.open(`${tmpPath}/same.ipynb`);
    await expect(
      page.locator('.jp-NotebookPanel[data-openbis-environment="matches"]')
    ).toHaveCount(1, { timeout: 60000 });
    await expect(
      page.locator(NOTICE, { hasText: 'Not the recorded environment' })
    ).toHaveCount(0);
  });
});

test.describe('Environment drift notice turned off', () => {
  test.use({
    mockSettings: {
      ...galata.DEFAULT_SETTINGS,
      'jupyterlab-openbis-bridge:plugin': { environmentDriftNotice: false }
    }
  });

  test('a drifted notebook opens without a comparison', async ({
    page,
    tmpPath
  }) => {
    await bridgeLogin(page);
    const folder = `${tmpPath}/openbis/20260101000000000-3`;
    await page.contents.uploadContent(
      'ipykernel==0.0.1\n',
      'text',
      `${folder}/requirements.txt`
    );
    await createNotebook(page.request, `${folder}/recorded.ipynb`, []);
    await page.filebrowser.open(`${folder}/recorded.ipynb`);
    await expect(
      page.locator('.jp-NotebookPanel[data-openbis-environment="unchecked"]')
    ).toHaveCount(1, { timeout: 60000 });
    await expect(
      page.locator(NOTICE, { hasText: 'Not the recorded environment' })
    ).toHaveCount(0);
  });
});
