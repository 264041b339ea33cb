/**
 * Shared helpers: the sandbox started by jupyter_server_test_config.py, checks
 * through pybis, fault injection, and logging in through the bridge's API.
 */
import { IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import {
  APIRequestContext,
  expect,
  Locator,
  Page,
  TestInfo
} from '@playwright/test';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

export interface ISandboxInfo {
  url: string;
  caCert: string;
  user: string;
  password: string;
  python: string;
  rootDir: string;
}

/** The sandbox of the Jupyter server this test runs against (one file per port). */
export function sandbox(): ISandboxInfo {
  const port = new URL(test.info().project.use.baseURL as string).port;
  return JSON.parse(
    fs.readFileSync(path.join(__dirname, '..', `sandbox-${port}.json`), 'utf-8')
  );
}

/**
 * Run Python with a logged-in pybis client bound to `o`; the snippet prints one
 * JSON line that is returned decoded.
 */
export function pybis<T>(snippet: string): T {
  const info = sandbox();
  const prelude = [
    'import json, sys',
    'from pybis import Openbis',
    `o = Openbis(${JSON.stringify(info.url)}, verify_certificates=${JSON.stringify(info.caCert)})`,
    `o.login(${JSON.stringify(info.user)}, ${JSON.stringify(info.password)})`
  ].join('\n');
  const out = execFileSync(info.python, ['-c', `${prelude}\n${snippet}`], {
    encoding: 'utf-8',
    timeout: 60000
  });
  const lines = out.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]) as T;
}

/** Replace the sandbox's fault rules (syntax in openbis_sandbox/faults.py); [] clears them. */
export function setFaults(specs: string[]): void {
  pybis(`
import requests
r = requests.post(o.url + "/sandbox/admin/faults", json={"faults": ${JSON.stringify(specs)}},
                  headers={"X-Openbis-Token": o.token}, verify=${JSON.stringify(sandbox().caCert)}, timeout=30)
r.raise_for_status()
print(json.dumps(r.json()))
`);
}

/** Log the bridge's `sandbox` connection in (or out) without the UI. */
export async function bridgeLogin(page: Page): Promise<void> {
  const response = await page.request.post(
    '/openbis-bridge/connections/sandbox/login',
    {
      data: { username: sandbox().user, password: sandbox().password }
    }
  );
  if (!response.ok()) {
    throw new Error(
      `login failed: ${response.status()} ${await response.text()}`
    );
  }
}

export async function bridgeLogout(page: Page): Promise<void> {
  await page.request.post('/openbis-bridge/connections/sandbox/logout', {
    data: {}
  });
}

/** Screenshots of a dialog in the light and the dark theme, kept as test artifacts. */
export async function screenshotBothThemes(
  page: IJupyterLabPageFixture,
  testInfo: TestInfo,
  name: string
): Promise<void> {
  const dialog = page.locator('.jp-Dialog-content').last();
  await dialog.screenshot({ path: testInfo.outputPath(`${name}-light.png`) });
  await page.theme.setDarkTheme();
  await dialog.screenshot({ path: testInfo.outputPath(`${name}-dark.png`) });
  await page.theme.setLightTheme();
}

export function toolbarButton(page: Page, item: string) {
  return page.locator(
    `.jp-NotebookPanel-toolbar [data-jp-item-name="${item}"] button`
  );
}

export function toolbarItem(page: Page, item: string) {
  return page.locator(
    `.jp-NotebookPanel-toolbar [data-jp-item-name="${item}"]`
  );
}

/** A new session token of the sandbox's admin (a separate openBIS login through pybis). */
export function newSessionToken(): string {
  return pybis<string>('print(json.dumps(o.token))');
}

/** A personal access token of the sandbox's admin (`$pat-…`), created through pybis. */
export function newPersonalAccessToken(sessionName: string): string {
  return pybis<string>(`
pat = o.get_or_create_personal_access_token(${JSON.stringify(sessionName)})
print(json.dumps(pat.permId))
`);
}

/** An empty Python notebook `name`, made through the contents API (no JupyterLab UI needed). */
export async function createEmptyNotebook(
  request: APIRequestContext,
  name: string
): Promise<void> {
  await createNotebook(request, name, []);
}

/** The kernels of the test machine: IPython, and IRkernel (Debian's r-cran-irkernel). */
export const PYTHON_KERNELSPEC = {
  name: 'python3',
  display_name: 'Python 3',
  language: 'python'
};
export const R_KERNELSPEC = { name: 'ir', display_name: 'R', language: 'R' };

export interface INotebookOptions {
  /** PYTHON_KERNELSPEC unless given. */
  kernelspec?: typeof PYTHON_KERNELSPEC;
  /** The notebook's `metadata.openbis`, as the Save flow writes it. */
  openbis?: Record<string, unknown>;
}

/** A notebook `name` with one code cell per source, made through the contents API. */
export async function createNotebook(
  request: APIRequestContext,
  name: string,
  sources: string[],
  options: INotebookOptions = {}
): Promise<void> {
  const created = await request.put(`/api/contents/${name}`, {
    data: {
      type: 'notebook',
      format: 'json',
      content: {
        cells: sources.map(source => ({
          cell_type: 'code',
          source,
          metadata: {},
          outputs: [],
          execution_count: null
        })),
        metadata: {
          kernelspec: options.kernelspec ?? PYTHON_KERNELSPEC,
          ...(options.openbis ? { openbis: options.openbis } : {})
        },
        nbformat: 4,
        nbformat_minor: 5
      }
    }
  });
  expect(created.ok()).toBe(true);
}

/*
 * The openBIS side panel, shared by the JupyterLab and the Notebook 7 specs
 * (a JupyterLab page fixture is a Page too, as far as these use it).
 */

/** What the panel helpers use of a page. */
export type PanelPage = Pick<
  Page,
  'locator' | 'keyboard' | 'mouse' | 'request'
>;

export const PANEL = '#jp-OpenbisBridge-panel';

/** The data set the drag-and-drop tests drag (in the sandbox's demo seed, under /LAB/PROJ1/EXP1). */
export const DRAGGED_DATA_SET = 'Absorbance run 1';

export function panelTree(page: PanelPage): Locator {
  return page.locator(`${PANEL} [role="tree"]`);
}

export function focusedRow(page: PanelPage): Locator {
  return page.locator(`${PANEL} [role="treeitem"].jp-mod-focused`);
}

/** The tree row of `kind` (space, project, experiment, dataSet, file…) showing `text`. */
export function treeRow(page: PanelPage, kind: string, text: string): Locator {
  return page.locator(`${PANEL} [role="treeitem"][data-kind="${kind}"]`, {
    hasText: text
  });
}

/** Press Down until the focused row contains `text` (keyboard only). */
export async function moveTo(page: PanelPage, text: string): Promise<void> {
  for (let i = 0; i < 40; i++) {
    await expect(focusedRow(page)).toHaveCount(1);
    if (((await focusedRow(page).textContent()) ?? '').includes(text)) {
      return;
    }
    const before = await panelTree(page).getAttribute('aria-activedescendant');
    await page.keyboard.press('ArrowDown');
    await expect(panelTree(page)).not.toHaveAttribute(
      'aria-activedescendant',
      before ?? ''
    );
  }
  throw new Error(`no row with "${text}" reached by ArrowDown`);
}

/** Right on a closed node expands it; a second Right goes to its first child. */
export async function expandAndEnter(page: PanelPage): Promise<void> {
  const row = focusedRow(page);
  const id = await row.getAttribute('id');
  await page.keyboard.press('ArrowRight');
  const opened = page.locator(`#${id}`);
  await expect(opened).toHaveAttribute('aria-expanded', 'true');
  await expect(opened).not.toHaveAttribute('aria-busy', 'true');
  await page.keyboard.press('ArrowRight');
  await expect(panelTree(page)).not.toHaveAttribute(
    'aria-activedescendant',
    id!
  );
  await expect(focusedRow(page)).toHaveAttribute(
    'aria-level',
    String(Number(await opened.getAttribute('aria-level')) + 1)
  );
}

/** The permId of the sandbox's data set found by `text`, through the bridge's search. */
export async function permIdOf(page: PanelPage, text: string): Promise<string> {
  const found = await page.request.get(
    `/openbis-bridge/connections/sandbox/search?q=${encodeURIComponent(text)}&kinds=dataSet`
  );
  expect(found.ok()).toBe(true);
  return (await found.json()).results.dataSet.items[0].permId;
}

/** In the open panel, expand LAB → PROJ1 → EXP1 by clicking; the dragged data set's row. */
export async function expandToDataSet(page: PanelPage): Promise<Locator> {
  // The first status check of a page can take a while on a busy machine.
  await expect(page.locator(`${PANEL} [data-status="connected"]`)).toBeVisible({
    timeout: 30000
  });
  for (const [kind, text] of [
    ['space', 'LAB'],
    ['project', 'PROJ1'],
    ['experiment', 'EXP1']
  ]) {
    const node = treeRow(page, kind, text).first();
    await node.locator('.jp-OpenbisBridge-twisty').click();
    await expect(node).toHaveAttribute('aria-expanded', 'true');
  }
  const dataSet = treeRow(page, 'dataSet', DRAGGED_DATA_SET);
  await expect(dataSet).toBeVisible();
  return dataSet;
}

/**
 * Drag `source` onto `target` with the mouse, as a person would: press, move
 * past the drag threshold, move over the target in steps, release.
 */
export async function dragTo(
  page: PanelPage,
  source: Locator,
  target: Locator
): Promise<void> {
  const from = (await source.boundingBox())!;
  await page.mouse.move(from.x + 20, from.y + from.height / 2);
  await page.mouse.down();
  await page.mouse.move(from.x + 40, from.y + from.height / 2 + 10, {
    steps: 4
  });
  const to = (await target.boundingBox())!;
  await page.mouse.move(to.x + to.width / 2, to.y + to.height / 2, {
    steps: 10
  });
  await expect(page.locator('.jp-OpenbisBridge-dropTarget')).toHaveCount(1);
  await page.mouse.up();
  await expect(page.locator('.jp-OpenbisBridge-dropTarget')).toHaveCount(0);
}
