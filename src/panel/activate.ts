/**
 * The panel plugin's work: make the side panel, its command (palette, View
 * menu, shortcut; see schema/panel.json) and its layout restoration.
 */
import { ILayoutRestorer, JupyterFrontEnd } from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { FileBrowser, IFileBrowserFactory } from '@jupyterlab/filebrowser';
import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import { IStatusBar } from '@jupyterlab/statusbar';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { PromiseDelegate } from '@lumino/coreutils';

import { Bridge } from '../bridge';
import { openbisIcon } from '../icons';
import { retriedJobRecorder } from '../retriedJobs';
import { CommandIDs, IOpenBISBridge, PACKAGE_NAME } from '../tokens';
import { DataSetDropTargets, IDraggedDataSet } from './dragdrop';
import { OpenbisPanel } from './OpenbisPanel';
import { TransfersStatus } from './TransfersView';

export interface IPanelServices {
  restorer: ILayoutRestorer | null;
  palette: ICommandPalette | null;
  translator: ITranslator | null;
  /** Absent in Notebook 7's tree page and in other front ends. */
  statusBar: IStatusBar | null;
  /** Drop targets for data sets dragged from the tree. */
  fileBrowsers?: IFileBrowserFactory | null;
  notebooks?: INotebookTracker | null;
}

export function activatePanel(
  app: JupyterFrontEnd,
  bridge: IOpenBISBridge,
  services: IPanelServices
): OpenbisPanel {
  const trans = (services.translator ?? nullTranslator).load(
    'jupyterlab_openbis_bridge'
  );
  const panel = new OpenbisPanel({ bridge, commands: app.commands, trans });
  app.shell.add(panel, 'left', { rank: 650 });
  services.restorer?.add(panel, panel.id);
  app.commands.addCommand(CommandIDs.openPanel, {
    label: trans.__('openBIS Panel'),
    caption: trans.__('Show the openBIS browser in the left side bar'),
    icon: args => (args.isPalette ? undefined : openbisIcon),
    execute: () => {
      app.shell.activateById(panel.id);
      panel.focusTree();
    }
  });
  services.palette?.addItem({
    command: CommandIDs.openPanel,
    category: 'openBIS'
  });
  if (bridge instanceof Bridge) {
    bridge.setPanel(panel);
    // Retry in the transfers view: a save or download is recorded in its notebook as the flows do.
    bridge.transfers.setJobRecorder(
      retriedJobRecorder({
        contents: app.serviceManager.contents,
        instanceOf: name => bridge.connections.instanceOf(name),
        openNotebook: path => openNotebook(app, services.notebooks, path)
      })
    );
  }
  acceptDrops(app, bridge, services);
  services.statusBar?.registerStatusItem(`${PACKAGE_NAME}:transfers`, {
    item: new TransfersStatus(bridge.transfers, trans, () =>
      app.commands.execute(CommandIDs.openPanel)
    ),
    align: 'left',
    rank: 900,
    isActive: () => bridge.transfers.running.length > 0,
    activeStateChanged: bridge.transfers.activity
  });
  return panel;
}

/** The open notebook whose file is `path` (local to the Jupyter root), if any. */
function openNotebook(
  app: JupyterFrontEnd,
  notebooks: INotebookTracker | null | undefined,
  path: string
): NotebookPanel | null {
  const contents = app.serviceManager.contents;
  return (
    notebooks?.find(panel => contents.localPath(panel.context.path) === path) ??
    null
  );
}

/** Data sets dragged from the tree download into a folder or become code in a notebook. */
function acceptDrops(
  app: JupyterFrontEnd,
  bridge: IOpenBISBridge,
  services: IPanelServices
): DataSetDropTargets {
  const { fileBrowsers, notebooks } = services;
  return new DataSetDropTargets({
    fileBrowsers: () => {
      const found: FileBrowser[] = [];
      fileBrowsers?.tracker.forEach(browser => found.push(browser));
      return found;
    },
    notebooks: () => {
      const found: NotebookPanel[] = [];
      notebooks?.forEach(panel => found.push(panel));
      return found;
    },
    onFolderDrop: (item: IDraggedDataSet, folder: string) => {
      void bridge.download([item.permId], {
        connection: item.connection ?? undefined,
        files: item.files,
        destination: folder
      });
    },
    onCellDrop: (
      item: IDraggedDataSet,
      panel: NotebookPanel,
      index: number
    ) => {
      void insertBelow(app, notebooks, panel, index, item);
    }
  });
}

/** Make `panel` the current notebook with cell `index` active, then insert the load code. */
async function insertBelow(
  app: JupyterFrontEnd,
  notebooks: INotebookTracker | null | undefined,
  panel: NotebookPanel,
  index: number,
  item: IDraggedDataSet
): Promise<void> {
  if (notebooks && notebooks.currentWidget !== panel) {
    const current = new PromiseDelegate<void>();
    const onChanged = (): void => {
      if (notebooks.currentWidget === panel) {
        current.resolve();
      }
    };
    const onDisposed = (): void => current.resolve();
    notebooks.currentChanged.connect(onChanged);
    panel.disposed.connect(onDisposed);
    // Activation is a posted message: the tracker follows on the focus change.
    app.shell.activateById(panel.id);
    await current.promise;
    notebooks.currentChanged.disconnect(onChanged);
    panel.disposed.disconnect(onDisposed);
    if (panel.isDisposed) {
      return;
    }
  }
  if (index >= 0) {
    panel.content.activeCellIndex = index;
  }
  await app.commands.execute(CommandIDs.insertCode, {
    permIds: [item.permId],
    connection: item.connection
  });
}
