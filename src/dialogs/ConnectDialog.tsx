/**
 * The Connect dialog's body: profiles with their live status, add/edit/remove,
 * and login with a password, a session token or a personal access token.
 * It renders a ConnectFormModel and forwards user input to it.
 */
import { Dialog, ReactWidget } from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';
import React, { useEffect } from 'react';

import { ConnectFormModel, ICredentials } from '../models/connectForm';
import { AuthMethod, IConnection } from '../types';
import { ConnectionsTable, IFocusRequester } from './ConnectionsTable';
import { describedBy, ErrorBanner, Field, uniqueId } from './fields';
import { ProfileForm } from './ProfileForm';
import { IEnterAware } from './modal';

interface ILoginIds {
  method: string;
  username: string;
  secret: string;
}

export class ConnectBody
  extends ReactWidget
  implements Dialog.IBodyWidget<ICredentials>, IEnterAware
{
  constructor(
    private readonly _form: ConnectFormModel,
    private readonly _trans: TranslationBundle
  ) {
    super();
    this.addClass('jp-OpenbisBridge-connectDialog');
    _form.changed.connect(this.update, this);
  }

  dispose(): void {
    this._form.changed.disconnect(this.update, this);
    super.dispose();
  }

  getValue(): ICredentials {
    return this._form.credentials;
  }

  handleEnter(target: Element): boolean {
    if (this._form.profile && target.closest('[data-profile-form]')) {
      void this._saveProfile();
      return true;
    }
    return false;
  }

  /** Focus the first element matching `selector` once the next render shows it. */
  focusAfterRender(selector: string): void {
    this._pendingFocus = selector;
    this.update();
  }

  private _applyPendingFocus = (): void => {
    const selector = this._pendingFocus;
    const target = selector
      ? this.node.querySelector<HTMLElement>(selector)
      : null;
    if (target) {
      this._pendingFocus = null;
      target.focus();
    }
  };

  /** Save the profile form; then the password field, or the first invalid field. */
  private async _saveProfile(): Promise<void> {
    await this._form.saveProfile();
    this.focusAfterRender(
      this._form.profile
        ? '[data-profile-form] [aria-invalid="true"]'
        : `#${this._ids.secret}`
    );
  }

  private _openProfile(existing: IConnection | null): void {
    this._form.openProfile(existing);
    this.focusAfterRender('[data-profile-form] input:not([disabled])');
  }

  render(): JSX.Element {
    const trans = this._trans;
    const form = this._form;
    return (
      <div className="jp-OpenbisBridge-dialog">
        <AfterRender run={this._applyPendingFocus} />
        <ErrorBanner message={form.connections.lastError} />
        <ConnectionsTable
          form={form}
          trans={trans}
          radioName={this._ids.radio}
          focus={this}
          onEdit={c => this._openProfile(c)}
        />
        <div className="jp-OpenbisBridge-actions">
          <button
            className="jp-mod-styled jp-mod-reject"
            data-focus="add"
            onClick={() => this._openProfile(null)}
          >
            {trans.__('Add connection…')}
          </button>
          <button
            className="jp-mod-styled jp-mod-reject"
            onClick={() => void form.connections.refresh(true)}
          >
            {trans.__('Refresh status')}
          </button>
        </div>
        <ConfirmRemove form={form} trans={trans} focus={this} />
        {form.profile ? (
          <ProfileForm
            trans={trans}
            idPrefix={this._ids.profile}
            editing={form.profile.existing !== null}
            values={form.profile.values}
            errors={form.profile.errors}
            message={form.profile.message}
            onChange={patch => form.changeProfile(patch)}
            onSave={() => void this._saveProfile()}
            onCancel={() => {
              form.closeProfile();
              this.focusAfterRender('[data-focus="add"]');
            }}
          />
        ) : (
          <LoginForm form={form} trans={trans} ids={this._ids} />
        )}
      </div>
    );
  }

  private _ids = {
    profile: uniqueId('profile'),
    radio: uniqueId('connection'),
    method: uniqueId('login-method'),
    username: uniqueId('login-user'),
    secret: uniqueId('login-secret')
  };
  private _pendingFocus: string | null = null;
}

/** Runs `run` after every render (React effects run once the DOM is updated). */
function AfterRender(props: { run: () => void }): null {
  useEffect(() => props.run());
  return null;
}

interface IPartProps {
  form: ConnectFormModel;
  trans: TranslationBundle;
}

/** "Remove the connection …?" with Keep and Remove; Keep has the focus. */
function ConfirmRemove(
  props: IPartProps & { focus: IFocusRequester }
): JSX.Element | null {
  const { form, trans, focus } = props;
  const target = form.confirmRemove;
  if (!target) {
    return null;
  }
  return (
    <div
      className="jp-OpenbisBridge-error jp-OpenbisBridge-confirm"
      role="alertdialog"
      aria-label={trans.__('Remove connection')}
    >
      <span>
        {trans.__(
          'Remove the connection "%1" (%2)? Its session is closed.',
          target.name,
          target.url
        )}
      </span>
      <div className="jp-OpenbisBridge-actions">
        <button
          className="jp-mod-styled jp-mod-reject"
          data-focus="keep"
          onClick={() => {
            form.cancelRemove();
            focus.focusAfterRender(
              `[data-focus="remove"][data-name="${CSS.escape(target.name)}"]`
            );
          }}
        >
          {trans.__('Keep')}
        </button>
        <button
          className="jp-mod-styled jp-mod-warn"
          onClick={() => {
            // The row goes away: the focus moves to a button that stays.
            focus.focusAfterRender('[data-focus="add"]');
            void form.remove(target);
          }}
        >
          {trans.__('Remove')}
        </button>
      </div>
    </div>
  );
}

interface ILoginProps extends IPartProps {
  ids: ILoginIds;
}

/** Credentials for the selected profile, with the login's outcome. */
function LoginForm(props: ILoginProps): JSX.Element | null {
  const { form, trans } = props;
  const selected = form.selectedConnection;
  if (!selected) {
    return null;
  }
  return (
    <fieldset className="jp-OpenbisBridge-login">
      <legend>
        {selected.status === 'connected' && !form.requireLogin
          ? trans.__('Use %1, or log in again', selected.name)
          : trans.__('Log in to %1', selected.name)}
      </legend>
      <MethodField {...props} />
      {form.credentials.method === 'password' ? (
        <UsernameField {...props} />
      ) : null}
      <SecretField {...props} />
      <ErrorBanner message={form.message} />
      {form.progress ? (
        <div className="jp-OpenbisBridge-muted" role="status">
          {form.progress}
        </div>
      ) : null}
    </fieldset>
  );
}

function MethodField(props: ILoginProps): JSX.Element {
  const { form, trans, ids } = props;
  return (
    <Field id={ids.method} label={trans.__('Log in with')}>
      <select
        id={ids.method}
        className="jp-mod-styled"
        value={form.credentials.method}
        onChange={e => form.setMethod(e.target.value as AuthMethod)}
      >
        <option value="password">{trans.__('Username and password')}</option>
        <option value="pat">{trans.__('Personal access token')}</option>
        <option value="sessionToken">{trans.__('Session token')}</option>
      </select>
    </Field>
  );
}

function UsernameField(props: ILoginProps): JSX.Element {
  const { form, trans, ids } = props;
  const error = form.fields.username;
  return (
    <Field id={ids.username} label={trans.__('Username')} error={error}>
      <input
        id={ids.username}
        className="jp-mod-styled"
        autoComplete="username"
        value={form.credentials.username}
        onChange={e => form.setUsername(e.target.value)}
        {...describedBy(ids.username, error)}
      />
    </Field>
  );
}

function SecretField(props: ILoginProps): JSX.Element {
  const { form, trans, ids } = props;
  const { method, secret } = form.credentials;
  const label =
    method === 'password'
      ? trans.__('Password')
      : method === 'pat'
        ? trans.__('Personal access token')
        : trans.__('Session token');
  const error = form.fields.password ?? form.fields.token;
  return (
    <Field id={ids.secret} label={label} error={error}>
      <input
        id={ids.secret}
        className="jp-mod-styled"
        type="password"
        autoComplete={method === 'password' ? 'current-password' : 'off'}
        value={secret}
        onChange={e => form.setSecret(e.target.value)}
        {...describedBy(ids.secret, error)}
      />
    </Field>
  );
}
