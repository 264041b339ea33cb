/**
 * The Connect dialog, and making sure a flow has a logged-in connection
 * before it talks to openBIS.
 */
import { Dialog } from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';

import { ConnectBody } from './dialogs/ConnectDialog';
import { showSubmitDialog } from './dialogs/submitDialog';
import { ConnectFormModel, ICredentials } from './models/connectForm';
import { ConnectionModel } from './models/connections';

/**
 * Show the dialog. "Connect" logs in to the selected profile (or just selects
 * it when its session is alive and no secret was typed) and makes it active.
 */
export async function showConnectDialog(
  model: ConnectionModel,
  trans: TranslationBundle
): Promise<void> {
  const form = new ConnectFormModel(model, trans);
  const body = new ConnectBody(form, trans);
  void model.refresh(true);
  try {
    await showSubmitDialog<ICredentials>({
      title: trans.__('Connect to openBIS'),
      body,
      className: 'jp-OpenbisBridge-wideDialog',
      buttons: [
        Dialog.cancelButton({ label: trans.__('Close') }),
        Dialog.okButton({ label: trans.__('Connect') })
      ],
      onSubmit: () => form.submit()
    });
  } finally {
    form.dispose();
  }
}

/**
 * The active connection when it is logged in; otherwise the Connect dialog
 * first. Null when the user closes it without connecting.
 */
export async function ensureConnected(
  model: ConnectionModel,
  trans: TranslationBundle
): Promise<string | null> {
  if (model.active?.status !== 'connected') {
    await model.refresh(true);
  }
  if (model.active?.status !== 'connected') {
    await showConnectDialog(model, trans);
  }
  return model.active?.status === 'connected' ? model.active.name : null;
}
