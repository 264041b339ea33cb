/**
 * Start a re-run job and follow it in a notification (the current phase, a
 * Cancel action) until it ends: long polls, so the server answers as soon as
 * the job changes state.
 */
import { Notification } from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';

import { cancelJob, getJob } from '../api';
import { describeError } from '../errors';
import { IJob } from '../types';
import { startRerun } from './api';
import { IRerunReport, IRerunRequest } from './types';

const POLL_SECONDS = 10;

export async function runAndFollow(
  connection: string,
  request: IRerunRequest,
  trans: TranslationBundle
): Promise<IJob<IRerunReport> | null> {
  const title = trans.__('Re-running %1', request.permId);
  let job: IJob<IRerunReport>;
  try {
    job = await startRerun(connection, request);
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
        caption: trans.__('Stop this re-run'),
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
    job = await getJob<IRerunReport>(job.id, POLL_SECONDS);
    Notification.update({
      id,
      message: job.currentFile ? `${title}: ${job.currentFile}` : title,
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
