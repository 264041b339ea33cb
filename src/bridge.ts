/**
 * The main plugin's work: the connection model, the settings, the commands,
 * the toolbar indicator, provenance syncing, the handshake, and the
 * `IOpenBISBridge` object other plugins receive.
 */
import { JupyterFrontEnd } from '@jupyterlab/application';
import { ICommandPalette, IToolbarWidgetRegistry } from '@jupyterlab/apputils';
import { IDefaultFileBrowser } from '@jupyterlab/filebrowser';
import { INotebookTracker } from '@jupyterlab/notebook';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { IStateDB } from '@jupyterlab/statedb';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { ISignal, Signal } from '@lumino/signaling';
import { Widget } from '@lumino/widgets';

import { setLoginHandler, setServerSettings } from './api';
import { registerCommands } from './commands';
import { loginHandler } from './connect';
import { ICommandDeps } from './deps';
import { downloadDataSets } from './flows/download';
import { ensureServer } from './handshake';
import { ConnectionIndicator } from './indicator';
import { ConnectionModel } from './models/connections';
import { TransfersModel } from './models/transfers';
import { registerMountCommands } from './mountCommands';
import { ProvenanceSync } from './provenance';
import { BridgeSettings } from './settings';
import { IBridgeDownloadOptions, IOpenBISBridge } from './tokens';
import { IDownloadResult } from './types';
import { FRONTEND_VERSION } from './version';

/** Name of the Connect item in schema/plugin.json, replaced by the live indicator. */
const CONNECT_ITEM = 'openbis-connect';

export class Bridge implements IOpenBISBridge {
  constructor(private readonly _deps: ICommandDeps) {}

  get connections(): ConnectionModel {
    return this._deps.model;
  }
  get settings(): BridgeSettings {
    return this._deps.settings;
  }
  get transfers(): TransfersModel {
    return this._deps.transfers;
  }
  get panel(): Widget | null {
    return this._panel;
  }
  get panelChanged(): ISignal<this, Widget | null> {
    return this._panelChanged;
  }

  download(
    permIds: string[],
    options?: IBridgeDownloadOptions
  ): Promise<IDownloadResult | null> {
    return downloadDataSets(this._deps, permIds, options);
  }

  /** Called by the panel plugin once it has made the panel. */
  setPanel(panel: Widget | null): void {
    this._panel = panel;
    this._panelChanged.emit(panel);
  }

  private _panel: Widget | null = null;
  private _panelChanged = new Signal<this, Widget | null>(this);
}

export interface IBridgeServices {
  tracker: INotebookTracker;
  palette: ICommandPalette | null;
  translator: ITranslator | null;
  toolbarRegistry: IToolbarWidgetRegistry | null;
  state: IStateDB | null;
  fileBrowser: IDefaultFileBrowser | null;
  settingRegistry: ISettingRegistry | null;
}

export function activateBridge(
  app: JupyterFrontEnd,
  pluginId: string,
  services: IBridgeServices
): Bridge {
  setServerSettings(app.serviceManager.serverSettings);
  const trans = (services.translator ?? nullTranslator).load(
    'jupyterlab_openbis_bridge'
  );
  const settings = new BridgeSettings();
  const model = new ConnectionModel(services.state, settings);
  const transfers = new TransfersModel(trans, {
    events: app.serviceManager.events
  });
  const deps: ICommandDeps = {
    app,
    model,
    trans,
    settings,
    transfers,
    ...services
  };
  registerCommands(deps);
  registerMountCommands(deps);
  // Any call whose openBIS session is missing or ended asks to log in, then retries.
  setLoginHandler(loginHandler(model, trans));
  // Records of downloads/saves made by kernel code for an open notebook.
  new ProvenanceSync({
    tracker: services.tracker,
    events: app.serviceManager.events,
    contents: app.serviceManager.contents
  });
  services.toolbarRegistry?.addFactory(
    'Notebook',
    CONNECT_ITEM,
    () => new ConnectionIndicator(model, app.commands, trans)
  );
  // Lazily, after start-up: never hold up other plugins on a server round trip.
  void app.restored.then(async () => {
    await loadSettings(services.settingRegistry, pluginId, settings);
    const check = await ensureServer(FRONTEND_VERSION, trans);
    if (check.kind === 'missing') {
      return;
    }
    await model.restore();
    model.startPolling();
    // Transfers still running on the server (e.g. before a page reload).
    await transfers
      .restore()
      .catch(error =>
        console.warn('openBIS bridge: could not list the transfers', error)
      );
  });
  return new Bridge(deps);
}

async function loadSettings(
  registry: ISettingRegistry | null,
  pluginId: string,
  settings: BridgeSettings
): Promise<void> {
  if (!registry) {
    return;
  }
  try {
    settings.follow(await registry.load(pluginId));
  } catch (error) {
    console.warn('openBIS bridge: could not load the settings', error);
  }
}
