/**
 * The Connect dialog, making sure a flow has a logged-in connection before
 * it talks to openBIS, and the login prompt shown when a session ends.
 */
import { Dialog } from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';

import { ApiError, LoginHandler } from './api';
import { ConnectBody } from './dialogs/ConnectDialog';
import { showModal, showSubmitDialog } from './dialogs/modal';
import { ConnectFormModel, ICredentials } from './models/connectForm';
import { ConnectionModel } from './models/connections';
import { handshakeStatus } from './handshake';

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

/**
 * Ask the user to log in to `connection` again after `error` (its session is
 * missing or ended): the Connect dialog's body with that connection selected,
 * in a modal that may cover an open dialog (e.g. the Download dialog whose
 * call failed). Resolves true once the connection is logged in.
 */
export async function showLoginDialog(
  model: ConnectionModel,
  trans: TranslationBundle,
  connection: string,
  error: ApiError
): Promise<boolean> {
  await model.refresh(false);
  const hubLogin = await hubLoginFor(model, connection, error);
  if (
    hubLogin &&
    (await showHubLoginDialog(model, trans, connection, hubLogin))
  ) {
    return true;
  }
  const form = new ConnectFormModel(model, trans, {
    select: connection,
    requireLogin: true
  });
  form.showProgress(
    error.reason === 'session_expired'
      ? trans.__(
          'The openBIS session of %1 has ended. Log in again to continue.',
          connection
        )
      : trans.__('Log in to %1 to continue.', connection)
  );
  const body = new ConnectBody(form, trans);
  try {
    const result = await showModal<ICredentials>({
      title: trans.__('Log in to openBIS (%1)', connection),
      body,
      className: 'jp-OpenbisBridge-wideDialog jp-OpenbisBridge-loginDialog',
      buttons: [
        Dialog.cancelButton({ label: trans.__('Cancel') }),
        Dialog.okButton({ label: trans.__('Log in') })
      ],
      onSubmit: () => form.submit()
    });
    return result.button.accept && form.selected === connection;
  } finally {
    form.dispose();
  }
}

/**
 * The hub's login page when the admin chose it for ended sessions and `connection`
 * is the one the hub handed over (origin "env"); null otherwise.
 */
async function hubLoginFor(
  model: ConnectionModel,
  connection: string,
  error: ApiError
): Promise<string | null> {
  const origin = model.connections.find(c => c.name === connection)?.origin;
  if (error.reason !== 'session_expired' || origin !== 'env') {
    return null;
  }
  return (await handshakeStatus())?.hubLoginUrl ?? null;
}

/**
 * "Log in again through JupyterHub": its page opens in a new tab (nothing open
 * here is lost); Continue checks the connection, which the server renews from
 * the hub's new login. False when the user prefers the password (or gives up).
 */
async function showHubLoginDialog(
  model: ConnectionModel,
  trans: TranslationBundle,
  connection: string,
  url: string
): Promise<boolean> {
  const body = new Widget({ node: hubLoginNode(trans, connection, url) });
  const status = body.node.querySelector('[role="status"]') as HTMLElement;
  const result = await showModal<null>({
    title: trans.__('Log in to openBIS (%1)', connection),
    body,
    className: 'jp-OpenbisBridge-loginDialog',
    buttons: [
      Dialog.cancelButton({ label: trans.__('Use the password') }),
      Dialog.okButton({ label: trans.__('Continue') })
    ],
    onSubmit: async () => {
      await model.refresh(true);
      const now = model.connections.find(c => c.name === connection);
      if (now?.status === 'connected') {
        return true;
      }
      status.textContent = trans.__(
        'Not logged in yet: log in on the JupyterHub page first.'
      );
      return false;
    }
  });
  return result.button.accept;
}

function hubLoginNode(
  trans: TranslationBundle,
  connection: string,
  url: string
): HTMLElement {
  const node = document.createElement('div');
  const text = document.createElement('p');
  text.textContent = trans.__(
    'The openBIS session of %1 has ended. Log in again through JupyterHub, then press Continue.',
    connection
  );
  const link = document.createElement('a');
  link.href = url;
  link.target = '_blank';
  link.rel = 'noopener';
  link.className = 'jp-OpenbisBridge-link';
  link.textContent = trans.__('Open the JupyterHub login');
  const status = document.createElement('p');
  status.setAttribute('role', 'status');
  node.append(text, link, status);
  return node;
}

/** The login prompt `api.ts` calls when a call on a connection needs a login. */
export function loginHandler(
  model: ConnectionModel,
  trans: TranslationBundle
): LoginHandler {
  return (connection, error) =>
    showLoginDialog(model, trans, connection, error);
}
