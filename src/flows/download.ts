/**
 * Download flow, each step awaited in order: make sure a connection is logged
 * in, let the user choose data sets (then either insert code that loads them,
 * link them from the mounted data store, or start a server download job),
 * follow the job with progress, record the downloads in the notebook's
 * metadata, refresh the file browser.
 */
import { Dialog, Notification } from '@jupyterlab/apputils';
import { PathExt } from '@jupyterlab/coreutils';
import { NotebookPanel } from '@jupyterlab/notebook';
import { TranslationBundle } from '@jupyterlab/translation';

import { startDownload } from '../api';
import { ensureConnected } from '../connect';
import { ICommandDeps } from '../deps';
import { DownloadBody } from '../dialogs/DownloadDialog';
import { showSubmitDialog } from '../dialogs/modal';
import { describeError } from '../errors';
import { insertCodeCell, loadCode } from '../insertCode';
import { recordDownloads } from '../metadata';
import { DownloadModel, IDownloadChoice } from '../models/download';
import { rememberedPlace, rememberPlace } from '../models/downloadPlace';
import { isMounted, linkDataSets } from '../linkInsteadOfCopy';
import { dataSetLink, downloadRecord, downloadRecords } from '../records';
import { notebookLocalPath } from '../notebookPath';
import { trackJob } from '../progress';
import { IBridgeDownloadOptions } from '../tokens';
import {
  IDownloadedDataSet,
  IDownloadRequest,
  IDownloadResult,
  IJob
} from '../types';

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

/** What the user decided in the dialog; null when it was closed. */
type Decision =
  | { kind: 'insert'; permIds: string[] }
  | { kind: 'link'; destination: string; linked: IDownloadedDataSet[] }
  | {
      kind: 'download';
      job: IJob<IDownloadResult>;
      request: IDownloadRequest;
    }
  | null;

type DownloadedDataSet = IDownloadResult['dataSets'][number];

export async function runDownloadFlow(
  panel: NotebookPanel,
  deps: ICommandDeps,
  options: IDownloadFlowOptions = {}
): Promise<void> {
  const connection = await ensureConnected(deps.model, deps.trans);
  if (!connection) {
    return;
  }
  const decision = await chooseDataSets(panel, deps, connection, options);
  if (decision?.kind === 'insert') {
    if (!panel.isDisposed) {
      insertLoadCode(panel, deps, decision.permIds, connection);
    }
  } else if (decision?.kind === 'link') {
    await notifyLinked(deps, decision.destination, decision.linked);
  } else if (decision?.kind === 'download') {
    await completeDownload(
      { panel, deps, connection, request: decision.request },
      decision.job
    );
  }
}

/** What a download job was started with, and where its records go. */
interface IDownloadContext {
  panel: NotebookPanel | null;
  deps: ICommandDeps;
  connection: string;
  request: IDownloadRequest;
}

/**
 * Follow the job, then record the downloads and tell the user. Retry in the
 * transfers view starts the same request again and comes back here.
 */
async function completeDownload(
  context: IDownloadContext,
  job: IJob<IDownloadResult>
): Promise<DownloadedDataSet[] | null> {
  const { panel, deps, connection, request } = context;
  const retry = async () => {
    const again = await startDownload(connection, request);
    await completeDownload(context, again as IJob<IDownloadResult>);
  };
  const done = await followDownload(deps, job, request.permIds.length, retry);
  if (done) {
    await recordAndNotify(
      panel,
      deps,
      connection,
      request.destination ?? '',
      done
    );
  }
  return done;
}

/** `<notebook folder>/<download folder setting>`; the file browser's folder without a notebook. */
export function defaultDestination(
  deps: Pick<ICommandDeps, 'app' | 'settings' | 'fileBrowser'>,
  panel: NotebookPanel | null
): string {
  const contents = deps.app.serviceManager.contents;
  const base = panel
    ? PathExt.dirname(notebookLocalPath(panel, deps))
    : contents.localPath(deps.fileBrowser?.model.path ?? '');
  const folder = deps.settings.values.downloadFolder;
  return [base, folder].filter(part => part).join('/');
}

/**
 * Download `permIds` without the dialog (the side panel, other extensions):
 * start the job, follow it, record it in the notebook and refresh the file
 * browser. Null when it was refused, failed or cancelled (the user was told).
 */
export async function downloadDataSets(
  deps: ICommandDeps,
  permIds: string[],
  options: IBridgeDownloadOptions = {}
): Promise<IDownloadResult | null> {
  const { trans } = deps;
  const connection =
    options.connection ?? (await ensureConnected(deps.model, trans));
  if (!connection || permIds.length === 0) {
    return null;
  }
  const panel =
    options.notebook === undefined
      ? deps.tracker.currentWidget
      : options.notebook;
  const destination = options.destination ?? defaultDestination(deps, panel);
  if (options.link) {
    const notebookPath = panel ? notebookLocalPath(panel, deps) : undefined;
    const linked = await linkOrTell(
      deps,
      connection,
      permIds,
      destination,
      notebookPath
    );
    return linked ? { dataSets: linked } : null;
  }
  const request = {
    permIds,
    destination,
    files: options.files,
    keepPartial: deps.settings.values.keepPartialDownloads
  };
  let job: IJob<IDownloadResult>;
  try {
    job = (await startDownload(connection, request)) as IJob<IDownloadResult>;
  } catch (error) {
    Notification.error(describeError(error, trans).message, {
      autoClose: false
    });
    return null;
  }
  const done = await completeDownload(
    { panel, deps, connection, request },
    job
  );
  return done ? { dataSets: done } : null;
}

/** Show the dialog until the user inserts code, starts a download or closes it. */
async function chooseDataSets(
  panel: NotebookPanel,
  deps: ICommandDeps,
  connection: string,
  options: IDownloadFlowOptions
): Promise<Decision> {
  const { trans } = deps;
  const model = new DownloadModel(
    connection,
    trans,
    defaultDestination(deps, panel),
    deps.settings.values.pageSize
  );
  model.setCanLink(
    isMounted(deps.model.connections.find(c => c.name === connection))
  );
  const body = new DownloadBody(model, trans);
  if (panel.model) {
    model.setDownloadRecords(
      downloadRecords(panel.model, deps.model.instanceOf(connection))
    );
  }
  // Back where the user was last time on this connection.
  void rememberedPlace(deps.state, connection).then(place =>
    model.restorePlace(place)
  );
  const outcome: { decision: Decision } = { decision: null };
  try {
    await showSubmitDialog<IDownloadChoice>({
      title: trans.__('Download data from openBIS (%1)', connection),
      body,
      className: 'jp-OpenbisBridge-wideDialog',
      buttons: dialogButtons(trans),
      defaultButton: options.preferInsert ? 1 : 2,
      onSubmit: async (value, button) => {
        outcome.decision = await decide(
          {
            keepPartial: deps.settings.values.keepPartialDownloads,
            model,
            connection,
            trans,
            notebookPath: notebookLocalPath(panel, deps)
          },
          value,
          button
        );
        return outcome.decision !== null;
      }
    });
  } finally {
    void rememberPlace(deps.state, connection, model.place);
    model.dispose();
  }
  return outcome.decision;
}

function dialogButtons(trans: TranslationBundle): Dialog.IButton[] {
  return [
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
  ];
}

/** What the dialog's decision depends on besides the choice and the button. */
interface IDecideContext {
  keepPartial: boolean;
  model: DownloadModel;
  connection: string;
  trans: TranslationBundle;
  /** The notebook whose provenance records links. */
  notebookPath: string;
}

/** Check the choice and act on the button; null (problem shown) keeps the dialog open. */
async function decide(
  context: IDecideContext,
  value: IDownloadChoice | null,
  button: Dialog.IButton
): Promise<Decision> {
  const { keepPartial, model, connection, trans } = context;
  if (!value || value.dataSets.length === 0) {
    model.showProblem(null, {
      permIds: trans.__('Select at least one data set.')
    });
    return null;
  }
  if (button.actions.includes(INSERT_ACTION)) {
    return { kind: 'insert', permIds: value.dataSets.map(ds => ds.permId) };
  }
  if (!value.destination) {
    model.showProblem(null, { destination: trans.__('Choose a folder.') });
    return null;
  }
  if (value.link) {
    return linkInDialog(context, value);
  }
  const request: IDownloadRequest = {
    permIds: value.dataSets.map(ds => ds.permId),
    destination: value.destination,
    // Kept with the job, so a retry after a reload records into this notebook.
    ...(context.notebookPath ? { notebookPath: context.notebookPath } : {}),
    overwrite: value.overwrite,
    keepPartial
  };
  try {
    const job = (await startDownload(
      connection,
      request
    )) as IJob<IDownloadResult>;
    return { kind: 'download', job, request };
  } catch (error) {
    const problem = describeError(error, trans);
    model.showProblem(problem.message, problem.fields);
    return null;
  }
}

/** Link the chosen data sets; a failure is shown in the dialog, which stays open. */
async function linkInDialog(
  context: IDecideContext,
  value: IDownloadChoice
): Promise<Decision> {
  const { model, connection, trans } = context;
  const permIds = value.dataSets.map(ds => ds.permId);
  const outcome = await linkDataSets(
    connection,
    permIds,
    value.destination,
    context.notebookPath
  );
  if (outcome.failed) {
    const problem = describeError(outcome.failed.error, trans);
    model.showProblem(
      trans.__('Could not link %1: %2', outcome.failed.permId, problem.message),
      problem.fields
    );
    return null;
  }
  return {
    kind: 'link',
    destination: value.destination,
    linked: outcome.linked
  };
}

/**
 * Link outside the dialog (the side panel, other extensions): the data sets
 * linked, or null when one failed (the user was told which and why).
 */
async function linkOrTell(
  deps: ICommandDeps,
  connection: string,
  permIds: string[],
  destination: string,
  notebookPath: string | undefined
): Promise<IDownloadedDataSet[] | null> {
  const { trans } = deps;
  const outcome = await linkDataSets(
    connection,
    permIds,
    destination,
    notebookPath
  );
  if (outcome.failed) {
    await deps.fileBrowser?.model.refresh();
    Notification.error(
      trans.__(
        'Could not link %1: %2',
        outcome.failed.permId,
        describeError(outcome.failed.error, trans).message
      ),
      { autoClose: false }
    );
    return null;
  }
  await notifyLinked(deps, destination, outcome.linked);
  return outcome.linked;
}

/** Show the new links in the file browser and tell the user nothing was copied. */
async function notifyLinked(
  deps: ICommandDeps,
  destination: string,
  linked: IDownloadedDataSet[]
): Promise<void> {
  const { trans } = deps;
  await deps.fileBrowser?.model.refresh();
  Notification.success(
    trans._n(
      'Linked %1 data set in %2 to the mounted data store (nothing copied)',
      'Linked %1 data sets in %2 to the mounted data store (nothing copied)',
      linked.length,
      destination
    ),
    { autoClose: 5000 }
  );
}

/** Progress until the job ends; the downloaded data sets when it succeeded. */
async function followDownload(
  deps: ICommandDeps,
  job: IJob<IDownloadResult>,
  count: number,
  retry: () => Promise<void>
): Promise<DownloadedDataSet[] | null> {
  const { trans } = deps;
  const finished = await trackJob<IDownloadResult>(job, {
    trans,
    transfers: deps.transfers,
    retry,
    title: trans._n(
      'Downloading %1 data set',
      'Downloading %1 data sets',
      count
    )
  });
  await deps.fileBrowser?.model.refresh();
  if (finished.state !== 'succeeded' || !finished.result) {
    return null;
  }
  return finished.result.dataSets;
}

/** Record the downloads in the notebook's metadata and tell the user. */
async function recordAndNotify(
  panel: NotebookPanel | null,
  deps: ICommandDeps,
  connection: string,
  destination: string,
  dataSets: DownloadedDataSet[]
): Promise<void> {
  const { trans } = deps;
  const instance = deps.model.instanceOf(connection);
  const records = await Promise.all(
    dataSets.map(entry => downloadRecord(connection, instance, entry))
  );
  if (panel && !panel.isDisposed && panel.model) {
    recordDownloads(panel.model, records, panel.context.path);
  }
  // Kept in the notification centre, with a link to each data set (the first few).
  Notification.success(
    trans._n(
      'Downloaded %1 data set to %2',
      'Downloaded %1 data sets to %2',
      records.length,
      destination
    ),
    {
      autoClose: false,
      actions: records.slice(0, 3).map(record => ({
        label:
          records.length === 1
            ? trans.__('Open in openBIS')
            : trans.__('Open %1 in openBIS', record.permId),
        caption: dataSetLink(instance, record.permId),
        callback: () =>
          window.open(
            dataSetLink(instance, record.permId),
            '_blank',
            'noopener'
          )
      }))
    }
  );
}
