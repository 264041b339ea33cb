/**
 * Follow a server job (download or upload) in a JupyterLab notification with
 * a progress bar and a Cancel action, until it ends.
 */
import { Notification } from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';

import { cancelJob, getJob } from './api';
import { describeError } from './errors';
import { formatBytes } from './format';
import { IJob } from './types';

/** Seconds the server may hold a poll open; it answers at once when the job ends. */
const LONG_POLL_SECONDS = 2;

export interface ITrackOptions {
  trans: TranslationBundle;
  /** e.g. "Downloading 2 data sets" */
  title: string;
}

function progressText(job: IJob, options: ITrackOptions): string {
  const { trans } = options;
  const total = job.bytesTotal ?? 0;
  const files =
    job.filesTotal !== null
      ? trans.__('%1 of %2 files', job.filesDone, job.filesTotal)
      : trans.__('preparing');
  const bytes = total
    ? ` · ${formatBytes(job.bytesDone)} / ${formatBytes(total)}`
    : '';
  return `${options.title}: ${files}${bytes}`;
}

/**
 * Resolves with the finished job (succeeded, failed or cancelled); the
 * notification then shows the outcome and stays until dismissed.
 */
export async function trackJob<R>(
  job: IJob<R>,
  options: ITrackOptions
): Promise<IJob<R>> {
  const cancel = { requested: false };
  const id: string = Notification.emit(
    progressText(job, options),
    'in-progress',
    {
      autoClose: false,
      progress: 0,
      actions: [cancelAction(job, options, cancel, () => id)]
    }
  );
  const finished = await pollUntilDone(job, options, id, cancel);
  showOutcome(finished, options, id);
  return finished;
}

/** The notification's Cancel button: asks the server once to stop the job. */
function cancelAction(
  job: IJob,
  options: ITrackOptions,
  cancel: { requested: boolean },
  notificationId: () => string
): Notification.IAction {
  const { trans } = options;
  return {
    label: trans.__('Cancel'),
    caption: trans.__('Stop this transfer'),
    callback: event => {
      event.preventDefault();
      if (cancel.requested) {
        return;
      }
      cancel.requested = true;
      cancelJob(job.id).catch(error =>
        console.warn('openBIS bridge: cancel failed', error)
      );
      Notification.update({
        id: notificationId(),
        message: trans.__('%1: cancelling…', options.title),
        type: 'in-progress'
      });
    }
  };
}

/** Long-poll the job until it ends, updating the progress bar meanwhile. */
async function pollUntilDone<R>(
  job: IJob<R>,
  options: ITrackOptions,
  id: string,
  cancel: { requested: boolean }
): Promise<IJob<R>> {
  const { trans } = options;
  let current: IJob<R> = job;
  while (isActive(current)) {
    try {
      current = await getJob<R>(current.id, LONG_POLL_SECONDS);
    } catch (error) {
      Notification.update({
        id,
        message: trans.__(
          '%1: lost track of the job: %2',
          options.title,
          describeError(error, trans).message
        ),
        type: 'error',
        autoClose: false,
        actions: []
      });
      throw error;
    }
    if (!cancel.requested && isActive(current)) {
      const total = current.bytesTotal ?? 0;
      Notification.update({
        id,
        message: progressText(current, options),
        type: 'in-progress',
        progress: total ? Math.min(1, current.bytesDone / total) : undefined
      });
    }
  }
  return current;
}

function isActive(job: IJob): boolean {
  return job.state === 'queued' || job.state === 'running';
}

/** Success dismisses the notification; a failure or a cancel stays visible. */
function showOutcome(job: IJob, options: ITrackOptions, id: string): void {
  const { trans } = options;
  if (job.state === 'succeeded') {
    Notification.dismiss(id);
    return;
  }
  Notification.update({
    id,
    message:
      job.state === 'cancelled'
        ? trans.__('%1: cancelled', options.title)
        : trans.__(
            '%1 failed: %2',
            options.title,
            job.error?.message ?? trans.__('unknown error')
          ),
    type: job.state === 'cancelled' ? 'warning' : 'error',
    autoClose: job.state === 'cancelled' ? 5000 : false,
    actions: []
  });
}
