/**
 * Save to openBIS, each step awaited in order: capture the kernel's
 * environment, show the form, validate (client, then server), write the
 * environment files, save the notebook, upload as a job with progress, then
 * record the new data set in the notebook.
 */
import { Dialog, Notification, showDialog } from '@jupyterlab/apputils';
import { PathExt } from '@jupyterlab/coreutils';
import { NotebookPanel } from '@jupyterlab/notebook';
import { IStateDB } from '@jupyterlab/statedb';
import { TranslationBundle } from '@jupyterlab/translation';
import { ReadonlyPartialJSONValue } from '@lumino/coreutils';

import { getDataSetTypes, startSave } from '../api';
import { ensureConnected } from '../connect';
import { ICommandDeps } from '../deps';
import { SaveBody } from '../dialogs/SaveDialog';
import { showSubmitDialog } from '../dialogs/modal';
import { describeError } from '../errors';
import {
  CaptureMode,
  captureEnvironment,
  captureErrorText,
  IEnvironment,
  requirementsText
} from '../kernel';
import {
  downloadedPermIds,
  readOpenbisMetadata,
  recordEnvironment
} from '../metadata';
import {
  IKernelInfo,
  initialCaptureMode,
  IRememberedCapture,
  ISaveForm,
  ITarget,
  SaveFormModel
} from '../models/saveForm';
import { SAVE_FORM_KEY } from '../models/saveTarget';
import { previousSave, recordSaveInNotebook } from '../records';
import { notebookLocalPath } from '../notebookPath';
import { trackJob } from '../progress';
import { FormValue, validateProperties } from '../properties';
import { IDataSetType, IJob, ISaveRequest, ISaveResult } from '../types';

const DEFAULT_TYPE = 'ANALYSIS_NOTEBOOK';
const CAPTURE_TIMEOUT_MS = 30000;

interface IRememberedForm extends IRememberedCapture {
  lastType?: string;
  target?: ITarget | null;
  values?: Record<string, Record<string, FormValue>>;
}

/** What every step after the capture works on. */
interface ISaveContext {
  panel: NotebookPanel;
  deps: ICommandDeps;
  connection: string;
  notebookPath: string;
  environment: IEnvironment | null;
  /** The mode `environment` was captured with. */
  captureMode: CaptureMode;
}

export async function runSaveFlow(
  panel: NotebookPanel,
  deps: ICommandDeps
): Promise<void> {
  const connection = await ensureConnected(deps.model, deps.trans);
  if (!connection || !panel.model) {
    return;
  }
  const remembered = ((await deps.state?.fetch(SAVE_FORM_KEY)) ??
    {}) as IRememberedForm;
  const captureMode = initialCaptureMode(
    deps.settings.values.environmentCapture,
    remembered
  );
  const environment = await captureStep(panel, deps, captureMode);
  if (environment === 'abort') {
    return;
  }
  const types = await loadTypes(connection, deps.trans);
  if (!types) {
    return;
  }
  const notebookPath = notebookLocalPath(panel, deps);
  const context = {
    panel,
    deps,
    connection,
    notebookPath,
    environment,
    captureMode
  };
  const started = await showSaveForm(context, types, remembered);
  if (started) {
    await completeSave(context, started);
  }
}

/** A started upload job and the request it was started with. */
interface IStartedSave {
  job: IJob<ISaveResult>;
  request: ISaveRequest;
}

/**
 * Follow the upload, then record the new data set and tell the user. Retry in
 * the transfers view sends the same request again and comes back here.
 */
async function completeSave(
  context: ISaveContext,
  started: IStartedSave
): Promise<void> {
  const { request } = started;
  const retry = async () => {
    const job = await startSave(context.connection, request);
    await completeSave(context, { job: job as IJob<ISaveResult>, request });
  };
  const result = await followUpload(context, started.job, retry);
  if (result) {
    // First the notification: recording may wait on the notebook's own save.
    notifySaved(result, context.deps.trans);
    await recordSave(context, result);
  }
}

/** (a) The environment, or null when the user chooses to continue without it. */
async function captureStep(
  panel: NotebookPanel,
  deps: ICommandDeps,
  mode: CaptureMode
): Promise<IEnvironment | null | 'abort'> {
  const { trans } = deps;
  const id = Notification.emit(
    trans.__('Capturing the kernel environment…'),
    'in-progress',
    { autoClose: false }
  );
  try {
    const env = await captureKernelEnvironment(panel, mode);
    Notification.update({
      id,
      message: trans.__(
        'Captured %1 packages and %2',
        env.requirements.length,
        env.runtime
      ),
      type: 'success',
      autoClose: 3000
    });
    return env;
  } catch (error) {
    Notification.update({
      id,
      message: trans.__('Environment not captured'),
      type: 'warning',
      autoClose: 3000
    });
    return (await continueWithoutEnvironment(error, trans)) ? null : 'abort';
  }
}

/** Run the capture in the notebook's kernel, in the kernel's language. */
async function captureKernelEnvironment(
  panel: NotebookPanel,
  mode: CaptureMode
): Promise<IEnvironment> {
  await panel.sessionContext.ready;
  const kernel = panel.sessionContext.session?.kernel ?? null;
  const info = kernel ? await kernel.info : null;
  const language =
    info?.language_info?.name ??
    (
      panel.model?.getMetadata('kernelspec') as
        { language?: string } | undefined
    )?.language;
  return captureEnvironment(kernel, {
    language,
    timeoutMs: CAPTURE_TIMEOUT_MS,
    mode
  });
}

/** Ask whether to save without requirements.txt and runtime.txt. */
async function continueWithoutEnvironment(
  error: unknown,
  trans: TranslationBundle
): Promise<boolean> {
  const message = captureErrorText(error, trans);
  const answer = await showDialog({
    title: trans.__('Environment not captured'),
    body: trans.__(
      '%1 requirements.txt and runtime.txt will not be written. Save the notebook to openBIS without them?',
      message
    ),
    buttons: [
      Dialog.cancelButton({ label: trans.__('Cancel') }),
      Dialog.okButton({ label: trans.__('Continue without') })
    ]
  });
  return answer.button.accept;
}

/** The data-set types of the connection, or null (error notified). */
async function loadTypes(
  connection: string,
  trans: TranslationBundle
): Promise<IDataSetType[] | null> {
  try {
    return await getDataSetTypes(connection);
  } catch (error) {
    Notification.error(describeError(error, trans).message, {
      autoClose: false
    });
    return null;
  }
}

/** (b) The form, until an upload job starts (its job) or the user cancels (null). */
async function showSaveForm(
  context: ISaveContext,
  types: IDataSetType[],
  remembered: IRememberedForm
): Promise<IStartedSave | null> {
  const { deps, connection, notebookPath, environment, panel } = context;
  const { trans } = deps;
  const instanceUrl = deps.model.instanceOf(connection);
  const model = new SaveFormModel({
    connection,
    trans,
    notebookPath,
    instanceUrl,
    notebookTitle: PathExt.basename(
      notebookPath,
      PathExt.extname(notebookPath)
    ),
    kernel: kernelInfo(panel),
    previous: previousSave(panel.model!, instanceUrl),
    types,
    initialType: remembered.lastType ?? DEFAULT_TYPE,
    remembered: remembered.values ?? {},
    initialTarget:
      readOpenbisMetadata(panel.model!).saveTarget ?? remembered.target ?? null,
    parentCandidates: downloadedPermIds(panel.model!),
    environment,
    captureMode: context.captureMode,
    recapture: mode => captureKernelEnvironment(panel, mode),
    includeEnvironment: deps.settings.values.includeEnvironment
  });
  const body = new SaveBody(model, deps.app.serviceManager.contents);
  void model.loadContext();
  const started: { save: IStartedSave | null } = { save: null };
  try {
    await showSubmitDialog<ISaveForm>({
      title: trans.__('Save notebook to openBIS (%1)', connection),
      body,
      className: 'jp-OpenbisBridge-wideDialog',
      buttons: [
        Dialog.cancelButton({ label: trans.__('Cancel') }),
        Dialog.okButton({ label: trans.__('Save to openBIS') })
      ],
      onSubmit: async submitted => {
        const type = model.type;
        if (!submitted || !type) {
          return false;
        }
        // A capture started in the form is waited for: the files saved are the ones shown.
        await model.captured();
        const form = model.form;
        started.save = await startUpload(context, body, type, form);
        if (!started.save) {
          return false;
        }
        await rememberForm(deps.state, remembered, type.code, {
          ...form,
          captureSetting: deps.settings.values.environmentCapture
        });
        return true;
      }
    });
  } finally {
    model.dispose();
  }
  return started.save;
}

/** The notebook's kernel: the running session's, else the notebook's kernelspec. */
function kernelInfo(panel: NotebookPanel): IKernelInfo {
  const spec = panel.model?.getMetadata('kernelspec') as
    { name?: string; language?: string } | undefined;
  return {
    name: panel.sessionContext.session?.kernel?.name ?? spec?.name ?? null,
    language: spec?.language ?? null
  };
}

/** (c) Validate, then (d) upload; null when a problem is shown in the form. */
async function startUpload(
  context: ISaveContext,
  body: SaveBody,
  type: IDataSetType,
  form: ISaveForm
): Promise<IStartedSave | null> {
  const properties = validate(type, form, body, context.deps.trans);
  if (!properties) {
    return null;
  }
  try {
    return await upload(context, type, form, properties);
  } catch (error) {
    const problem = describeError(error, context.deps.trans);
    body.showProblem(problem.message, problem.fields);
    return null;
  }
}

/** (c) Client-side validation; the coerced properties, or null with the problems shown. */
function validate(
  type: IDataSetType,
  form: ISaveForm,
  body: SaveBody,
  trans: TranslationBundle
): Record<string, unknown> | null {
  const { properties, errors } = validateProperties(type, form.values, trans);
  if (!form.target) {
    errors.target = trans.__(
      'Find and choose the experiment or sample this data set belongs to.'
    );
  }
  if (form.previous && !form.saveAs) {
    errors.saveAs = trans.__(
      'Saved before: choose a new version or a separate data set.'
    );
  }
  if (Object.keys(errors).length) {
    body.showProblem(trans.__('Please correct the marked fields.'), errors);
    return null;
  }
  return properties;
}

/** (d) The notebook itself, then the upload job (with the captured environment). */
async function upload(
  context: ISaveContext,
  type: IDataSetType,
  form: ISaveForm,
  properties: Record<string, unknown>
): Promise<IStartedSave> {
  const { panel, connection, notebookPath } = context;
  const environment = form.environment;
  if (form.includeEnvironment && environment && panel.model) {
    // The notebook carries its environment, so the drift notice works offline.
    recordEnvironment(panel.model, {
      language: environment.language,
      requirements: environment.requirements,
      runtime: environment.runtime,
      mode: form.captureMode,
      time: new Date().toISOString()
    });
  }
  if (panel.context.isReady && !panel.context.model.readOnly) {
    await panel.context.save();
  }
  const request: ISaveRequest = {
    notebookPath,
    type: type.code,
    [form.target!.kind]: form.target!.identifier,
    parents: form.parents,
    properties,
    files: form.files,
    // Uploaded from a per-save folder on the server: nothing is written beside the notebook.
    includeEnvironment: form.includeEnvironment && environment !== null,
    ...(form.includeEnvironment && environment
      ? {
          environment: {
            requirements: requirementsText(environment),
            runtime: environment.runtime
          }
        }
      : {})
  };
  const job = (await startSave(connection, request)) as IJob<ISaveResult>;
  return { job, request };
}

/** Remember the type, target and values (per type) for the next save. */
async function rememberForm(
  state: IStateDB | null,
  remembered: IRememberedForm,
  typeCode: string,
  form: ISaveForm & { captureSetting: CaptureMode }
): Promise<void> {
  const values = { ...(remembered.values ?? {}), [typeCode]: form.values };
  await state?.save(SAVE_FORM_KEY, {
    lastType: typeCode,
    target: form.target,
    values,
    captureMode: form.captureMode,
    captureSetting: form.captureSetting
  } as unknown as ReadonlyPartialJSONValue);
}

/** Progress until the job ends; its result when it succeeded. */
async function followUpload(
  context: ISaveContext,
  job: IJob<ISaveResult>,
  retry: () => Promise<void>
): Promise<ISaveResult | null> {
  const { trans, transfers } = context.deps;
  const finished = await trackJob<ISaveResult>(job, {
    trans,
    transfers,
    retry,
    title: trans.__('Saving %1 to openBIS', context.notebookPath)
  });
  return finished.state === 'succeeded' && finished.result
    ? finished.result
    : null;
}

/** (e) Record the new data set in the notebook and keep that on disk too. */
async function recordSave(
  context: ISaveContext,
  result: ISaveResult
): Promise<void> {
  const { panel, deps, connection } = context;
  await recordSaveInNotebook(panel, {
    instance: deps.model.instanceOf(connection),
    connection,
    result
  });
  await deps.fileBrowser?.model.refresh();
}

/** A notification that stays in the notification centre, with the link. */
function notifySaved(result: ISaveResult, trans: TranslationBundle): void {
  Notification.success(
    trans.__('Saved to openBIS as data set %1', result.permId),
    {
      autoClose: false,
      data: { openbisPermId: result.permId, url: result.url },
      actions: [
        {
          label: trans.__('Open in openBIS'),
          caption: result.url,
          callback: () => window.open(result.url, '_blank', 'noopener')
        }
      ]
    }
  );
}
