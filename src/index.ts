import {
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette, IToolbarWidgetRegistry } from '@jupyterlab/apputils';
import {
  IDefaultFileBrowser,
  IFileBrowserFactory
} from '@jupyterlab/filebrowser';
import { INotebookTracker } from '@jupyterlab/notebook';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { IStatusBar } from '@jupyterlab/statusbar';
import { IStateDB } from '@jupyterlab/statedb';
import { ITranslator } from '@jupyterlab/translation';

import { activateBridge } from './bridge';
import { activatePanel } from './panel/activate';
import { deepLinkPlugin } from './deeplink/plugin';
import { driftPlugin } from './drift/plugin';
import { openNotebookPlugin } from './open/plugin';
import { rerunPlugin } from './rerun/plugin';
import { IOpenBISBridge, PACKAGE_NAME } from './tokens';

/**
 * Registers the openBIS commands and the connection indicator, and provides
 * `IOpenBISBridge`. The notebook toolbar items, the menus and the settings
 * are declared in schema/plugin.json, so users can change them in the
 * Settings Editor.
 */
const plugin: JupyterFrontEndPlugin<IOpenBISBridge> = {
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
    IDefaultFileBrowser,
    ISettingRegistry
  ],
  provides: IOpenBISBridge,
  activate: (
    app: JupyterFrontEnd,
    tracker: INotebookTracker,
    palette: ICommandPalette | null,
    translator: ITranslator | null,
    toolbarRegistry: IToolbarWidgetRegistry | null,
    state: IStateDB | null,
    fileBrowser: IDefaultFileBrowser | null,
    settingRegistry: ISettingRegistry | null
  ): IOpenBISBridge =>
    activateBridge(app, plugin.id, {
      tracker,
      palette,
      translator,
      toolbarRegistry,
      state,
      fileBrowser,
      settingRegistry
    })
};

/**
 * The openBIS side panel (left area): browse and search the active
 * connection, see details, download or insert code. Its command, View-menu
 * entry and shortcut are in schema/panel.json.
 */
const panelPlugin: JupyterFrontEndPlugin<void> = {
  id: `${PACKAGE_NAME}:panel`,
  description: 'The openBIS side panel: browse, search, download.',
  autoStart: true,
  requires: [IOpenBISBridge],
  optional: [
    ILayoutRestorer,
    ICommandPalette,
    ITranslator,
    IStatusBar,
    IFileBrowserFactory,
    INotebookTracker
  ],
  activate: (
    app: JupyterFrontEnd,
    bridge: IOpenBISBridge,
    restorer: ILayoutRestorer | null,
    palette: ICommandPalette | null,
    translator: ITranslator | null,
    statusBar: IStatusBar | null,
    fileBrowsers: IFileBrowserFactory | null,
    notebooks: INotebookTracker | null
  ): void => {
    activatePanel(app, bridge, {
      restorer,
      palette,
      translator,
      statusBar,
      fileBrowsers,
      notebooks
    });
  }
};

export default [
  plugin,
  panelPlugin,
  deepLinkPlugin,
  rerunPlugin,
  driftPlugin,
  openNotebookPlugin
];
export * from './tokens';
