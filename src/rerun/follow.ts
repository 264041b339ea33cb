/**
 * Start a job and follow it in a notification (its current step, a Cancel
 * action) until it ends: long polls, so the server answers as soon as the
 * job changes state. The re-run and the Open Notebook command use it.
 */
import { Notification } from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';
import { ReadonlyPartialJSONObject } from '@lumino/coreutils';

import { cancelJob, getJob } from '../api';
import { describeError } from '../errors';
import { formatBytes } from '../format';
import { IOpenBISBridge } from '../tokens';
import { IJob } from '../types';
import { startRerun } from './api';
import { IRerunReport, IRerunRequest } from './types';

const POLL_SECONDS = 10;

/** The command's `connection` argument, else the active one; null (and the user told) without. */
export function commandConnection(
  args: ReadonlyPartialJSONObject,
  bridge: IOpenBISBridge,
  trans: TranslationBundle
): string | null {
  const connection =
    (args.connection as string | undefined) ?? bridge.connections.activeName;
  if (!connection) {
    Notification.error(trans.__('Connect to openBIS first.'));
    return null;
  }
  return connection;
}

export interface IFollowOptions<R> {
  /** e.g. "Re-running 2026…-42" */
  title: string;
  /** The Cancel action's tooltip. */
  cancelCaption: string;
  start: () => Promise<IJob<R>>;
}

/** "title: current step (3.1 MB of 12 MB)" */
export function progressMessage(job: IJob, title: string): string {
  const bytes =
    job.bytesTotal && job.bytesTotal > 0
      ? ` (${formatBytes(job.bytesDone)} / ${formatBytes(job.bytesTotal)})`
      : '';
  return job.currentFile ? `${title}: ${job.currentFile}${bytes}` : title;
}

export async function followJob<R>(
  options: IFollowOptions<R>,
  trans: TranslationBundle
): Promise<IJob<R> | null> {
  const { title } = options;
  let job: IJob<R>;
  try {
    job = await options.start();
  } catch (error) {
    Notification.error(describeError(error, trans).message, {
      autoClose: false
    });
    return null;
  }
  const id = Notification.emit(title, 'in-progress', {
    autoClose: false,
    actions: [
      {
        label: trans.__('Cancel'),
        caption: options.cancelCaption,
        callback: event => {
          event.preventDefault();
          void cancelJob(job.id).catch(error =>
            console.warn('openBIS bridge: cancel failed', error)
          );
          Notification.update({
            id,
            message: trans.__('%1: cancelling…', title)
          });
        }
      }
    ]
  });
  while (job.state === 'queued' || job.state === 'running') {
    job = await getJob<R>(job.id, POLL_SECONDS);
    Notification.update({
      id,
      message: progressMessage(job, title),
      type: 'in-progress'
    });
  }
  if (job.state === 'succeeded') {
    Notification.dismiss(id);
  } else {
    Notification.update({
      id,
      type: job.state === 'cancelled' ? 'warning' : 'error',
      message:
        job.state === 'cancelled'
          ? trans.__('%1: cancelled', title)
          : trans.__('%1 failed: %2', title, job.error?.message ?? ''),
      actions: []
    });
  }
  return job;
}

export function runAndFollow(
  connection: string,
  request: IRerunRequest,
  trans: TranslationBundle
): Promise<IJob<IRerunReport> | null> {
  return followJob(
    {
      title: trans.__('Re-running %1', request.permId),
      cancelCaption: trans.__('Stop this re-run'),
      start: () => startRerun(connection, request)
    },
    trans
  );
}
