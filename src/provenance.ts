/**
 * Provenance recorded by kernel code (`download()`, `load()`, the widgets).
 *
 * The server cannot edit a notebook an editor has open, so it queues the
 * records for that notebook and emits a Jupyter event. Here they are fetched,
 * merged into the notebook model with the same helpers as dialog downloads
 * (so they become parents on save) and acknowledged. See docs/kernel-session.md.
 */
import {
  INotebookTracker,
  Notebook,
  NotebookActions,
  NotebookPanel
} from '@jupyterlab/notebook';
import { Contents, Event } from '@jupyterlab/services';
import { Debouncer } from '@lumino/polling';

import { acknowledgeProvenance, getPendingProvenance } from './api';
import {
  IDownloadRecord,
  IUploadRecord,
  MetadataHolder,
  readOpenbisMetadata,
  recordDownloads,
  recordUpload
} from './metadata';
import { IPendingProvenance } from './types';

/** Schema of the server's "records are waiting" event (server/kernel_session.py). */
export const PROVENANCE_EVENT_SCHEMA =
  'https://events.jupyter.org/jupyterlab_openbis_bridge/provenance';

function isDownloadRecord(value: unknown): value is IDownloadRecord {
  const r = value as IDownloadRecord | null;
  return (
    !!r &&
    typeof r.permId === 'string' &&
    typeof r.path === 'string' &&
    Array.isArray(r.files)
  );
}

function isUploadRecord(value: unknown): value is IUploadRecord {
  const r = value as IUploadRecord | null;
  return !!r && typeof r.permId === 'string' && Array.isArray(r.parents);
}

export interface IMergeResult {
  /** Every id of the answer: merged, already present or unusable (none can be merged later). */
  ids: string[];
  downloads: number;
  uploads: number;
}

/**
 * Merge queued records into the notebook's metadata. Merging the same answer
 * twice changes nothing (a download replaces its permId's record, an upload
 * already recorded is not added again), so a lost acknowledgement is harmless.
 */
export function mergePendingProvenance(
  model: MetadataHolder,
  pending: IPendingProvenance
): IMergeResult {
  const downloads = (pending.downloads ?? [])
    .map(p => p.record)
    .filter(isDownloadRecord);
  if (downloads.length) {
    recordDownloads(model, downloads, pending.path);
  }
  const known = new Set(readOpenbisMetadata(model).uploads.map(u => u.permId));
  let uploads = 0;
  for (const record of (pending.uploads ?? [])
    .map(p => p.record)
    .filter(isUploadRecord)) {
    if (!known.has(record.permId)) {
      recordUpload(model, record);
      known.add(record.permId);
      uploads += 1;
    }
  }
  const ids = [...(pending.downloads ?? []), ...(pending.uploads ?? [])].map(
    p => p.id
  );
  return { ids, downloads: downloads.length, uploads };
}

export interface IProvenanceSyncOptions {
  tracker: INotebookTracker;
  events: Event.IManager;
  contents: Contents.IManager;
}

/**
 * Quiet time after the last cell execution of a notebook before it is synced
 * once (the fallback for an event lost while the page was closed or its event
 * socket was reconnecting): a run of many cells costs one request.
 */
export const EXECUTION_DEBOUNCE_MS = 5000;

/**
 * Fetches queued records when the server announces them, once when a notebook
 * opens (or is renamed), and, debounced, after cells ran. Switching tabs sends
 * nothing. Syncs of one queue never overlap.
 *
 * The server queues records under the path of the kernel's session, which can
 * differ from the document's: a notebook renamed while its kernel was starting
 * keeps its old session path (JupyterLab's SessionContext moves the new
 * session to the path it was created with). So the event names the kernel too,
 * and every sync reads the queues of both paths.
 */
export class ProvenanceSync {
  constructor(private readonly _options: IProvenanceSyncOptions) {
    const { tracker, events } = _options;
    events.stream.connect(this._onEvent, this);
    tracker.widgetAdded.connect(this._onAdded, this);
    NotebookActions.executed.connect(this._onExecuted, this);
    tracker.forEach(panel => this._onAdded(tracker, panel));
  }

  get isDisposed(): boolean {
    return this._disposed;
  }

  dispose(): void {
    if (this._disposed) {
      return;
    }
    this._disposed = true;
    const { tracker, events } = this._options;
    events.stream.disconnect(this._onEvent, this);
    tracker.widgetAdded.disconnect(this._onAdded, this);
    NotebookActions.executed.disconnect(this._onExecuted, this);
    this._debouncers.forEach(debouncer => debouncer.dispose());
    this._debouncers.clear();
  }

  /**
   * Fetch, merge and acknowledge the records waiting for `panel`'s notebook:
   * under its document path, its kernel session's path and `queuePath`.
   */
  sync(panel: NotebookPanel, queuePath?: string): Promise<void> {
    const paths = new Set(this._queuePaths(panel));
    if (queuePath) {
      paths.add(queuePath);
    }
    return Promise.all(
      [...paths].map(path => this._syncQueue(panel, path))
    ).then(() => undefined);
  }

  private _syncQueue(panel: NotebookPanel, path: string): Promise<void> {
    const previous = this._running.get(path) ?? Promise.resolve();
    const next = previous.then(() => this._syncOnce(panel, path));
    this._running.set(path, next);
    void next.finally(() => {
      if (this._running.get(path) === next) {
        this._running.delete(path);
      }
    });
    return next;
  }

  private async _syncOnce(panel: NotebookPanel, path: string): Promise<void> {
    try {
      await panel.context.ready;
      if (panel.isDisposed || !panel.model) {
        return;
      }
      const pending = await getPendingProvenance(path);
      if (!pending.downloads?.length && !pending.uploads?.length) {
        return;
      }
      if (panel.isDisposed || !panel.model) {
        return;
      }
      const merged = mergePendingProvenance(panel.model, pending);
      await acknowledgeProvenance(path, merged.ids);
    } catch (error) {
      console.warn(
        'openBIS bridge: could not merge provenance recorded by kernel code for',
        path,
        error
      );
    }
  }

  private _onEvent(_: Event.IManager, event: Event.Emission): void {
    const { path, kernelId } = event;
    if (
      event.schema_id !== PROVENANCE_EVENT_SCHEMA ||
      typeof path !== 'string'
    ) {
      return;
    }
    const panel = this._options.tracker.find(
      p =>
        (typeof kernelId === 'string' &&
          p.sessionContext.session?.kernel?.id === kernelId) ||
        this._queuePaths(p).includes(path)
    );
    if (panel) {
      void this.sync(panel, path);
    }
  }

  private _onAdded(_: INotebookTracker, panel: NotebookPanel): void {
    void this.sync(panel);
    // A renamed notebook's records are queued under its new path.
    panel.context.pathChanged.connect(() => void this.sync(panel), this);
  }

  private _onExecuted(_: unknown, args: { notebook: Notebook }): void {
    const panel = this._options.tracker.find(p => p.content === args.notebook);
    if (!panel) {
      return;
    }
    let debouncer = this._debouncers.get(panel);
    if (!debouncer) {
      debouncer = new Debouncer(() => this.sync(panel), EXECUTION_DEBOUNCE_MS);
      this._debouncers.set(panel, debouncer);
      panel.disposed.connect(() => {
        this._debouncers.get(panel)?.dispose();
        this._debouncers.delete(panel);
      });
    }
    void debouncer.invoke().catch(() => undefined);
  }

  /** The document's path and, when it lags behind, its kernel session's. */
  private _queuePaths(panel: NotebookPanel): string[] {
    const { contents } = this._options;
    const document = contents.localPath(panel.context.path);
    const session = panel.sessionContext.session?.path;
    const sessionPath = session ? contents.localPath(session) : document;
    return sessionPath === document ? [document] : [document, sessionPath];
  }

  private _disposed = false;
  private _running = new Map<string, Promise<void>>();
  private _debouncers = new Map<NotebookPanel, Debouncer<void>>();
}
