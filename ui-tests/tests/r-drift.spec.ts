/**
 * The environment drift notice with a real R kernel (IRkernel, kernelspec
 * `ir`; scripts/test.sh installs it): R package names as written, versions as
 * R's `package_version` reads them, and R's runtime.txt date ignored.
 */
import { expect, test } from '@jupyterlab/galata';
import { APIRequestContext } from '@playwright/test';
import { execFileSync } from 'child_process';

import { createNotebook, R_KERNELSPEC } from './helpers';

interface IREnvironment {
  /** `4.2.2` */
  version: string;
  /** Every installed package but R's base ones, name → version as R spells it. */
  packages: Record<string, string>;
}

/**
 * What the R of the `ir` kernelspec has installed, asked directly (not through
 * the bridge's capture code, so a capture bug cannot hide itself).
 */
async function rEnvironment(
  request: APIRequestContext
): Promise<IREnvironment> {
  const specs = await request.get('/api/kernelspecs');
  expect(specs.ok()).toBe(true);
  const [r] = (await specs.json()).kernelspecs[R_KERNELSPEC.name].spec.argv;
  const out = execFileSync(
    r,
    [
      '--slave',
      '-e',
      'ip <- installed.packages(); ip <- ip[!duplicated(ip[, "Package"]), , drop = FALSE]\n' +
        'ip <- ip[is.na(ip[, "Priority"]) | ip[, "Priority"] != "base", , drop = FALSE]\n' +
        'cat(jsonlite::toJSON(list(version = paste(R.version$major, R.version$minor, sep = "."),\n' +
        '  packages = as.list(setNames(ip[, "Version"], ip[, "Package"]))), auto_unbox = TRUE))'
    ],
    { encoding: 'utf-8', timeout: 60000 }
  );
  return JSON.parse(out.trim());
}

const NOTICE = '.Toastify__toast';

test.describe('Environment drift notice, R kernel', () => {
  test('names an R package at another version and a missing one', async ({
    page,
    tmpPath
  }) => {
    const r = await rEnvironment(page.request);
    // A version R writes with a dash (`0.3-9`), recorded with dots: the same version.
    const dashedPin = Object.entries(r.packages).find(([, v]) =>
      v.includes('-')
    );
    expect(dashedPin).toBeDefined();
    const [dashed, dashedVersion] = dashedPin!;
    // Laid out as "Open from openBIS" does: the environment files beside the notebook.
    const folder = `${tmpPath}/openbis/20260101000000000-2`;
    await page.contents.uploadContent(
      [
        'jsonlite==0.0.1',
        `IRkernel==${r.packages.IRkernel}`,
        `${dashed}==${dashedVersion.replace(/-/g, '.')}`,
        'surelyAbsentPkg==1.0',
        '# Installed from a local folder or a VCS (not reproducible from an index):',
        '# notloaded @ a local folder or file',
        ''
      ].join('\n'),
      'text',
      `${folder}/requirements.txt`
    );
    // Another snapshot date of the same R: not drift.
    await page.contents.uploadContent(
      `r-${r.version}-2020-01-01\n`,
      'text',
      `${folder}/runtime.txt`
    );
    await createNotebook(page.request, `${folder}/analysis.ipynb`, [], {
      kernelspec: R_KERNELSPEC
    });

    await page.filebrowser.open(`${folder}/analysis.ipynb`);
    const notice = page.locator(NOTICE, {
      hasText: 'Not the recorded environment'
    });
    await expect(notice).toBeVisible({ timeout: 120000 });
    await expect(notice).toContainText(
      `jsonlite 0.0.1 → ${r.packages.jsonlite}`
    );
    await expect(notice).toContainText('surelyAbsentPkg missing');
    // The data set the folder is named after can be re-run.
    await expect(notice.getByRole('button', { name: 'Re-run' })).toBeVisible();
    for (const same of ['IRkernel', dashed, 'notloaded', /\bR \d/]) {
      await expect(notice).not.toContainText(same);
    }
    await expect(
      page.locator('.jp-NotebookPanel[data-openbis-environment="drifted"]')
    ).toHaveCount(1);
  });

  test('reads an R notebook’s requirements.txt without a runtime.txt as R', async ({
    page,
    tmpPath
  }) => {
    const r = await rEnvironment(page.request);
    // A data set with requirements.txt only: the notebook's kernel says which language it pins.
    const folder = `${tmpPath}/openbis/20260101000000000-3`;
    await page.contents.uploadContent(
      `jsonlite==0.0.1\nIRkernel==${r.packages.IRkernel}\n`,
      'text',
      `${folder}/requirements.txt`
    );
    await createNotebook(page.request, `${folder}/analysis.ipynb`, [], {
      kernelspec: R_KERNELSPEC
    });

    await page.filebrowser.open(`${folder}/analysis.ipynb`);
    const notice = page.locator(NOTICE, {
      hasText: 'Not the recorded environment'
    });
    await expect(notice).toBeVisible({ timeout: 120000 });
    await expect(notice).toContainText(
      `Not the recorded environment: jsonlite 0.0.1 → ${r.packages.jsonlite}. Re-run`
    );
  });

  test('says nothing when the R kernel has the recorded environment', async ({
    page,
    tmpPath
  }) => {
    const r = await rEnvironment(page.request);
    // Saved through the extension in "Full" mode: every package, in the metadata.
    await createNotebook(page.request, `${tmpPath}/same-r.ipynb`, [], {
      kernelspec: R_KERNELSPEC,
      openbis: {
        downloads: [],
        uploads: [],
        environment: {
          language: 'r',
          requirements: Object.entries(r.packages).map(
            ([name, version]) => `${name}==${version}`
          ),
          runtime: `r-${r.version}-2023-02-24`,
          mode: 'full',
          time: '2026-01-01T00:00:00Z'
        }
      }
    });
    await page.filebrowser.open(`${tmpPath}/same-r.ipynb`);
    await expect(
      page.locator('.jp-NotebookPanel[data-openbis-environment="matches"]')
    ).toHaveCount(1, { timeout: 120000 });
    await expect(
      page.locator(NOTICE, { hasText: 'Not the recorded environment' })
    ).toHaveCount(0);
  });
});
