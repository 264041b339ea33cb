/**
 * Which openBIS connection the user works with, and its last known state;
 * adding, changing and removing profiles, logging in and out.
 *
 * The chosen connection name is kept in the state database (per user and
 * workspace, so it survives page reloads); sessions themselves live on the server.
 */
import { IStateDB } from '@jupyterlab/statedb';
import { IPoll, Poll } from '@lumino/polling';
import { ISignal, Signal } from '@lumino/signaling';

import {
  ApiError,
  createConnection,
  deleteConnection,
  listConnections,
  login,
  logout,
  updateConnection
} from '../api';
import { BridgeSettings, DEFAULT_SETTINGS } from '../settings';
import { IConnection, ILoginRequest, IProfileFields } from '../types';

const ACTIVE_KEY = 'jupyterlab-openbis-bridge:active-connection';

export class ConnectionModel {
  constructor(
    private readonly _state: IStateDB | null,
    private readonly _settings: BridgeSettings | null = null
  ) {
    _settings?.changed.connect(this._onSettings, this);
  }

  /** Emitted whenever the list, the active name or a status changes. */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  get connections(): readonly IConnection[] {
    return this._connections;
  }

  get activeName(): string | null {
    return this._activeName;
  }

  /** The active profile, or null when none is chosen or it no longer exists. */
  get active(): IConnection | null {
    return this._connections.find(c => c.name === this._activeName) ?? null;
  }

  /** The openBIS URL of connection `name` as recorded in notebooks, or the name when unknown. */
  instanceOf(name: string): string {
    return this._connections.find(c => c.name === name)?.url ?? name;
  }

  /** Error of the last refresh (e.g. the server companion is missing). */
  get lastError(): string | null {
    return this._lastError;
  }

  /** Restore the remembered connection, then load the list without live checks. */
  async restore(): Promise<void> {
    if (this._state) {
      try {
        const saved = await this._state.fetch(ACTIVE_KEY);
        if (typeof saved === 'string') {
          this._activeName = saved;
        }
      } catch (error) {
        console.warn(
          'openBIS bridge: could not read the remembered connection',
          error
        );
      }
    }
    await this.refresh(false);
  }

  /** Reload the profiles; `live` asks openBIS for each session's state. */
  async refresh(live = true): Promise<void> {
    try {
      this._connections = await listConnections(live);
      this._lastError = null;
    } catch (error) {
      this._lastError =
        error instanceof ApiError ? error.message : String(error);
    }
    if (!this._activeName) {
      this._activeName = this._defaultName();
    }
    this._changed.emit();
  }

  /** Replace one connection's entry with a fresh answer from the server. */
  update(connection: IConnection): void {
    const index = this._connections.findIndex(c => c.name === connection.name);
    this._connections =
      index === -1
        ? [...this._connections, connection]
        : this._connections.map((c, i) => (i === index ? connection : c));
    this._changed.emit();
  }

  remove(name: string): void {
    this._connections = this._connections.filter(c => c.name !== name);
    if (this._activeName === name) {
      void this.setActive(null);
    }
    this._changed.emit();
  }

  /** Add a profile (`existing` null) or change one; the server's answer replaces the entry. */
  async saveProfile(
    existing: string | null,
    fields: IProfileFields
  ): Promise<IConnection> {
    const saved =
      existing === null
        ? await createConnection(fields)
        : await updateConnection(existing, fields);
    this.update(saved);
    return saved;
  }

  /** Delete a profile on the server (its session is closed), then drop it here. */
  async deleteProfile(name: string): Promise<void> {
    await deleteConnection(name);
    this.remove(name);
  }

  async logIn(name: string, credentials: ILoginRequest): Promise<void> {
    this.update(await login(name, credentials));
  }

  async logOut(name: string): Promise<void> {
    this.update(await logout(name));
  }

  /**
   * Re-read the server's last known states (no openBIS calls) every
   * `statusRefreshSeconds` of the settings, so the indicator notices expired
   * sessions: backing off while the server fails, standing by while the page
   * is hidden. A changed interval applies at once.
   */
  startPolling(): void {
    if (this._poll !== null) {
      return;
    }
    this._poll = new Poll({
      factory: async () => {
        await this.refresh(false);
        if (this._lastError !== null) {
          // Rejecting makes the poll back off until the server answers again.
          throw new Error(this._lastError);
        }
      },
      frequency: this._frequency(),
      standby: () => this._pollSeconds() === 0 || 'when-hidden',
      name: 'openbis-bridge:connection-status'
    });
  }

  dispose(): void {
    this._poll?.dispose();
    this._poll = null;
    Signal.clearData(this);
  }

  /** Make `name` the active connection and remember it, even if it was already active by default. */
  async setActive(name: string | null): Promise<void> {
    if (name !== this._activeName) {
      this._activeName = name;
      this._changed.emit();
    }
    if (this._state) {
      await (name === null
        ? this._state.remove(ACTIVE_KEY)
        : this._state.save(ACTIVE_KEY, name));
    }
  }

  private _connections: IConnection[] = [];
  private _activeName: string | null = null;
  private _lastError: string | null = null;
  private _changed = new Signal<this, void>(this);
  private _poll: Poll | null = null;

  /** The remembered choice is gone: the default connection, or the only one. */
  private _defaultName(): string | null {
    const preferred = this._settings?.values.defaultConnection;
    if (preferred && this._connections.some(c => c.name === preferred)) {
      return preferred;
    }
    return this._connections.length === 1 ? this._connections[0].name : null;
  }

  private _pollSeconds(): number {
    return (
      this._settings?.values.statusRefreshSeconds ??
      DEFAULT_SETTINGS.statusRefreshSeconds
    );
  }

  private _frequency(): IPoll.Frequency {
    const interval = Math.max(1, this._pollSeconds()) * 1000;
    return { interval, backoff: true, max: Math.max(interval, 10 * 60 * 1000) };
  }

  private _onSettings(): void {
    if (this._poll) {
      this._poll.frequency = this._frequency();
    }
  }
}
