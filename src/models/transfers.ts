/**
 * The server's transfer jobs (downloads and saves) as the transfers view and
 * the progress notifications show them: progress pushed by the server through
 * jupyter_server's event bus (`serviceManager.events`), the speed between two
 * updates, cancel and retry. Jobs this page did not start (kernel code,
 * another tab) appear when their first event arrives; after a page reload the
 * server's job list (`GET jobs`) brings the others back. A slow Poll of that
 * list, only while a job runs, covers events lost while the event socket
 * reconnects.
 */
import { Event } from '@jupyterlab/services';
import { TranslationBundle } from '@jupyterlab/translation';
import { PromiseDelegate } from '@lumino/coreutils';
import { Poll } from '@lumino/polling';
import { ISignal, Signal } from '@lumino/signaling';

import { cancelJob, getJob, listJobs, startDownload, startSave } from '../api';
import { IBridgeTransfer, IBridgeTransfers } from '../tokens';
import {
  IDownloadRequest,
  IDownloadResult,
  IJob,
  ISaveRequest,
  ISaveResult
} from '../types';

/** Schema of the server's job progress events (server/job_event_schema.json). */
export const JOB_EVENT_SCHEMA =
  'https://events.jupyter.org/jupyterlab_openbis_bridge/job';

/** The job list is read this often while a job runs and events flow … */
const FALLBACK_INTERVAL_MS = 10000;
/** … and this often where the page has no event bus. */
const POLL_INTERVAL_MS = 2000;

export type ITransfer = IBridgeTransfer;

export interface IFollowOptions {
  title: string;
  /** Start the same transfer again (the flow's own steps); default: none. */
  retry?: () => Promise<void>;
}

/**
 * A transfer that succeeded after a retry from the job list, with the
 * notebook its request named (local to the Jupyter root).
 */
export type IRetriedJob =
  | {
      kind: 'upload';
      connection: string;
      notebookPath: string;
      result: ISaveResult;
    }
  | {
      kind: 'download';
      connection: string;
      notebookPath: string;
      result: IDownloadResult;
    };

/** Records a retried transfer in its notebook, as the save and download flows record theirs. */
export type JobRecorder = (job: IRetriedJob) => Promise<void>;

export interface ITransfersOptions {
  /** The server's event bus; without it the job list is polled. */
  events?: Event.IManager | null;
}

export function isActive(job: IJob): boolean {
  return job.state === 'queued' || job.state === 'running';
}

/** The progress fields a job event carries (it has no request and no result). */
const PROGRESS_FIELDS = [
  'state',
  'bytesDone',
  'bytesTotal',
  'filesDone',
  'filesSkipped',
  'filesTotal',
  'currentFile',
  'error',
  'finished'
] as const;

interface IEntry {
  job: IJob;
  title: string;
  speed: number | null;
  lost: string | null;
  retry: (() => Promise<void>) | null;
  sampled: { bytes: number; time: number } | null;
  done: PromiseDelegate<IJob> | null;
}

export class TransfersModel implements IBridgeTransfers {
  constructor(
    private readonly _trans: TranslationBundle,
    options: ITransfersOptions = {}
  ) {
    this._changed.connect(() => this._activity.emit(), this);
    this._events = options.events ?? null;
    this._events?.stream.connect(this._onEvent, this);
    this._poll = new Poll({
      auto: false,
      factory: () => this._refresh(),
      frequency: {
        interval: this._events ? FALLBACK_INTERVAL_MS : POLL_INTERVAL_MS,
        backoff: true,
        max: 60000
      },
      name: 'openbis-bridge:transfers',
      standby: 'when-hidden'
    });
  }

  /** Emitted with the transfer that changed (null: the list itself changed). */
  get changed(): ISignal<this, ITransfer | null> {
    return this._changed;
  }

  /** Newest first. */
  get transfers(): ITransfer[] {
    return [...this._entries.values()]
      .reverse()
      .map(entry => this._view(entry));
  }

  /** Emitted with every change, without arguments (e.g. for a status bar item). */
  get activity(): ISignal<this, void> {
    return this._activity;
  }

  get running(): ITransfer[] {
    return this.transfers.filter(t => isActive(t.job));
  }

  get(id: string): ITransfer | null {
    const entry = this._entries.get(id);
    return entry ? this._view(entry) : null;
  }

  /** Follow `job` until it ends; resolves with the finished job. */
  follow<R>(job: IJob<R>, options: IFollowOptions): Promise<IJob<R>> {
    const entry = this._add(job, options.title, options.retry ?? null);
    return this._follow(entry) as Promise<IJob<R>>;
  }

  /** Add the server's jobs this page does not know yet, following the running ones. */
  async restore(): Promise<void> {
    for (const job of await listJobs()) {
      this._adopt(job);
    }
  }

  async cancel(id: string): Promise<void> {
    const entry = this._entries.get(id);
    if (entry && isActive(entry.job)) {
      this._update(entry, await cancelJob(id));
    }
  }

  /**
   * Who records a save or download retried from the job list in its notebook
   * (the side panel sets it; the flows' own retries record themselves).
   */
  setJobRecorder(recorder: JobRecorder | null): void {
    this._jobRecorder = recorder;
  }

  /** Start a failed or cancelled transfer again; it is replaced by the new job. */
  async retry(id: string): Promise<void> {
    const entry = this._entries.get(id);
    if (!entry?.retry || isActive(entry.job)) {
      return;
    }
    this._forget(id);
    await entry.retry();
  }

  /** Drop a finished transfer from the list. */
  dismiss(id: string): void {
    const entry = this._entries.get(id);
    if (entry && !isActive(entry.job)) {
      this._forget(id);
    }
  }

  dispose(): void {
    if (this._disposed) {
      return;
    }
    this._disposed = true;
    this._events?.stream.disconnect(this._onEvent, this);
    this._poll.dispose();
    Signal.clearData(this);
  }

  private _add(
    job: IJob,
    title: string,
    retry: (() => Promise<void>) | null
  ): IEntry {
    const known = this._entries.get(job.id);
    if (known) {
      known.title = title;
      known.retry = retry ?? known.retry;
      this._changed.emit(this._view(known));
      return known;
    }
    const entry: IEntry = {
      job,
      title,
      speed: null,
      lost: null,
      retry,
      sampled: { bytes: job.bytesDone, time: Date.now() },
      done: null
    };
    this._entries.set(job.id, entry);
    this._changed.emit(null);
    return entry;
  }

  /** A job this page did not start: shown with a title of its own, followed while it runs. */
  private _adopt(job: IJob): void {
    if (job.kind !== 'download' && job.kind !== 'upload') {
      return; // a re-run is followed by its own report, not listed as a transfer
    }
    const known = this._entries.get(job.id);
    if (known) {
      this._update(known, job);
      return;
    }
    if (this._forgotten.has(job.id)) {
      return;
    }
    const entry = this._add(job, this._titleOf(job), this._retryOf(job));
    if (isActive(job)) {
      this._follow(entry).catch(error =>
        console.warn('openBIS bridge: lost a transfer', error)
      );
    }
  }

  private _follow(entry: IEntry): Promise<IJob> {
    if (!isActive(entry.job)) {
      return Promise.resolve(entry.job);
    }
    if (!entry.done) {
      entry.done = new PromiseDelegate<IJob>();
      // Handled by whoever follows; never an unhandled rejection here.
      entry.done.promise.catch(() => undefined);
      void this._poll.start();
    }
    return entry.done.promise;
  }

  private _onEvent(_: Event.IManager, event: Event.Emission): void {
    const id = event.id;
    if (event.schema_id !== JOB_EVENT_SCHEMA || typeof id !== 'string') {
      return;
    }
    const entry = this._entries.get(id);
    if (!entry) {
      void this._discover(id);
      return;
    }
    if (!isActive(entry.job)) {
      return;
    }
    const progress: Record<string, unknown> = {};
    for (const field of PROGRESS_FIELDS) {
      if (field in event) {
        progress[field] = event[field];
      }
    }
    const job = { ...entry.job, ...progress } as IJob;
    if (isActive(job)) {
      this._update(entry, job);
    } else {
      // The event has no result: the finished job comes from the server once.
      void this._reload(entry.job.id);
    }
  }

  /** A job announced by an event that this page does not know yet. */
  private async _discover(id: string): Promise<void> {
    if (this._discovering.has(id) || this._forgotten.has(id)) {
      return;
    }
    this._discovering.add(id);
    try {
      await this._reload(id);
    } finally {
      this._discovering.delete(id);
    }
  }

  private async _reload(id: string): Promise<void> {
    try {
      const job = await getJob(id);
      if (!this._disposed) {
        this._adopt(job);
      }
    } catch (error) {
      // The fallback poll reads the job list again soon.
      console.warn('openBIS bridge: could not read transfer', id, error);
    }
  }

  /** The fallback: the server's job list, while this page follows a running job. */
  private async _refresh(): Promise<void> {
    if (this._poll.state.phase === 'started') {
      return; // the first tick of a (re)start: events come first
    }
    const following = [...this._entries.values()].filter(
      entry => entry.done && isActive(entry.job)
    );
    if (!following.length) {
      void this._poll.stop();
      return;
    }
    const jobs = await listJobs();
    const listed = new Map(jobs.map(job => [job.id, job]));
    for (const job of jobs) {
      this._adopt(job);
    }
    for (const entry of following) {
      if (!listed.has(entry.job.id)) {
        this._lose(
          entry,
          this._trans.__('the server no longer knows this job')
        );
      }
    }
  }

  private _lose(entry: IEntry, reason: string): void {
    entry.lost = reason;
    entry.done?.reject(new Error(reason));
    entry.done = null;
    this._changed.emit(this._view(entry));
  }

  private _update(entry: IEntry, job: IJob): void {
    const now = Date.now();
    const last = entry.sampled;
    if (last && now > last.time && job.bytesDone >= last.bytes) {
      const seconds = (now - last.time) / 1000;
      if (seconds >= 0.2) {
        entry.speed = (job.bytesDone - last.bytes) / seconds;
        entry.sampled = { bytes: job.bytesDone, time: now };
      }
    }
    entry.job = job;
    if (!isActive(job)) {
      entry.speed = null;
      entry.done?.resolve(job);
    }
    if (this._entries.get(job.id) === entry) {
      this._changed.emit(this._view(entry));
    }
  }

  private _forget(id: string): void {
    this._entries.delete(id);
    this._forgotten.add(id);
    this._changed.emit(null);
  }

  private _view(entry: IEntry): ITransfer {
    return {
      job: entry.job,
      title: entry.title,
      speed: entry.speed,
      lost: entry.lost,
      canRetry:
        entry.retry !== null &&
        (entry.job.state === 'failed' || entry.job.state === 'cancelled')
    };
  }

  /** A title for a job this page did not start (kernel code, another tab, before a reload). */
  private _titleOf(job: IJob): string {
    const trans = this._trans;
    if (job.kind === 'download') {
      const permIds = job.request.permIds;
      const count = Array.isArray(permIds) ? permIds.length : 0;
      return trans._n(
        'Downloading %1 data set',
        'Downloading %1 data sets',
        count
      );
    }
    const owner = job.request.owner;
    return typeof owner === 'string'
      ? trans.__('Saving to openBIS (%1)', owner)
      : trans.__('Saving to openBIS');
  }

  /**
   * Retry for a job this page did not start: the server keeps each job's
   * request body (`request.body`, secret-free), sent again as it was.
   */
  private _retryOf(job: IJob): (() => Promise<void>) | null {
    const body = resendableBody(job);
    if (!body) {
      return null;
    }
    return async () => {
      const again =
        job.kind === 'download'
          ? await startDownload(
              job.connection,
              body as unknown as IDownloadRequest
            )
          : await startSave(job.connection, body as unknown as ISaveRequest);
      this.follow(again, {
        title: this._titleOf(again),
        retry: this._retryOf(again) ?? undefined
      })
        .then(finished => this._recordRetried(finished, body))
        .catch(error => console.warn('openBIS bridge: lost a transfer', error));
    };
  }

  /**
   * A retried save or download that succeeded is recorded in the notebook its
   * request names, like the flows record theirs (a download without a
   * notebook has nowhere to be recorded).
   */
  private async _recordRetried(
    finished: IJob,
    body: Record<string, unknown>
  ): Promise<void> {
    const notebookPath = body.notebookPath;
    if (
      !this._jobRecorder ||
      finished.state !== 'succeeded' ||
      !finished.result ||
      typeof notebookPath !== 'string'
    ) {
      return;
    }
    const { connection } = finished;
    if (finished.kind === 'upload') {
      const result = finished.result as ISaveResult;
      await this._jobRecorder({
        kind: 'upload',
        connection,
        notebookPath,
        result
      });
    } else if (finished.kind === 'download') {
      const result = finished.result as IDownloadResult;
      await this._jobRecorder({
        kind: 'download',
        connection,
        notebookPath,
        result
      });
    }
  }

  private _entries = new Map<string, IEntry>();
  /** Dismissed or retried: never brought back by a late event or the job list. */
  private _forgotten = new Set<string>();
  private _discovering = new Set<string>();
  private _disposed = false;
  private _jobRecorder: JobRecorder | null = null;
  private _events: Event.IManager | null;
  private _poll: Poll;
  private _changed = new Signal<this, ITransfer | null>(this);
  private _activity = new Signal<this, void>(this);
}

/** The body that starts `job` again, from the server's job list. */
function resendableBody(job: IJob): Record<string, unknown> | null {
  const { body, permIds, destination } = job.request;
  if (body && typeof body === 'object' && !Array.isArray(body)) {
    return body as Record<string, unknown>;
  }
  // Jobs listed by a server that did not keep the body yet.
  if (
    job.kind === 'download' &&
    Array.isArray(permIds) &&
    typeof destination === 'string'
  ) {
    return { permIds, destination };
  }
  return null;
}
