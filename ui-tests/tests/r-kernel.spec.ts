/**
 * An R notebook saved to openBIS with its environment, captured in a real
 * IRkernel (Debian's r-cran-irkernel; scripts/test.sh installs it). The
 * notebook installs a package from a folder into a library of its own and
 * never loads it: "Full" pins it (as a local install), "Imported" does not.
 */
import { expect, test } from '@jupyterlab/galata';

import {
  bridgeLogin,
  createNotebook,
  pybis,
  R_KERNELSPEC,
  toolbarButton
} from './helpers';

const NOTEBOOK = 'r-capture.ipynb';

// Writes and installs `notloaded` (not attached, not loaded), then prints JSON.
const R_CELL = `lib <- file.path(tempdir(), "lib"); dir.create(lib)
pkg <- file.path(tempdir(), "notloaded"); dir.create(file.path(pkg, "R"), recursive = TRUE)
writeLines(c("Package: notloaded", "Version: 0.0.1", "Title: Test", "Description: Test.",
  "License: MIT", "Author: N", "Maintainer: N <n@example.org>"), file.path(pkg, "DESCRIPTION"))
writeLines("export(f)", file.path(pkg, "NAMESPACE"))
writeLines("f <- function() 1", file.path(pkg, "R", "f.R"))
install.packages(pkg, repos = NULL, type = "source", lib = lib, quiet = TRUE)
.libPaths(c(lib, .libPaths()))
cat(jsonlite::toJSON(list(ready = TRUE)))`;

test.describe('Save an R notebook', () => {
  test.beforeEach(async ({ page }) => {
    await bridgeLogin(page);
  });

  test('captures the R environment in each mode and uploads it', async ({
    page,
    tmpPath
  }) => {
    await createNotebook(page.request, `${tmpPath}/${NOTEBOOK}`, [R_CELL], {
      kernelspec: R_KERNELSPEC
    });
    await page.notebook.openByPath(`${tmpPath}/${NOTEBOOK}`);
    await page.notebook.runCell(0);
    await expect(page.locator('.jp-OutputArea-output').first()).toContainText(
      '{"ready":[true]}',
      { timeout: 120000 }
    );

    await toolbarButton(page, 'openbis-save').click();
    const dialog = page.locator('.jp-Dialog');
    const requirements = dialog.getByLabel('requirements.txt', {
      exact: true
    });
    const environment = dialog.locator('.jp-OpenbisBridge-section', {
      hasText: 'Environment files'
    });
    await dialog.getByRole('radio', { name: 'Imported' }).check();
    await expect(requirements).toContainText('IRkernel==', { timeout: 60000 });
    await expect(requirements).toContainText('jsonlite==');
    await expect(requirements).not.toContainText('notloaded');
    // Base packages come with R (runtime.txt): neither pinned nor listed as local.
    await expect(requirements).not.toContainText(
      /(^|\n)(# )?(stats|utils|base)[ =]/
    );
    await expect(environment).toContainText(/r-\d+\.\d+\.\d+-\d{4}-\d\d-\d\d/);

    await dialog.getByRole('radio', { name: 'Full' }).check();
    await expect(requirements).toContainText(
      '# notloaded @ a local folder or file',
      { timeout: 60000 }
    );
    await expect(requirements).not.toContainText('notloaded==');
    const shown = await requirements.textContent();

    const target = dialog.getByLabel(
      'Find the experiment or sample (text, code, identifier or permId)'
    );
    await target.fill('/LAB/PROJ1/EXP2');
    await target.press('Enter');
    await expect(
      dialog.locator('.jp-OpenbisBridge-targetChoice')
    ).toContainText('/LAB/PROJ1/EXP2');
    await dialog
      .getByRole('button', { name: 'Save to openBIS', exact: true })
      .click();
    await expect(dialog).toHaveCount(0);
    const uploaded = async () =>
      page.evaluate(
        () =>
          (window as any).jupyterapp.shell.currentWidget.model.getMetadata(
            'openbis'
          )?.uploads ?? []
      );
    await expect.poll(uploaded, { timeout: 60000 }).toHaveLength(1);
    const [{ permId }] = await uploaded();

    const files = pybis<Record<string, string>>(`
import pathlib, tempfile
ds = o.get_dataset(${JSON.stringify(permId)})
wanted = [f for f in ds.file_list if f.endswith(("requirements.txt", "runtime.txt"))]
folder = tempfile.mkdtemp()
ds.download(files=wanted, destination=folder, wait_until_finished=True)
print(json.dumps({p.name: p.read_text() for p in pathlib.Path(folder).rglob("*.txt")}))
`);
    expect(files['requirements.txt'].trim()).toBe(shown?.trim());
    expect(files['runtime.txt']).toMatch(/^r-\d+\.\d+\.\d+-\d{4}-\d\d-\d\d\n$/);
  });
});
