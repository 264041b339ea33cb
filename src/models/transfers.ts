/**
 * The server's transfer jobs (downloads and saves) as the transfers view and
 * the progress notifications show them: one long-poll loop per running job,
 * the speed between polls, cancel and retry. After a page reload the jobs are
 * found again in the server's job list (`GET jobs`).
 */
import { TranslationBundle } from '@jupyterlab/translation';
import { ISignal, Signal } from '@lumino/signaling';

import { cancelJob, getJob, listJobs, startDownload } from '../api';
import { IBridgeTransfer, IBridgeTransfers } from '../tokens';
import { IJob } from '../types';

/** Seconds the server may hold a poll open; it answers at once when the job ends. */
const LONG_POLL_SECONDS = 2;

export type ITransfer = IBridgeTransfer;

export interface IFollowOptions {
  title: string;
  /** Start the same transfer again (the flow's own steps); default: none. */
  retry?: () => Promise<void>;
}

export function isActive(job: IJob): boolean {
  return job.state === 'queued' || job.state === 'running';
}

interface IEntry {
  job: IJob;
  title: string;
  speed: number | null;
  lost: string | null;
  retry: (() => Promise<void>) | null;
  sampled: { bytes: number; time: number } | null;
  done: Promise<IJob> | null;
}

export class TransfersModel implements IBridgeTransfers {
  constructor(private readonly _trans: TranslationBundle) {
    this._changed.connect(() => this._activity.emit(), this);
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
    const jobs = await listJobs();
    for (const job of jobs) {
      if (this._entries.has(job.id)) {
        continue;
      }
      const entry = this._add(job, this._titleOf(job), this._retryOf(job));
      if (isActive(job)) {
        this._follow(entry).catch(error =>
          console.warn('openBIS bridge: lost a transfer', error)
        );
      }
    }
  }

  async cancel(id: string): Promise<void> {
    const entry = this._entries.get(id);
    if (entry && isActive(entry.job)) {
      this._update(entry, await cancelJob(id));
    }
  }

  /** Start a failed or cancelled transfer again; it is replaced by the new job. */
  async retry(id: string): Promise<void> {
    const entry = this._entries.get(id);
    if (!entry?.retry || isActive(entry.job)) {
      return;
    }
    this._entries.delete(id);
    this._changed.emit(null);
    await entry.retry();
  }

  /** Drop a finished transfer from the list. */
  dismiss(id: string): void {
    const entry = this._entries.get(id);
    if (entry && !isActive(entry.job)) {
      this._entries.delete(id);
      this._changed.emit(null);
    }
  }

  dispose(): void {
    this._disposed = true;
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

  private _follow(entry: IEntry): Promise<IJob> {
    if (!entry.done) {
      entry.done = this._poll(entry);
    }
    return entry.done;
  }

  private async _poll(entry: IEntry): Promise<IJob> {
    while (isActive(entry.job) && !this._disposed) {
      try {
        this._update(entry, await getJob(entry.job.id, LONG_POLL_SECONDS));
      } catch (error) {
        entry.lost = error instanceof Error ? error.message : String(error);
        this._changed.emit(this._view(entry));
        throw error;
      }
    }
    return entry.job;
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
    }
    if (this._entries.get(job.id) === entry) {
      this._changed.emit(this._view(entry));
    }
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

  /** A title for a job this page did not start (found after a reload). */
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

  /** Downloads found after a reload start again with the same data sets and folder. */
  private _retryOf(job: IJob): (() => Promise<void>) | null {
    const { permIds, destination } = job.request;
    if (
      job.kind !== 'download' ||
      !Array.isArray(permIds) ||
      typeof destination !== 'string'
    ) {
      return null;
    }
    return async () => {
      const again = await startDownload(job.connection, {
        permIds: permIds as string[],
        destination
      });
      this.follow(again, {
        title: this._titleOf(again),
        retry: this._retryOf(again) ?? undefined
      }).catch(error => console.warn('openBIS bridge: lost a transfer', error));
    };
  }

  private _entries = new Map<string, IEntry>();
  private _disposed = false;
  private _changed = new Signal<this, ITransfer | null>(this);
  private _activity = new Signal<this, void>(this);
}
