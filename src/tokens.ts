/**
 * Identifiers shared by the plugins, commands and settings schema.
 */
import { NotebookPanel } from '@jupyterlab/notebook';
import { Token } from '@lumino/coreutils';
import { ISignal } from '@lumino/signaling';
import { Widget } from '@lumino/widgets';

import type { IBridgeSettingValues } from './settings';
import { IConnection, IDownloadResult, IJob } from './types';

/** The npm package name, also the prefix of every plugin id. */
export const PACKAGE_NAME = 'jupyterlab-openbis-bridge';

/** Path segment under the server's base URL where the server companion answers. */
export const API_NAMESPACE = 'openbis-bridge';

export namespace CommandIDs {
  export const connect = 'openbis-bridge:connect';
  export const download = 'openbis-bridge:download';
  export const save = 'openbis-bridge:save';
  export const insertCode = 'openbis-bridge:insert-code';
  export const openPanel = 'openbis-bridge:open-panel';
  export const setSaveTarget = 'openbis-bridge:set-save-target';
  export const rerun = 'openbis-bridge:rerun';
  export const openNotebook = 'openbis-bridge:open-notebook';
}

/** The openBIS connections as the frontend knows them (the server holds the sessions). */
export interface IBridgeConnections {
  /** Emitted whenever the list, the active name or a status changes. */
  readonly changed: ISignal<unknown, void>;
  readonly connections: readonly IConnection[];
  /** The connection the commands and the panel work with. */
  readonly activeName: string | null;
  readonly active: IConnection | null;
  /** The openBIS URL of connection `name`, or the name when unknown. */
  instanceOf(name: string): string;
  /** Reload the list; `live` asks each openBIS whether its session is alive. */
  refresh(live?: boolean): Promise<void>;
  setActive(name: string | null): Promise<void>;
}

export interface IBridgeDownloadOptions {
  /** Connection name; default: the active connection (after a login if needed). */
  connection?: string;
  /** Only these paths inside the data set (one data set only), e.g. `original/data.csv`. */
  files?: string[];
  /**
   * The notebook beside which the data land and whose metadata records them;
   * default: the current notebook. Without one, the file browser's folder.
   */
  notebook?: NotebookPanel | null;
  /** Folder relative to the Jupyter root; default: `<notebook folder>/<download folder setting>`. */
  destination?: string;
  /**
   * Link each data set (`<destination>/<permId>`) to its folder in the mounted
   * data store instead of copying it; the connection's data store must be
   * mounted. `files` does not apply: a link shows the whole data set.
   */
  link?: boolean;
}

/** One download or save job as the transfers view shows it. */
export interface IBridgeTransfer {
  readonly job: IJob;
  /** e.g. "Downloading 2 data sets" */
  readonly title: string;
  /** Bytes per second between the last two answers; null before the second one. */
  readonly speed: number | null;
  /** Why the job could no longer be followed (the server went away). */
  readonly lost: string | null;
  /** Whether Retry can start it again (after it failed or was cancelled). */
  readonly canRetry: boolean;
}

/** Running and finished downloads and saves of this server. */
export interface IBridgeTransfers {
  /** Emitted with the transfer that changed (null: the list itself changed). */
  readonly changed: ISignal<unknown, IBridgeTransfer | null>;
  /** Emitted with every change, without arguments. */
  readonly activity: ISignal<unknown, void>;
  /** Newest first. */
  readonly transfers: IBridgeTransfer[];
  readonly running: IBridgeTransfer[];
  cancel(id: string): Promise<void>;
  retry(id: string): Promise<void>;
  /** Drop a finished transfer from the list. */
  dismiss(id: string): void;
}

/** The user settings of the bridge (schema/plugin.json), read live. */
export interface IBridgeSettings {
  readonly values: IBridgeSettingValues;
  readonly changed: ISignal<unknown, IBridgeSettingValues>;
}

/**
 * What the openBIS bridge offers other extensions: its connections, a
 * download with progress and provenance, its settings and its side panel.
 */
export interface IOpenBISBridge {
  readonly connections: IBridgeConnections;
  readonly settings: IBridgeSettings;
  /**
   * Download data sets with the bridge's progress notification and record
   * them in the notebook's metadata. Resolves with the server's result, or
   * null when the download was refused, failed or was cancelled (the user has
   * been told).
   */
  download(
    permIds: string[],
    options?: IBridgeDownloadOptions
  ): Promise<IDownloadResult | null>;
  /** Running and finished downloads and saves, with cancel and retry. */
  readonly transfers: IBridgeTransfers;
  /** The openBIS side panel; null where it does not exist (e.g. Notebook 7 without it). */
  readonly panel: Widget | null;
  /** Emitted once the side panel has been created. */
  readonly panelChanged: ISignal<unknown, Widget | null>;
}

export const IOpenBISBridge = new Token<IOpenBISBridge>(
  `${PACKAGE_NAME}:IOpenBISBridge`,
  'The openBIS bridge: connections, downloads, settings and the side panel.'
);

/** `GET /openbis-bridge/status` */
export interface IStatus {
  version: string;
  pybis_version: string | null;
  connections: IConnection[];
  /** The hub page that renews an ended hub session (`hub_login_on_expiry`), or null. */
  hubLoginUrl?: string | null;
}
