/**
 * The three user-facing commands. Each is in the command palette and the
 * notebook context menu, and bound to a notebook toolbar item (schema/plugin.json).
 */
import { NotebookPanel } from '@jupyterlab/notebook';

import { ICommandDeps } from './deps';
import { showConnectDialog } from './dialogs/ConnectDialog';
import { insertLoadCode, runDownloadFlow } from './flows/download';
import { runSaveFlow } from './flows/save';
import { connectIcon, downloadIcon, saveToOpenbisIcon } from './icons';
import { ReadonlyPartialJSONObject } from '@lumino/coreutils';
import { CommandIDs } from './tokens';

const PALETTE_CATEGORY = 'openBIS';

export function registerCommands(deps: ICommandDeps): void {
  const { app, tracker, model, trans, palette } = deps;
  const { commands } = app;
  const hasNotebook = (): boolean => tracker.currentWidget !== null;
  const currentPanel = (): NotebookPanel | null => tracker.currentWidget;

  commands.addCommand(CommandIDs.connect, {
    label: trans.__('Connect to openBIS…'),
    caption: trans.__('Manage openBIS connections and log in'),
    icon: connectIcon,
    execute: () => showConnectDialog(model, trans)
  });

  commands.addCommand(CommandIDs.download, {
    label: trans.__('Download Data from openBIS…'),
    caption: trans.__(
      'Find openBIS datasets and download them next to the notebook'
    ),
    icon: downloadIcon,
    isEnabled: hasNotebook,
    execute: async () => {
      const panel = currentPanel();
      if (panel) {
        await runDownloadFlow(panel, deps);
      }
    }
  });

  commands.addCommand(CommandIDs.save, {
    label: trans.__('Save Notebook to openBIS…'),
    caption: trans.__(
      'Save this notebook and its environment as an openBIS dataset'
    ),
    icon: saveToOpenbisIcon,
    isEnabled: hasNotebook,
    execute: async () => {
      const panel = currentPanel();
      if (panel) {
        await runSaveFlow(panel, deps);
      }
    }
  });

  commands.addCommand(CommandIDs.insertCode, {
    label: trans.__('Insert Code to Load openBIS Data…'),
    caption: trans.__(
      'Insert a code cell below the active cell that loads data sets with jupyterlab_openbis_bridge.load'
    ),
    isEnabled: hasNotebook,
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
      const panel = currentPanel();
      if (!panel) {
        return;
      }
      const permIds = Array.isArray(args.permIds)
        ? args.permIds.filter((p): p is string => typeof p === 'string')
        : [];
      if (permIds.length) {
        // A data set chosen elsewhere (e.g. from another command): no dialog needed.
        const connection =
          typeof args.connection === 'string'
            ? args.connection
            : model.activeName;
        insertLoadCode(panel, deps, permIds, connection ?? '');
        return;
      }
      await runDownloadFlow(panel, deps, { preferInsert: true });
    }
  });

  tracker.currentChanged.connect(() => {
    commands.notifyCommandChanged(CommandIDs.download);
    commands.notifyCommandChanged(CommandIDs.save);
    commands.notifyCommandChanged(CommandIDs.insertCode);
  });

  const all = [
    CommandIDs.connect,
    CommandIDs.download,
    CommandIDs.save,
    CommandIDs.insertCode
  ];
  all.forEach((command, index) => {
    app.contextMenu.addItem({
      command,
      selector: '.jp-Notebook',
      rank: 20 + index
    });
    palette?.addItem({ command, category: PALETTE_CATEGORY });
  });
}
