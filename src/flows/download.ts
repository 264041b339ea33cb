/**
 * Download flow: dialog → server job with progress → notebook metadata →
 * file browser refresh.
 */
import { Dialog, Notification } from '@jupyterlab/apputils';
import { PathExt } from '@jupyterlab/coreutils';
import { NotebookPanel } from '@jupyterlab/notebook';

import { getDataSet, startDownload } from '../api';
import { ICommandDeps } from '../deps';
import { ensureConnected } from '../connect';
import { DownloadBody, IDownloadChoice } from '../dialogs/DownloadDialog';
import { showSubmitDialog } from '../dialogs/submitDialog';
import { describeError } from '../errors';
import { insertCodeCell, loadCode } from '../insertCode';
import { IDownloadRecord, recordDownloads } from '../metadata';
import { trackJob } from '../progress';
import { IDownloadResult, IJob } from '../types';

/** The notebook's path without a drive prefix (e.g. `RTC:`), as the server expects. */
export function notebookLocalPath(
  panel: NotebookPanel,
  deps: Pick<ICommandDeps, 'app'>
): string {
  return deps.app.serviceManager.contents.localPath(panel.context.path);
}

/** `actions` entry of the Download dialog's "Insert code" button. */
const INSERT_ACTION = 'openbis-insert-code';

/** The template, naming the connection only when the user has several. */
export function insertLoadCode(
  panel: NotebookPanel,
  deps: Pick<ICommandDeps, 'model'>,
  permIds: string[],
  connection: string
): void {
  const several = deps.model.connections.length > 1;
  insertCodeCell(panel, loadCode(permIds, several ? connection : null));
}

export interface IDownloadFlowOptions {
  /** Make "Insert code" the default (Enter) button instead of "Download". */
  preferInsert?: boolean;
}

export async function runDownloadFlow(
  panel: NotebookPanel,
  deps: ICommandDeps,
  options: IDownloadFlowOptions = {}
): Promise<void> {
  const { model, trans } = deps;
  const connection = await ensureConnected(model, trans);
  if (!connection) {
    return;
  }
  const notebookPath = notebookLocalPath(panel, deps);
  const folder = PathExt.dirname(notebookPath);
  const body = new DownloadBody(
    connection,
    trans,
    folder ? `${folder}/data` : 'data'
  );
  let job: IJob<IDownloadResult> | null = null;
  let choice: IDownloadChoice | null = null;
  let toInsert: string[] | null = null;
  await showSubmitDialog<IDownloadChoice>({
    title: trans.__('Download data from openBIS (%1)', connection),
    body,
    className: 'jp-OpenbisBridge-wideDialog',
    buttons: [
      Dialog.cancelButton({ label: trans.__('Cancel') }),
      Dialog.okButton({
        label: trans.__('Insert code'),
        caption: trans.__(
          'Insert a code cell that loads the selected data sets from kernel code'
        ),
        displayType: 'default',
        actions: [INSERT_ACTION]
      }),
      Dialog.okButton({ label: trans.__('Download') })
    ],
    defaultButton: options.preferInsert ? 1 : 2,
    onSubmit: async (value, button) => {
      if (!value || value.dataSets.length === 0) {
        body.showProblem(null, {
          permIds: trans.__('Select at least one data set.')
        });
        return false;
      }
      if (button.actions.includes(INSERT_ACTION)) {
        toInsert = value.dataSets.map(ds => ds.permId);
        return true;
      }
      if (!value.destination) {
        body.showProblem(null, { destination: trans.__('Choose a folder.') });
        return false;
      }
      try {
        job = (await startDownload(connection, {
          permIds: value.dataSets.map(ds => ds.permId),
          destination: value.destination,
          overwrite: value.overwrite
        })) as IJob<IDownloadResult>;
        choice = value;
        return true;
      } catch (error) {
        const problem = describeError(error, trans);
        body.showProblem(problem.message, problem.fields);
        return false;
      }
    }
  });
  if (toInsert) {
    if (!panel.isDisposed) {
      insertLoadCode(panel, deps, toInsert, connection);
    }
    return;
  }
  if (!job || !choice) {
    return;
  }
  const chosen: IDownloadChoice = choice;
  const finished = await trackJob<IDownloadResult>(job, {
    trans,
    title: trans._n(
      'Downloading %1 data set',
      'Downloading %1 data sets',
      chosen.dataSets.length
    )
  });
  await deps.fileBrowser?.model.refresh();
  if (finished.state !== 'succeeded' || !finished.result) {
    return;
  }
  const instance =
    model.connections.find(c => c.name === connection)?.url ?? connection;
  const records = await Promise.all(
    finished.result.dataSets.map(entry =>
      downloadRecord(connection, instance, entry)
    )
  );
  if (!panel.isDisposed) {
    recordDownloads(panel.model!, records);
  }
  Notification.success(
    trans._n(
      'Downloaded %1 data set to %2',
      'Downloaded %1 data sets to %2',
      records.length,
      chosen.destination
    ),
    { autoClose: 5000 }
  );
}

/** The metadata record, with each file's size and CRC32 as openBIS reported them. */
async function downloadRecord(
  connection: string,
  instance: string,
  entry: IDownloadResult['dataSets'][number]
): Promise<IDownloadRecord> {
  let checksums = new Map<
    string,
    { size: number | null; crc32: number | null }
  >();
  try {
    const detail = await getDataSet(connection, entry.permId);
    checksums = new Map(
      detail.files.map(f => [
        f.path.replace(/^original\//, ''),
        { size: f.size, crc32: f.crc32 }
      ])
    );
  } catch (error) {
    console.warn('openBIS bridge: no checksums for', entry.permId, error);
  }
  const prefix = `${entry.path}/`;
  return {
    instance,
    connection,
    permId: entry.permId,
    type: entry.type,
    path: entry.path,
    size: entry.size,
    time: new Date().toISOString(),
    files: entry.files.map(path => {
      const relative = path.startsWith(prefix)
        ? path.slice(prefix.length)
        : path;
      const known =
        checksums.get(relative) ??
        checksums.get(relative.replace(/^original\//, ''));
      return { path, size: known?.size ?? null, crc32: known?.crc32 ?? null };
    })
  };
}
