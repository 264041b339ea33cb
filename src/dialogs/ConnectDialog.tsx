/**
 * The Connect dialog: profiles with their live status, add/edit/remove, and
 * login with a password, a session token or a personal access token.
 */
import { Dialog, ReactWidget } from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';
import React from 'react';

import {
  createConnection,
  deleteConnection,
  login,
  logout,
  updateConnection
} from '../api';
import { describeError } from '../errors';
import { ConnectionModel } from '../model';
import { statusClass, statusLabel } from '../status';
import { AuthMethod, IConnection } from '../types';
import { describedBy, ErrorBanner, Field, uniqueId } from './fields';
import {
  checkProfile,
  IProfileValues,
  ProfileForm,
  profileValues,
  toProfileFields
} from './ProfileForm';
import { IEnterAware, showSubmitDialog } from './submitDialog';

interface ICredentials {
  method: AuthMethod;
  username: string;
  secret: string;
}

interface IProfileEdit {
  existing: IConnection | null;
  values: IProfileValues;
  errors: Record<string, string>;
  message: string | null;
}

class ConnectBody
  extends ReactWidget
  implements Dialog.IBodyWidget<ICredentials>, IEnterAware
{
  constructor(
    private readonly _model: ConnectionModel,
    private readonly _trans: TranslationBundle
  ) {
    super();
    this.addClass('jp-OpenbisBridge-connectDialog');
    this._selected = _model.activeName ?? _model.connections[0]?.name ?? null;
    this._username = this._selectedConnection()?.username ?? '';
    _model.changed.connect(this._onModelChanged, this);
  }

  dispose(): void {
    this._model.changed.disconnect(this._onModelChanged, this);
    super.dispose();
  }

  get selected(): string | null {
    return this._selected;
  }

  getValue(): ICredentials {
    return {
      method: this._method,
      username: this._username,
      secret: this._secret
    };
  }

  showProblem(
    message: string | null,
    fields: Record<string, string> = {}
  ): void {
    this._message = message;
    this._fields = fields;
    this._progress = null;
    this.update();
  }

  /** A neutral progress line (e.g. "Logging in…"), cleared by the next problem. */
  showProgress(text: string): void {
    this._message = null;
    this._fields = {};
    this._progress = text;
    this.update();
  }

  clearSecret(): void {
    this._secret = '';
    this.update();
  }

  private _onModelChanged(): void {
    if (!this._model.connections.some(c => c.name === this._selected)) {
      this._selected =
        this._model.activeName ?? this._model.connections[0]?.name ?? null;
    }
    this.update();
  }

  private _selectedConnection(): IConnection | null {
    return this._model.connections.find(c => c.name === this._selected) ?? null;
  }

  private _select(name: string): void {
    this._selected = name;
    this._username = this._selectedConnection()?.username ?? '';
    this._secret = '';
    this._message = null;
    this._fields = {};
    this.update();
  }

  /** Whether the inline profile form is open (the accept button then saves it). */
  get editingProfile(): boolean {
    return this._profile !== null;
  }

  handleEnter(target: Element): boolean {
    if (this._profile && target.closest('[data-profile-form]')) {
      void this.saveProfile();
      return true;
    }
    return false;
  }

  private _openProfile(existing: IConnection | null): void {
    this._confirmRemove = null;
    this._profile = {
      existing,
      values: profileValues(existing),
      errors: {},
      message: null
    };
    this.update();
  }

  async saveProfile(): Promise<void> {
    const edit = this._profile;
    if (!edit) {
      return;
    }
    const creating = edit.existing === null;
    const problems = checkProfile(edit.values, creating, this._trans);
    if (Object.keys(problems).length) {
      this._profile = { ...edit, errors: problems, message: null };
      this.update();
      return;
    }
    try {
      const fields = toProfileFields(edit.values, creating);
      const saved = creating
        ? await createConnection(fields)
        : await updateConnection(edit.existing!.name, fields);
      this._profile = null;
      this._model.update(saved);
      this._select(saved.name);
    } catch (error) {
      const problem = describeError(error, this._trans);
      this._profile = {
        ...edit,
        errors: problem.fields,
        message: problem.message
      };
      this.update();
    }
  }

  private async _remove(connection: IConnection): Promise<void> {
    this._confirmRemove = null;
    try {
      await deleteConnection(connection.name);
      this._model.remove(connection.name);
    } catch (error) {
      this.showProblem(describeError(error, this._trans).message);
    }
  }

  private async _logout(connection: IConnection): Promise<void> {
    try {
      this._model.update(await logout(connection.name));
    } catch (error) {
      this.showProblem(describeError(error, this._trans).message);
    }
  }

  render(): JSX.Element {
    const trans = this._trans;
    const connections = this._model.connections;
    return (
      <div className="jp-OpenbisBridge-dialog">
        <ErrorBanner message={this._model.lastError} />
        {connections.length === 0 ? (
          <p>{trans.__('No openBIS connection yet. Add one to start.')}</p>
        ) : (
          <table className="jp-OpenbisBridge-table jp-OpenbisBridge-connections">
            <caption className="jp-OpenbisBridge-caption">
              {trans.__('openBIS connections')}
            </caption>
            <thead>
              <tr>
                <th scope="col">{trans.__('Connection')}</th>
                <th scope="col">{trans.__('URL')}</th>
                <th scope="col">{trans.__('Status')}</th>
                <th scope="col">
                  <span className="jp-OpenbisBridge-visuallyHidden">
                    {trans.__('Actions')}
                  </span>
                </th>
              </tr>
            </thead>
            <tbody>{connections.map(c => this._renderRow(c))}</tbody>
          </table>
        )}
        <div className="jp-OpenbisBridge-actions">
          <button
            className="jp-mod-styled jp-mod-reject"
            onClick={() => this._openProfile(null)}
          >
            {trans.__('Add connection…')}
          </button>
          <button
            className="jp-mod-styled jp-mod-reject"
            onClick={() => void this._model.refresh(true)}
          >
            {trans.__('Refresh status')}
          </button>
        </div>
        {this._renderConfirmRemove()}
        {this._profile
          ? this._renderProfile(this._profile)
          : this._renderLogin()}
      </div>
    );
  }

  private _renderRow(c: IConnection): JSX.Element {
    const trans = this._trans;
    const radioId = `${this._ids.radio}-${c.name}`;
    return (
      <tr
        key={c.name}
        className={c.name === this._selected ? 'jp-mod-selected' : ''}
        data-connection={c.name}
      >
        <td>
          <input
            type="radio"
            id={radioId}
            name={this._ids.radio}
            checked={c.name === this._selected}
            onChange={() => this._select(c.name)}
          />{' '}
          <label htmlFor={radioId}>{c.name}</label>
          {c.name === this._model.activeName ? (
            <span className="jp-OpenbisBridge-badge">{trans.__('active')}</span>
          ) : null}
        </td>
        <td className="jp-OpenbisBridge-url">{c.url}</td>
        <td>
          <span className={statusClass(c.status)}>
            {statusLabel(c.status, trans)}
          </span>
          {c.status === 'connected' && c.username ? (
            <span className="jp-OpenbisBridge-muted">
              {' '}
              {trans.__('as %1', c.username)}
            </span>
          ) : null}
          {c.message && c.status !== 'connected' ? (
            <div className="jp-OpenbisBridge-muted">{c.message}</div>
          ) : null}
          {!c.verifyCertificates ? (
            <div className="jp-OpenbisBridge-warning">
              {trans.__('Certificate not verified')}
            </div>
          ) : null}
        </td>
        <td>
          <div className="jp-OpenbisBridge-rowActions">
            {c.status === 'connected' ? (
              <button
                className="jp-mod-styled jp-mod-reject"
                onClick={() => void this._logout(c)}
              >
                {trans.__('Log out')}
              </button>
            ) : null}
            {c.editable ? (
              <>
                <button
                  className="jp-mod-styled jp-mod-reject"
                  aria-label={trans.__('Edit %1', c.name)}
                  onClick={() => this._openProfile(c)}
                >
                  {trans.__('Edit…')}
                </button>
                <button
                  className="jp-mod-styled jp-mod-warn"
                  aria-label={trans.__('Remove %1', c.name)}
                  onClick={() => {
                    this._profile = null;
                    this._confirmRemove = c.name;
                    this.update();
                  }}
                >
                  {trans.__('Remove…')}
                </button>
              </>
            ) : (
              <span
                className="jp-OpenbisBridge-muted"
                title={trans.__('Defined in the server configuration')}
              >
                {trans.__('read-only')}
              </span>
            )}
          </div>
        </td>
      </tr>
    );
  }

  private _renderProfile(edit: IProfileEdit): JSX.Element {
    return (
      <ProfileForm
        trans={this._trans}
        idPrefix={this._ids.profile}
        editing={edit.existing !== null}
        values={edit.values}
        errors={edit.errors}
        message={edit.message}
        onChange={patch => {
          this._profile = { ...edit, values: { ...edit.values, ...patch } };
          this.update();
        }}
        onSave={() => void this.saveProfile()}
        onCancel={() => {
          this._profile = null;
          this.update();
        }}
      />
    );
  }

  private _renderConfirmRemove(): JSX.Element | null {
    const trans = this._trans;
    const target = this._model.connections.find(
      c => c.name === this._confirmRemove
    );
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
            onClick={() => {
              this._confirmRemove = null;
              this.update();
            }}
          >
            {trans.__('Keep')}
          </button>
          <button
            className="jp-mod-styled jp-mod-warn"
            onClick={() => void this._remove(target)}
          >
            {trans.__('Remove')}
          </button>
        </div>
      </div>
    );
  }

  private _renderLogin(): JSX.Element | null {
    const trans = this._trans;
    const selected = this._selectedConnection();
    if (!selected) {
      return null;
    }
    const errors = this._fields;
    const secretLabel =
      this._method === 'password'
        ? trans.__('Password')
        : this._method === 'pat'
          ? trans.__('Personal access token')
          : trans.__('Session token');
    const secretError = errors.password ?? errors.token;
    return (
      <fieldset className="jp-OpenbisBridge-login">
        <legend>
          {selected.status === 'connected'
            ? trans.__('Use %1, or log in again', selected.name)
            : trans.__('Log in to %1', selected.name)}
        </legend>
        <Field id={this._ids.method} label={trans.__('Log in with')}>
          <select
            id={this._ids.method}
            className="jp-mod-styled"
            value={this._method}
            onChange={e => {
              this._method = e.target.value as AuthMethod;
              this._secret = '';
              this.update();
            }}
          >
            <option value="password">
              {trans.__('Username and password')}
            </option>
            <option value="pat">{trans.__('Personal access token')}</option>
            <option value="sessionToken">{trans.__('Session token')}</option>
          </select>
        </Field>
        {this._method === 'password' ? (
          <Field
            id={this._ids.username}
            label={trans.__('Username')}
            error={errors.username}
          >
            <input
              id={this._ids.username}
              className="jp-mod-styled"
              autoComplete="username"
              value={this._username}
              onChange={e => {
                this._username = e.target.value;
                this.update();
              }}
              {...describedBy(this._ids.username, errors.username)}
            />
          </Field>
        ) : null}
        <Field id={this._ids.secret} label={secretLabel} error={secretError}>
          <input
            id={this._ids.secret}
            className="jp-mod-styled"
            type="password"
            autoFocus
            autoComplete={
              this._method === 'password' ? 'current-password' : 'off'
            }
            value={this._secret}
            onChange={e => {
              this._secret = e.target.value;
              this.update();
            }}
            {...describedBy(this._ids.secret, secretError)}
          />
        </Field>
        <ErrorBanner message={this._message} />
        {this._progress ? (
          <div className="jp-OpenbisBridge-muted" role="status">
            {this._progress}
          </div>
        ) : null}
      </fieldset>
    );
  }

  private _selected: string | null;
  private _method: AuthMethod = 'password';
  private _username: string;
  private _secret = '';
  private _message: string | null = null;
  private _progress: string | null = null;
  private _fields: Record<string, string> = {};
  private _profile: IProfileEdit | null = null;
  private _confirmRemove: string | null = null;
  private _ids = {
    profile: uniqueId('profile'),
    radio: uniqueId('connection'),
    method: uniqueId('login-method'),
    username: uniqueId('login-user'),
    secret: uniqueId('login-secret')
  };
}

/**
 * Show the dialog. "Connect" logs in to the selected profile (or just selects
 * it when its session is alive and no secret was typed) and makes it active.
 */
export async function showConnectDialog(
  model: ConnectionModel,
  trans: TranslationBundle
): Promise<void> {
  const body = new ConnectBody(model, trans);
  void model.refresh(true);
  await showSubmitDialog<ICredentials>({
    title: trans.__('Connect to openBIS'),
    body,
    className: 'jp-OpenbisBridge-wideDialog',
    buttons: [
      Dialog.cancelButton({ label: trans.__('Close') }),
      Dialog.okButton({ label: trans.__('Connect') })
    ],
    onSubmit: async credentials => {
      if (body.editingProfile) {
        await body.saveProfile();
        return false;
      }
      const name = body.selected;
      const connection = model.connections.find(c => c.name === name);
      if (!name || !connection || !credentials) {
        body.showProblem(trans.__('Choose or add a connection first.'));
        return false;
      }
      if (!credentials.secret) {
        if (connection.status === 'connected') {
          await model.setActive(name);
          return true;
        }
        const field = credentials.method === 'password' ? 'password' : 'token';
        body.showProblem(null, { [field]: trans.__('Required to log in.') });
        return false;
      }
      body.showProgress(trans.__('Logging in…'));
      try {
        const request =
          credentials.method === 'password'
            ? {
                username: credentials.username.trim() || undefined,
                password: credentials.secret
              }
            : { token: credentials.secret.trim() };
        model.update(await login(name, request));
        await model.setActive(name);
        return true;
      } catch (error) {
        const problem = describeError(error, trans);
        body.clearSecret();
        body.showProblem(problem.message, problem.fields);
        void model.refresh(false);
        return false;
      }
    }
  });
}
