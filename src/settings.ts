/**
 * The user settings of schema/plugin.json, read live: every reader asks for
 * the current values when it needs them, and `changed` tells the ones that
 * hold state (the status poll) to adjust.
 */
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ISignal, Signal } from '@lumino/signaling';

export interface IBridgeSettingValues {
  /** Entries per page in the panel's tree, its search and the Download dialog's table. */
  pageSize: number;
  /** Folder beside the notebook that downloads go to. */
  downloadFolder: string;
  /** Whether "include the environment" starts checked in the Save dialog. */
  includeEnvironment: boolean;
  /** Which packages the captured requirements.txt pins (see `CaptureMode` in kernel.ts). */
  environmentCapture: 'imported' | 'full';
  /** Connection to use when none was chosen yet ('' for none). */
  defaultConnection: string;
  /** Seconds between two reads of the connection states (0 turns it off). */
  statusRefreshSeconds: number;
  /** Whether a cancelled download keeps the files it already verified. */
  keepPartialDownloads: boolean;
  /** Whether opening a notebook compares its recorded environment with the kernel's. */
  environmentDriftNotice: boolean;
}

export const DEFAULT_SETTINGS: IBridgeSettingValues = {
  pageSize: 20,
  downloadFolder: 'data',
  includeEnvironment: true,
  environmentCapture: 'imported',
  defaultConnection: '',
  statusRefreshSeconds: 60,
  keepPartialDownloads: false,
  environmentDriftNotice: true
};

const MAX_PAGE_SIZE = 500;

function intIn(value: unknown, min: number, max: number, fallback: number) {
  return typeof value === 'number' && Number.isFinite(value)
    ? Math.min(max, Math.max(min, Math.round(value)))
    : fallback;
}

/** A clean relative folder: no leading or trailing slashes, no `..`. */
function folderOf(value: unknown): string {
  if (typeof value !== 'string') {
    return DEFAULT_SETTINGS.downloadFolder;
  }
  const parts = value
    .split('/')
    .map(part => part.trim())
    .filter(part => part && part !== '.' && part !== '..');
  return parts.join('/');
}

/** The values of a (partial, possibly hand-edited) settings object, checked. */
export function parseSettings(
  raw: Partial<Record<keyof IBridgeSettingValues, unknown>>
): IBridgeSettingValues {
  const d = DEFAULT_SETTINGS;
  return {
    pageSize: intIn(raw.pageSize, 1, MAX_PAGE_SIZE, d.pageSize),
    downloadFolder:
      raw.downloadFolder === undefined
        ? d.downloadFolder
        : folderOf(raw.downloadFolder),
    includeEnvironment:
      typeof raw.includeEnvironment === 'boolean'
        ? raw.includeEnvironment
        : d.includeEnvironment,
    environmentCapture:
      raw.environmentCapture === 'full' || raw.environmentCapture === 'imported'
        ? raw.environmentCapture
        : d.environmentCapture,
    defaultConnection:
      typeof raw.defaultConnection === 'string'
        ? raw.defaultConnection.trim()
        : d.defaultConnection,
    statusRefreshSeconds: intIn(
      raw.statusRefreshSeconds,
      0,
      24 * 3600,
      d.statusRefreshSeconds
    ),
    keepPartialDownloads:
      typeof raw.keepPartialDownloads === 'boolean'
        ? raw.keepPartialDownloads
        : d.keepPartialDownloads,
    environmentDriftNotice:
      typeof raw.environmentDriftNotice === 'boolean'
        ? raw.environmentDriftNotice
        : d.environmentDriftNotice
  };
}

export class BridgeSettings {
  /** The current values (the defaults until the registry has answered). */
  get values(): IBridgeSettingValues {
    return this._values;
  }

  /** Emitted after the values changed. */
  get changed(): ISignal<this, IBridgeSettingValues> {
    return this._changed;
  }

  /** Follow `settings`: read now and on every change in the Settings Editor. */
  follow(settings: ISettingRegistry.ISettings): void {
    this._settings?.changed.disconnect(this._read, this);
    this._settings = settings;
    settings.changed.connect(this._read, this);
    this._read(settings);
  }

  /** Set values directly (tests, or a host without a setting registry). */
  update(raw: Partial<Record<keyof IBridgeSettingValues, unknown>>): void {
    this._values = parseSettings({ ...this._values, ...raw });
    this._changed.emit(this._values);
  }

  dispose(): void {
    this._settings?.changed.disconnect(this._read, this);
    Signal.clearData(this);
  }

  private _read(settings: ISettingRegistry.ISettings): void {
    this._values = parseSettings(
      settings.composite as Partial<Record<keyof IBridgeSettingValues, unknown>>
    );
    this._changed.emit(this._values);
  }

  private _values: IBridgeSettingValues = { ...DEFAULT_SETTINGS };
  private _settings: ISettingRegistry.ISettings | null = null;
  private _changed = new Signal<this, IBridgeSettingValues>(this);
}
