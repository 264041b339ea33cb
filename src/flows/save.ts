/**
 * Save to openBIS, each step awaited in order: capture the kernel's
 * environment, show the form, validate (client, then server), write the
 * environment files, save the notebook, upload as a job with progress, then
 * record the new data set in the notebook.
 */
import { Dialog, Notification, showDialog } from '@jupyterlab/apputils';
import { NotebookPanel } from '@jupyterlab/notebook';
import { ReadonlyPartialJSONValue } from '@lumino/coreutils';

import { getDataSetTypes, startSave, writeEnvFiles } from '../api';
import { ensureConnected } from '../connect';
import { ICommandDeps } from '../deps';
import { ISaveForm, ITarget, SaveBody } from '../dialogs/SaveDialog';
import { showSubmitDialog } from '../dialogs/submitDialog';
import { describeError } from '../errors';
import {
  CaptureError,
  captureEnvironment,
  IEnvironment,
  requirementsText
} from '../kernel';
import { downloadedPermIds, recordUpload } from '../metadata';
import { trackJob } from '../progress';
import { FormValue, validateProperties } from '../properties';
import { IJob, ISaveResult } from '../types';
import { notebookLocalPath } from './download';

const DEFAULT_TYPE = 'ANALYSIS_NOTEBOOK';
const FORM_KEY = 'jupyterlab-openbis-bridge:save-form';
const CAPTURE_TIMEOUT_MS = 30000;

interface IRememberedForm {
  lastType?: string;
  target?: ITarget | null;
  values?: Record<string, Record<string, FormValue>>;
}

/** (a) The environment, or null when the user chooses to continue without it. */
async function captureStep(
  panel: NotebookPanel,
  deps: ICommandDeps
): Promise<IEnvironment | null | 'abort'> {
  const { trans } = deps;
  const id = Notification.emit(
    trans.__('Capturing the kernel environment…'),
    'in-progress',
    { autoClose: false }
  );
  try {
    await panel.sessionContext.ready;
    const kernel = panel.sessionContext.session?.kernel ?? null;
    const info = kernel ? await kernel.info : null;
    const language =
      info?.language_info?.name ??
      (
        panel.model?.getMetadata('kernelspec') as
          { language?: string } | undefined
      )?.language;
    const env = await captureEnvironment(kernel, {
      language,
      timeoutMs: CAPTURE_TIMEOUT_MS
    });
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
    const message =
      error instanceof CaptureError ? error.message : String(error);
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
    return answer.button.accept ? null : 'abort';
  }
}

export async function runSaveFlow(
  panel: NotebookPanel,
  deps: ICommandDeps
): Promise<void> {
  const { model, trans, state, app } = deps;
  const connection = await ensureConnected(model, trans);
  if (!connection || !panel.model) {
    return;
  }
  const environment = await captureStep(panel, deps);
  if (environment === 'abort') {
    return;
  }
  let types;
  try {
    types = await getDataSetTypes(connection);
  } catch (error) {
    Notification.error(describeError(error, trans).message, {
      autoClose: false
    });
    return;
  }
  const remembered = ((await state?.fetch(FORM_KEY)) ?? {}) as IRememberedForm;
  const notebookPath = notebookLocalPath(panel, deps);
  const body = new SaveBody({
    connection,
    trans,
    contents: app.serviceManager.contents,
    notebookPath,
    types,
    initialType: remembered.lastType ?? DEFAULT_TYPE,
    remembered: remembered.values ?? {},
    initialTarget: remembered.target ?? null,
    parentCandidates: downloadedPermIds(panel.model),
    environment
  });

  let job: IJob<ISaveResult> | null = null;
  await showSubmitDialog<ISaveForm>({
    title: trans.__('Save notebook to openBIS (%1)', connection),
    body,
    className: 'jp-OpenbisBridge-wideDialog',
    buttons: [
      Dialog.cancelButton({ label: trans.__('Cancel') }),
      Dialog.okButton({ label: trans.__('Save to openBIS') })
    ],
    onSubmit: async form => {
      const type = body.type;
      if (!form || !type) {
        return false;
      }
      // (c) client-side validation first.
      const { properties, errors } = validateProperties(
        type,
        form.values,
        trans
      );
      if (!form.target) {
        errors.target = trans.__(
          'Find and choose the experiment or sample this data set belongs to.'
        );
      }
      if (Object.keys(errors).length) {
        body.showProblem(trans.__('Please correct the marked fields.'), errors);
        return false;
      }
      try {
        // (d) environment files, then the notebook itself, then the upload.
        if (form.includeEnvironment && environment) {
          await writeEnvFiles({
            notebookPath,
            requirements: requirementsText(environment),
            runtime: environment.runtime
          });
        }
        if (panel.context.isReady && !panel.context.model.readOnly) {
          await panel.context.save();
        }
        job = (await startSave(connection, {
          notebookPath,
          type: type.code,
          [form.target!.kind]: form.target!.identifier,
          parents: form.parents,
          properties,
          files: form.files,
          includeEnvironment: form.includeEnvironment
        })) as IJob<ISaveResult>;
      } catch (error) {
        const problem = describeError(error, trans);
        body.showProblem(problem.message, problem.fields);
        return false;
      }
      const values = { ...(remembered.values ?? {}), [type.code]: form.values };
      await state?.save(FORM_KEY, {
        lastType: type.code,
        target: form.target,
        values
      } as unknown as ReadonlyPartialJSONValue);
      return true;
    }
  });
  if (!job) {
    return;
  }
  const finished = await trackJob<ISaveResult>(job, {
    trans,
    title: trans.__('Saving %1 to openBIS', notebookPath)
  });
  if (finished.state !== 'succeeded' || !finished.result) {
    return;
  }
  const result = finished.result;
  // (e) record the new data set in the notebook and keep that on disk too.
  if (!panel.isDisposed && panel.model) {
    recordUpload(panel.model, {
      instance:
        model.connections.find(c => c.name === connection)?.url ?? connection,
      connection,
      permId: result.permId,
      url: result.url,
      type: result.type,
      owner: result.owner.identifier,
      parents: result.parents,
      time: new Date().toISOString()
    });
    await panel.context.save();
  }
  await deps.fileBrowser?.model.refresh();
  Notification.success(
    trans.__('Saved to openBIS as data set %1', result.permId),
    {
      autoClose: false,
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
