/**
 * "Re-run from openBIS…": re-runs a saved ANALYSIS_NOTEBOOK data set on the
 * server in its recorded environment (docs/rerun.md), shows the comparison
 * and opens the re-executed notebook on request.
 */
import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import {
  Dialog,
  ICommandPalette,
  InputDialog,
  Notification,
  ReactWidget,
  showDialog
} from '@jupyterlab/apputils';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import {
  ITranslator,
  nullTranslator,
  TranslationBundle
} from '@jupyterlab/translation';
import * as React from 'react';

import { CommandIDs, IOpenBISBridge, PACKAGE_NAME } from '../tokens';
import { commandConnection, runAndFollow } from './follow';
import { ReportView } from './ReportView';
import { IRerunReport, IRerunRequest } from './types';

export const RERUN_COMMAND = CommandIDs.rerun;
const PERM_ID = /^\d{1,30}-\d{1,10}$/;
const INSTALLERS = ['auto', 'uv', 'pip'];

/** How the server builds the environment (schema/rerun.json; the command's args win). */
function environmentOptions(
  settings: ISettingRegistry.ISettings | null,
  args: Record<string, unknown>
): Omit<IRerunRequest, 'permId'> {
  const read = (key: string) => args[key] ?? settings?.composite[key];
  const reuse = read('reuseSitePackages');
  const installer = read('installer');
  return {
    reuseSitePackages: reuse === true,
    installer: INSTALLERS.includes(installer as string)
      ? (installer as IRerunRequest['installer'])
      : 'auto'
  };
}

async function askPermId(trans: TranslationBundle): Promise<string | null> {
  const answer = await InputDialog.getText({
    title: trans.__('Re-run from openBIS'),
    label: trans.__(
      'permId of the saved notebook (ANALYSIS_NOTEBOOK data set)'
    ),
    placeholder: '20260131120000000-42'
  });
  const value = answer.value?.trim() ?? '';
  if (!answer.button.accept || !value) {
    return null;
  }
  if (!PERM_ID.test(value)) {
    Notification.error(trans.__('%1 is not a data-set permId', value));
    return null;
  }
  return value;
}

async function showReport(
  app: JupyterFrontEnd,
  report: IRerunReport,
  trans: TranslationBundle
): Promise<void> {
  const open = trans.__('Open the re-run notebook');
  const result = await showDialog({
    title: trans.__('Re-run of %1', report.permId),
    body: ReactWidget.create(
      React.createElement(ReportView, { report, trans })
    ),
    buttons: [
      Dialog.cancelButton({ label: trans.__('Close') }),
      Dialog.okButton({ label: open })
    ]
  });
  if (result.button.accept) {
    await app.commands.execute('docmanager:open', { path: report.notebook });
  }
}

export const rerunPlugin: JupyterFrontEndPlugin<void> = {
  id: `${PACKAGE_NAME}:rerun`,
  description:
    'Re-run a notebook saved in openBIS in its recorded environment and compare the outputs.',
  autoStart: true,
  requires: [IOpenBISBridge],
  optional: [ICommandPalette, ITranslator, ISettingRegistry],
  activate: (
    app: JupyterFrontEnd,
    bridge: IOpenBISBridge,
    palette: ICommandPalette | null,
    translator: ITranslator | null,
    settingRegistry: ISettingRegistry | null
  ): void => {
    const trans = (translator ?? nullTranslator).load(
      'jupyterlab_openbis_bridge'
    );
    let settings: ISettingRegistry.ISettings | null = null;
    void settingRegistry
      ?.load(rerunPlugin.id)
      .then(loaded => (settings = loaded))
      .catch(error =>
        console.warn('openBIS bridge: re-run settings not loaded', error)
      );
    app.commands.addCommand(RERUN_COMMAND, {
      label: trans.__('Re-run from openBIS…'),
      caption: trans.__(
        'Execute a saved notebook again in its recorded environment and compare the outputs'
      ),
      execute: async args => {
        const connection = commandConnection(args, bridge, trans);
        if (!connection) {
          return;
        }
        const permId =
          (args.permId as string | undefined) ?? (await askPermId(trans));
        if (!permId) {
          return;
        }
        const job = await runAndFollow(
          connection,
          { permId, ...environmentOptions(settings, args) },
          trans
        );
        if (job?.state === 'succeeded' && job.result) {
          await showReport(app, job.result, trans);
        }
      }
    });
    palette?.addItem({ command: RERUN_COMMAND, category: 'openBIS' });
  }
};
