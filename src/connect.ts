/**
 * Making sure a flow has a logged-in connection before it talks to openBIS.
 */
import { TranslationBundle } from '@jupyterlab/translation';

import { showConnectDialog } from './dialogs/ConnectDialog';
import { ConnectionModel } from './model';

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
