/**
 * Shared helpers: the sandbox started by jupyter_server_test_config.py, checks
 * through pybis, fault injection, and logging in through the bridge's API.
 */
import { IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import { APIRequestContext, expect, Page, TestInfo } from '@playwright/test';
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
  const created = await request.put(`/api/contents/${name}`, {
    data: {
      type: 'notebook',
      format: 'json',
      content: {
        cells: [],
        metadata: {
          kernelspec: {
            name: 'python3',
            display_name: 'Python 3',
            language: 'python'
          }
        },
        nbformat: 4,
        nbformat_minor: 5
      }
    }
  });
  expect(created.ok()).toBe(true);
}
