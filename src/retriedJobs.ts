/**
 * Saves and downloads retried from the transfers view are recorded in their
 * notebook with the records the flows write (`uploadRecord`,
 * `downloadRecord`): in the open notebook, which is then saved; a notebook no
 * editor has open is updated on disk through the contents API with the same
 * records.
 */
import { Contents } from '@jupyterlab/services';
import { PartialJSONObject, PartialJSONValue } from '@lumino/coreutils';

import { MetadataHolder, recordDownloads, recordUpload } from './metadata';
import { IRetriedJob, JobRecorder } from './models/transfers';
import {
  downloadRecord,
  IRecordingNotebook,
  recordDownloadsInNotebook,
  recordSaveInNotebook,
  uploadRecord
} from './records';

export interface IRetriedJobOptions {
  contents: Contents.IManager;
  /** The openBIS URL of a connection (the records' `instance`). */
  instanceOf: (connection: string) => string;
  /** The open notebook at `path` (local to the Jupyter root), if any. */
  openNotebook: (path: string) => IRecordingNotebook | null;
}

export function retriedJobRecorder(options: IRetriedJobOptions): JobRecorder {
  return async job => {
    const instance = options.instanceOf(job.connection);
    const open = options.openNotebook(job.notebookPath);
    const record = await recording(job, instance);
    if (open) {
      await record.inOpen(open);
    } else {
      await updateNotebookFile(options.contents, job.notebookPath, record.in);
    }
  };
}

/** How `job` is recorded: in an open notebook (then saved) or in metadata. */
async function recording(
  job: IRetriedJob,
  instance: string
): Promise<{
  inOpen: (notebook: IRecordingNotebook) => Promise<void>;
  in: (metadata: MetadataHolder) => void;
}> {
  const { connection, notebookPath } = job;
  if (job.kind === 'upload') {
    const saved = { instance, connection, result: job.result };
    return {
      inOpen: notebook => recordSaveInNotebook(notebook, saved),
      in: metadata => recordUpload(metadata, uploadRecord(saved))
    };
  }
  const records = await Promise.all(
    job.result.dataSets.map(entry =>
      downloadRecord(connection, instance, entry)
    )
  );
  return {
    inOpen: notebook =>
      recordDownloadsInNotebook(notebook, records, notebookPath),
    in: metadata => recordDownloads(metadata, records, notebookPath)
  };
}

/** Change the metadata of the notebook file at `path` through the contents API. */
async function updateNotebookFile(
  contents: Contents.IManager,
  path: string,
  change: (metadata: MetadataHolder) => void
): Promise<void> {
  const file = await contents.get(path, { content: true });
  if (file.type !== 'notebook' || !file.content) {
    return;
  }
  const content = file.content as PartialJSONObject;
  const metadata = { ...((content.metadata as PartialJSONObject) ?? {}) };
  change({
    getMetadata: key => metadata[key],
    setMetadata: (key, value) => {
      metadata[key] = value as PartialJSONValue;
    },
    deleteMetadata: key => {
      delete metadata[key];
    }
  });
  await contents.save(path, {
    type: 'notebook',
    format: 'json',
    content: { ...content, metadata }
  });
}
