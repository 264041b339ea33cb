/**
 * State and actions of the Connect dialog: which profile is selected, the
 * login credentials being typed, the inline add/edit form, the removal
 * confirmation and the messages shown. Talks to the server through the
 * ConnectionModel; the dialog only renders this and forwards user input.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import { ISignal, Signal } from '@lumino/signaling';

import { describeError } from '../errors';
import { AuthMethod, IConnection, ILoginRequest } from '../types';
import { ConnectionModel } from './connections';
import {
  checkProfile,
  IProfileValues,
  profileValues,
  toProfileFields
} from './profile';

export interface ICredentials {
  method: AuthMethod;
  username: string;
  secret: string;
}

export interface IProfileEdit {
  existing: IConnection | null;
  values: IProfileValues;
  errors: Record<string, string>;
  message: string | null;
}

/** The body of the login request for what the user typed. */
export function loginRequest(credentials: ICredentials): ILoginRequest {
  return credentials.method === 'password'
    ? {
        username: credentials.username.trim() || undefined,
        password: credentials.secret
      }
    : { token: credentials.secret.trim() };
}

export interface IConnectFormOptions {
  /** Select this connection instead of the active one. */
  select?: string;
  /**
   * Log in again even when the connection looks connected (its session
   * ended): "Connect" then needs a password or token.
   */
  requireLogin?: boolean;
}

export class ConnectFormModel {
  constructor(
    readonly connections: ConnectionModel,
    private readonly _trans: TranslationBundle,
    options: IConnectFormOptions = {}
  ) {
    this._requireLogin = options.requireLogin ?? false;
    this._selected =
      options.select ??
      connections.activeName ??
      connections.connections[0]?.name ??
      null;
    this._username = this.selectedConnection?.username ?? '';
    connections.changed.connect(this._onConnectionsChanged, this);
  }

  /** Emitted whenever anything the dialog shows changes. */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  dispose(): void {
    this.connections.changed.disconnect(this._onConnectionsChanged, this);
    Signal.clearData(this);
  }

  /** Whether "Connect" must log in (the session ended), not just select. */
  get requireLogin(): boolean {
    return this._requireLogin;
  }

  get selected(): string | null {
    return this._selected;
  }

  get selectedConnection(): IConnection | null {
    return (
      this.connections.connections.find(c => c.name === this._selected) ?? null
    );
  }

  get credentials(): ICredentials {
    return {
      method: this._method,
      username: this._username,
      secret: this._secret
    };
  }

  get message(): string | null {
    return this._message;
  }

  /** A neutral progress line (e.g. "Logging in…"). */
  get progress(): string | null {
    return this._progress;
  }

  /** Per-field messages of the login form. */
  get fields(): Record<string, string> {
    return this._fields;
  }

  /** The open add/edit form, or null. */
  get profile(): IProfileEdit | null {
    return this._profile;
  }

  /** Whether the inline profile form is open (the accept button then saves it). */
  get editingProfile(): boolean {
    return this._profile !== null;
  }

  /** The connection waiting for the user to confirm its removal. */
  get confirmRemove(): IConnection | null {
    return (
      this.connections.connections.find(c => c.name === this._confirmRemove) ??
      null
    );
  }

  showProblem(
    message: string | null,
    fields: Record<string, string> = {}
  ): void {
    this._message = message;
    this._fields = fields;
    this._progress = null;
    this._changed.emit();
  }

  /** A neutral progress line, cleared by the next problem. */
  showProgress(text: string): void {
    this._message = null;
    this._fields = {};
    this._progress = text;
    this._changed.emit();
  }

  clearSecret(): void {
    this._secret = '';
    this._changed.emit();
  }

  select(name: string): void {
    this._selected = name;
    this._username = this.selectedConnection?.username ?? '';
    this._secret = '';
    this._message = null;
    this._fields = {};
    this._changed.emit();
  }

  setMethod(method: AuthMethod): void {
    this._method = method;
    this._secret = '';
    this._changed.emit();
  }

  setUsername(username: string): void {
    this._username = username;
    this._changed.emit();
  }

  setSecret(secret: string): void {
    this._secret = secret;
    this._changed.emit();
  }

  /** Open the add (`existing` null) or edit form. */
  openProfile(existing: IConnection | null): void {
    this._confirmRemove = null;
    this._profile = {
      existing,
      values: profileValues(existing),
      errors: {},
      message: null
    };
    this._changed.emit();
  }

  changeProfile(patch: Partial<IProfileValues>): void {
    const edit = this._profile;
    if (edit) {
      this._profile = { ...edit, values: { ...edit.values, ...patch } };
      this._changed.emit();
    }
  }

  closeProfile(): void {
    this._profile = null;
    this._changed.emit();
  }

  /** Check the open form, send it, then select the saved profile. */
  async saveProfile(): Promise<void> {
    const edit = this._profile;
    if (!edit) {
      return;
    }
    const creating = edit.existing === null;
    const problems = checkProfile(edit.values, creating, this._trans);
    if (Object.keys(problems).length) {
      this._profile = { ...edit, errors: problems, message: null };
      this._changed.emit();
      return;
    }
    try {
      const fields = toProfileFields(edit.values, creating);
      const saved = await this.connections.saveProfile(
        edit.existing?.name ?? null,
        fields
      );
      this._profile = null;
      this.select(saved.name);
    } catch (error) {
      const problem = describeError(error, this._trans);
      this._profile = {
        ...edit,
        errors: problem.fields,
        message: problem.message
      };
      this._changed.emit();
    }
  }

  askRemove(name: string): void {
    this._profile = null;
    this._confirmRemove = name;
    this._changed.emit();
  }

  cancelRemove(): void {
    this._confirmRemove = null;
    this._changed.emit();
  }

  async remove(connection: IConnection): Promise<void> {
    this._confirmRemove = null;
    try {
      await this.connections.deleteProfile(connection.name);
    } catch (error) {
      this.showProblem(describeError(error, this._trans).message);
    }
  }

  async logOut(connection: IConnection): Promise<void> {
    try {
      await this.connections.logOut(connection.name);
    } catch (error) {
      this.showProblem(describeError(error, this._trans).message);
    }
  }

  /**
   * The dialog's accept button: save the open profile form, or log in to the
   * selected profile (or just select it when its session is alive and no
   * secret was typed) and make it active. Resolves true when the dialog may close.
   */
  async submit(): Promise<boolean> {
    if (this.editingProfile) {
      await this.saveProfile();
      return false;
    }
    const trans = this._trans;
    const credentials = this.credentials;
    const connection = this.selectedConnection;
    if (!connection) {
      this.showProblem(trans.__('Choose or add a connection first.'));
      return false;
    }
    if (!credentials.secret) {
      if (connection.status === 'connected' && !this._requireLogin) {
        await this.connections.setActive(connection.name);
        return true;
      }
      const field = credentials.method === 'password' ? 'password' : 'token';
      this.showProblem(null, { [field]: trans.__('Required to log in.') });
      return false;
    }
    return this._logIn(connection.name, credentials);
  }

  private async _logIn(
    name: string,
    credentials: ICredentials
  ): Promise<boolean> {
    this.showProgress(this._trans.__('Logging in…'));
    try {
      await this.connections.logIn(name, loginRequest(credentials));
      await this.connections.setActive(name);
      return true;
    } catch (error) {
      const problem = describeError(error, this._trans);
      this.clearSecret();
      this.showProblem(problem.message, problem.fields);
      void this.connections.refresh(false);
      return false;
    }
  }

  private _onConnectionsChanged(): void {
    if (!this.connections.connections.some(c => c.name === this._selected)) {
      this._selected =
        this.connections.activeName ??
        this.connections.connections[0]?.name ??
        null;
    }
    this._changed.emit();
  }

  private _selected: string | null;
  private readonly _requireLogin: boolean;
  private _method: AuthMethod = 'password';
  private _username: string;
  private _secret = '';
  private _message: string | null = null;
  private _progress: string | null = null;
  private _fields: Record<string, string> = {};
  private _profile: IProfileEdit | null = null;
  private _confirmRemove: string | null = null;
  private _changed = new Signal<this, void>(this);
}
