import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette, IToolbarWidgetRegistry } from '@jupyterlab/apputils';
import { IDefaultFileBrowser } from '@jupyterlab/filebrowser';
import { INotebookTracker } from '@jupyterlab/notebook';
import { IStateDB } from '@jupyterlab/statedb';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';

import { registerCommands } from './commands';
import { ConnectionIndicator } from './indicator';
import { ConnectionModel } from './models/connections';
import { ProvenanceSync } from './provenance';
import { PACKAGE_NAME } from './tokens';

/** Name of the Connect item in schema/plugin.json, replaced by the live indicator. */
const CONNECT_ITEM = 'openbis-connect';
/** How often the indicator re-reads the server's last known connection states. */
const STATUS_POLL_MS = 60 * 1000;

/**
 * Registers the openBIS commands and the connection indicator. The notebook
 * toolbar items are declared in schema/plugin.json (`jupyter.lab.toolbars`),
 * so users can hide or reorder them in the settings editor.
 */
const plugin: JupyterFrontEndPlugin<void> = {
  id: `${PACKAGE_NAME}:plugin`,
  description:
    'Connect notebooks to openBIS: download datasets, save notebooks back.',
  autoStart: true,
  requires: [INotebookTracker],
  optional: [
    ICommandPalette,
    ITranslator,
    IToolbarWidgetRegistry,
    IStateDB,
    IDefaultFileBrowser
  ],
  activate: (
    app: JupyterFrontEnd,
    tracker: INotebookTracker,
    palette: ICommandPalette | null,
    translator: ITranslator | null,
    toolbarRegistry: IToolbarWidgetRegistry | null,
    state: IStateDB | null,
    fileBrowser: IDefaultFileBrowser | null
  ) => {
    const trans = (translator ?? nullTranslator).load(
      'jupyterlab_openbis_bridge'
    );
    const model = new ConnectionModel(state);
    registerCommands({
      app,
      tracker,
      model,
      trans,
      palette,
      state,
      fileBrowser
    });
    // Records of downloads/saves made by kernel code for an open notebook.
    new ProvenanceSync({
      tracker,
      events: app.serviceManager.events,
      contents: app.serviceManager.contents
    });
    toolbarRegistry?.addFactory(
      'Notebook',
      CONNECT_ITEM,
      () => new ConnectionIndicator(model, app.commands, trans)
    );
    // Lazily, after start-up: never hold up other plugins on a server round trip.
    void app.restored.then(async () => {
      await model.restore();
      model.startPolling(STATUS_POLL_MS);
    });
  }
};

export default plugin;
