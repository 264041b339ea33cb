/**
 * The user-facing commands. Each is in the command palette; the menus (the
 * "openBIS" main menu, the notebook and file-browser context menus), the
 * toolbar items and the shortcuts are declared in schema/plugin.json.
 */
import { Notification } from '@jupyterlab/apputils';
import { NotebookPanel } from '@jupyterlab/notebook';
import { ReadonlyPartialJSONObject } from '@lumino/coreutils';

import { showConnectDialog } from './connect';
import { ICommandDeps } from './deps';
import { insertLoadCode, runDownloadFlow } from './flows/download';
import { runSaveFlow } from './flows/save';
import { setDefaultSaveTarget } from './models/saveTarget';
import { connectIcon, downloadIcon, saveToOpenbisIcon } from './icons';
import { ITarget } from './models/saveForm';
import { CommandIDs } from './tokens';

const PALETTE_CATEGORY = 'openBIS';

/** The commands in the order of the palette. */
const ALL_COMMANDS = [
  CommandIDs.connect,
  CommandIDs.download,
  CommandIDs.save,
  CommandIDs.insertCode
];

/** The current notebook, and whether there is one (for `isEnabled`). */
interface INotebookAccess {
  hasNotebook: () => boolean;
  currentPanel: () => NotebookPanel | null;
}

export function registerCommands(deps: ICommandDeps): void {
  const { tracker } = deps;
  const access: INotebookAccess = {
    hasNotebook: () => tracker.currentWidget !== null,
    currentPanel: () => tracker.currentWidget
  };
  addConnectCommand(deps);
  addDownloadCommand(deps, access);
  addSaveCommand(deps, access);
  addInsertCodeCommand(deps, access);
  addSetSaveTargetCommand(deps);
  trackNotebookChanges(deps);
  addToPalette(deps);
}

function addConnectCommand(deps: ICommandDeps): void {
  const { model, trans } = deps;
  deps.app.commands.addCommand(CommandIDs.connect, {
    label: trans.__('Connect to openBIS…'),
    caption: trans.__('Manage openBIS connections and log in'),
    icon: connectIcon,
    execute: () => showConnectDialog(model, trans)
  });
}

function addDownloadCommand(deps: ICommandDeps, access: INotebookAccess): void {
  const { trans } = deps;
  deps.app.commands.addCommand(CommandIDs.download, {
    label: trans.__('Download Data from openBIS…'),
    caption: trans.__(
      'Find openBIS datasets and download them next to the notebook'
    ),
    icon: downloadIcon,
    isEnabled: access.hasNotebook,
    execute: async () => {
      const panel = access.currentPanel();
      if (panel) {
        await runDownloadFlow(panel, deps);
      }
    }
  });
}

function addSaveCommand(deps: ICommandDeps, access: INotebookAccess): void {
  const { trans } = deps;
  deps.app.commands.addCommand(CommandIDs.save, {
    label: trans.__('Save Notebook to openBIS…'),
    caption: trans.__(
      'Save this notebook and its environment as an openBIS dataset'
    ),
    icon: saveToOpenbisIcon,
    // From the file browser's context menu: the notebook selected there.
    isEnabled: args =>
      args.fromFileBrowser
        ? selectedNotebook(deps) !== null
        : access.hasNotebook(),
    execute: async args => {
      const panel = args.fromFileBrowser
        ? await openSelectedNotebook(deps)
        : access.currentPanel();
      if (panel) {
        await runSaveFlow(panel, deps);
      }
    }
  });
}

/** The path of the one notebook selected in the file browser, or null. */
function selectedNotebook(deps: ICommandDeps): string | null {
  const items = Array.from(deps.fileBrowser?.selectedItems() ?? []);
  return items.length === 1 && items[0].type === 'notebook'
    ? items[0].path
    : null;
}

/** Open (or show) the notebook selected in the file browser. */
async function openSelectedNotebook(
  deps: ICommandDeps
): Promise<NotebookPanel | null> {
  const path = selectedNotebook(deps);
  if (!path) {
    return null;
  }
  const widget = await deps.app.commands.execute('docmanager:open', { path });
  if (!(widget instanceof NotebookPanel)) {
    return null;
  }
  await widget.context.ready;
  return widget;
}

function addInsertCodeCommand(
  deps: ICommandDeps,
  access: INotebookAccess
): void {
  const { trans } = deps;
  deps.app.commands.addCommand(CommandIDs.insertCode, {
    label: trans.__('Insert Code to Load openBIS Data…'),
    caption: trans.__(
      'Insert a code cell below the active cell that loads data sets with jupyterlab_openbis_bridge.load'
    ),
    isEnabled: access.hasNotebook,
    describedBy: {
      args: {
        type: 'object',
        properties: {
          permIds: {
            type: 'array',
            items: { type: 'string' },
            description: 'Data sets to load'
          },
          connection: {
            type: 'string',
            description: 'Connection name (default: the active one)'
          }
        }
      }
    },
    execute: async (args: ReadonlyPartialJSONObject) => {
      const panel = access.currentPanel();
      if (panel) {
        await insertCode(panel, deps, args);
      }
    }
  });
}

/** The panel's "Set as save target": the Save dialog's default target from now on. */
function addSetSaveTargetCommand(deps: ICommandDeps): void {
  const { trans, state } = deps;
  deps.app.commands.addCommand(CommandIDs.setSaveTarget, {
    label: trans.__('Set as Save Target'),
    caption: trans.__(
      'Save notebooks to this experiment or object unless chosen otherwise'
    ),
    isEnabled: args => state !== null && targetFrom(args) !== null,
    describedBy: {
      args: {
        type: 'object',
        properties: {
          kind: { type: 'string', enum: ['experiment', 'sample'] },
          identifier: { type: 'string' }
        },
        required: ['kind', 'identifier']
      }
    },
    execute: async (args: ReadonlyPartialJSONObject) => {
      const target = targetFrom(args);
      if (!state || !target) {
        return;
      }
      await setDefaultSaveTarget(state, target);
      Notification.info(
        trans.__('Notebooks will be saved to %1', target.identifier),
        { autoClose: 4000 }
      );
    }
  });
}

function targetFrom(args: ReadonlyPartialJSONObject): ITarget | null {
  const { kind, identifier } = args;
  if (
    (kind === 'experiment' || kind === 'sample') &&
    typeof identifier === 'string' &&
    identifier
  ) {
    return { kind, identifier };
  }
  return null;
}

/** With `permIds`, insert the code at once; otherwise choose data sets in the Download dialog. */
async function insertCode(
  panel: NotebookPanel,
  deps: ICommandDeps,
  args: ReadonlyPartialJSONObject
): Promise<void> {
  const permIds = Array.isArray(args.permIds)
    ? args.permIds.filter((p): p is string => typeof p === 'string')
    : [];
  if (permIds.length) {
    // A data set chosen elsewhere (e.g. from another command): no dialog needed.
    const connection =
      typeof args.connection === 'string'
        ? args.connection
        : deps.model.activeName;
    insertLoadCode(panel, deps, permIds, connection ?? '');
    return;
  }
  await runDownloadFlow(panel, deps, { preferInsert: true });
}

/** The notebook commands are enabled only while a notebook is current. */
function trackNotebookChanges(deps: ICommandDeps): void {
  const { commands } = deps.app;
  deps.tracker.currentChanged.connect(() => {
    commands.notifyCommandChanged(CommandIDs.download);
    commands.notifyCommandChanged(CommandIDs.save);
    commands.notifyCommandChanged(CommandIDs.insertCode);
  });
}

/** Menus and context menus come from schema/plugin.json; here only the palette. */
function addToPalette(deps: ICommandDeps): void {
  ALL_COMMANDS.forEach(command => {
    deps.palette?.addItem({ command, category: PALETTE_CATEGORY });
  });
}
