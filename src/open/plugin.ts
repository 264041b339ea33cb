/**
 * "Open Notebook from openBIS…": pick a saved ANALYSIS_NOTEBOOK data set (a
 * search, or the side panel's Open), and it opens from `openbis/<permId>/`
 * with its environment files and, on request, its parent data sets where its
 * provenance says (docs/open.md). The notebook carries the record of its data
 * set, so Save offers a new version of it. Opened before: the existing folder
 * opens as it is.
 */
import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { Dialog, ICommandPalette, Notification } from '@jupyterlab/apputils';
import {
  ITranslator,
  nullTranslator,
  TranslationBundle
} from '@jupyterlab/translation';

import { showModal } from '../dialogs/modal';
import { commandConnection, followJob } from '../rerun/follow';
import { CommandIDs, IOpenBISBridge, PACKAGE_NAME } from '../tokens';
import { startOpen } from './api';
import { OpenNotebookModel } from './model';
import { OpenBody } from './OpenView';
import { IOpenResult } from './types';

export const OPEN_NOTEBOOK_COMMAND = CommandIDs.openNotebook;

/** The dialog; true once Open was pressed on a loaded plan (it stays open until then). */
async function choose(
  model: OpenNotebookModel,
  picker: boolean,
  trans: TranslationBundle
): Promise<boolean> {
  const result = await showModal<null>({
    title: trans.__('Open Notebook from openBIS'),
    body: new OpenBody({ model, trans, picker }),
    buttons: [
      Dialog.cancelButton({ label: trans.__('Cancel') }),
      Dialog.okButton({ label: trans.__('Open') })
    ],
    className: 'jp-OpenbisBridge-openDialog',
    onSubmit: async () => {
      if (!model.request) {
        model.showError(trans.__('Choose a saved notebook to open.'));
        return false;
      }
      return true;
    }
  });
  return result.button.accept && !!model.request;
}

/** Lay the notebook out on the server (a job with progress); its result. */
async function fetchNotebook(
  model: OpenNotebookModel,
  trans: TranslationBundle
): Promise<IOpenResult | null> {
  const request = model.request!;
  const job = await followJob(
    {
      title: trans.__('Opening %1 from openBIS', request.permId),
      cancelCaption: trans.__('Stop opening this notebook'),
      start: () => startOpen(model.connection, request)
    },
    trans
  );
  return job?.state === 'succeeded' ? job.result : null;
}

async function openNotebook(
  app: JupyterFrontEnd,
  model: OpenNotebookModel,
  picker: boolean,
  trans: TranslationBundle
): Promise<void> {
  if (!(await choose(model, picker, trans))) {
    return;
  }
  const plan = model.plan!;
  const result: IOpenResult | null = plan.opened
    ? {
        permId: plan.permId,
        folder: plan.folder,
        notebook: plan.opened,
        alreadyOpen: true,
        written: 0,
        notes: []
      }
    : await fetchNotebook(model, trans);
  if (!result) {
    return;
  }
  if (result.alreadyOpen) {
    Notification.info(
      trans.__(
        '%1 was opened before: %2 opens as it is, with your local edits (nothing was replaced).',
        result.permId,
        result.folder
      ),
      { autoClose: 8000 }
    );
  }
  for (const note of result.notes) {
    Notification.warning(note, { autoClose: 8000 });
  }
  await app.commands.execute('docmanager:open', { path: result.notebook });
}

export const openNotebookPlugin: JupyterFrontEndPlugin<void> = {
  id: `${PACKAGE_NAME}:open-notebook`,
  description:
    'Open a notebook saved in openBIS, with its environment files and inputs.',
  autoStart: true,
  requires: [IOpenBISBridge],
  optional: [ICommandPalette, ITranslator],
  activate: (
    app: JupyterFrontEnd,
    bridge: IOpenBISBridge,
    palette: ICommandPalette | null,
    translator: ITranslator | null
  ): void => {
    const trans = (translator ?? nullTranslator).load(
      'jupyterlab_openbis_bridge'
    );
    app.commands.addCommand(OPEN_NOTEBOOK_COMMAND, {
      label: trans.__('Open Notebook from openBIS…'),
      caption: trans.__(
        'Open a saved notebook with its environment files and, if wanted, its input data sets'
      ),
      execute: async args => {
        const connection = commandConnection(args, bridge, trans);
        if (!connection) {
          return;
        }
        const model = new OpenNotebookModel({
          connection,
          trans,
          pageSize: bridge.settings.values.pageSize
        });
        const permId = args.permId as string | undefined;
        if (permId) {
          void model.select(permId);
        } else {
          void model.search('');
        }
        try {
          await openNotebook(app, model, !permId, trans);
        } finally {
          model.dispose();
        }
      }
    });
    palette?.addItem({ command: OPEN_NOTEBOOK_COMMAND, category: 'openBIS' });
  }
};
