/**
 * What the commands and flows need from the application.
 */
import { JupyterFrontEnd } from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { IDefaultFileBrowser } from '@jupyterlab/filebrowser';
import { INotebookTracker } from '@jupyterlab/notebook';
import { IStateDB } from '@jupyterlab/statedb';
import { TranslationBundle } from '@jupyterlab/translation';

import { ConnectionModel } from './models/connections';
import { TransfersModel } from './models/transfers';
import { BridgeSettings } from './settings';

export interface ICommandDeps {
  app: JupyterFrontEnd;
  tracker: INotebookTracker;
  model: ConnectionModel;
  trans: TranslationBundle;
  palette: ICommandPalette | null;
  state: IStateDB | null;
  fileBrowser: IDefaultFileBrowser | null;
  settings: BridgeSettings;
  /** The transfer jobs, shared by the notifications and the transfers view. */
  transfers: TransfersModel;
}
