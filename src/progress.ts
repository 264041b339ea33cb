/**
 * Follow a server job (download or upload) in a JupyterLab notification with
 * a progress bar and a Cancel action, until it ends. The job itself is
 * followed by the TransfersModel, which the transfers view shows too.
 */
import { Notification } from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';

import { describeError } from './errors';
import { formatBytes } from './format';
import { isActive, TransfersModel } from './models/transfers';
import { IJob } from './types';

export interface ITrackOptions {
  trans: TranslationBundle;
  /** e.g. "Downloading 2 data sets" */
  title: string;
  transfers: TransfersModel;
  /** Start the same transfer again from the transfers view. */
  retry?: () => Promise<void>;
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
  const { trans, transfers } = options;
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
  const onChange = (_: unknown, transfer: { job: IJob } | null): void => {
    const current = transfer?.job;
    if (current?.id !== job.id || !isActive(current)) {
      return;
    }
    if (cancel.requested) {
      return;
    }
    const total = current.bytesTotal ?? 0;
    Notification.update({
      id,
      message: progressText(current, options),
      type: 'in-progress',
      progress: total ? Math.min(1, current.bytesDone / total) : undefined
    });
  };
  transfers.changed.connect(onChange);
  let finished: IJob<R>;
  try {
    finished = await transfers.follow(job, {
      title: options.title,
      retry: options.retry
    });
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
  } finally {
    transfers.changed.disconnect(onChange);
  }
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
      options.transfers
        .cancel(job.id)
        .catch(error => console.warn('openBIS bridge: cancel failed', error));
      Notification.update({
        id: notificationId(),
        message: trans.__('%1: cancelling…', options.title),
        type: 'in-progress'
      });
    }
  };
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
