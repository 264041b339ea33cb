/**
 * State of the Open Notebook dialog: the saved notebooks found (a search
 * picker, skipped when a permId is given), the chosen one's plan (its parents
 * and their sizes, whether it is open already), and whether to fetch the
 * parents too (off by default: they may be large). The dialog renders this.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import { ISignal, Signal } from '@lumino/signaling';

import { describeError } from '../errors';
import { IDataSet } from '../types';
import { getOpenPlan, listNotebooks } from './api';
import { INotebookPlan, IOpenRequest } from './types';

/** The calls the model makes (the real ones unless a test gives others). */
export interface IOpenApi {
  listNotebooks: typeof listNotebooks;
  getOpenPlan: typeof getOpenPlan;
}

export interface IOpenModelOptions {
  connection: string;
  trans: TranslationBundle;
  pageSize?: number;
  api?: IOpenApi;
}

export class OpenNotebookModel {
  constructor(private readonly _options: IOpenModelOptions) {
    this._api = _options.api ?? { listNotebooks, getOpenPlan };
  }

  get changed(): ISignal<this, void> {
    return this._changed;
  }
  get connection(): string {
    return this._options.connection;
  }
  get query(): string {
    return this._query;
  }
  get hits(): readonly IDataSet[] {
    return this._hits;
  }
  get total(): number {
    return this._total;
  }
  get searching(): boolean {
    return this._searching;
  }
  get selected(): string | null {
    return this._selected;
  }
  get plan(): INotebookPlan | null {
    return this._plan;
  }
  get loadingPlan(): boolean {
    return this._loadingPlan;
  }
  get error(): string | null {
    return this._error;
  }
  /** Whether the parents are fetched too (only when not open already). */
  get fetchParents(): boolean {
    return this._fetchParents;
  }
  /** Open already: the existing folder opens, nothing is fetched or replaced. */
  get alreadyOpen(): boolean {
    return !!this._plan?.opened;
  }
  /** What Open sends; null until a notebook's plan is loaded. */
  get request(): IOpenRequest | null {
    if (!this._plan) {
      return null;
    }
    return {
      permId: this._plan.permId,
      parents: this._fetchParents && this._plan.parents.length > 0
    };
  }

  /** The picker's text, searched with `search()`. */
  setQuery(query: string): void {
    this._query = query;
    this._changed.emit();
  }

  /** Saved notebooks whose code or name holds `query` (all of them when empty). */
  async search(query: string = this._query): Promise<void> {
    const ticket = ++this._searchTicket;
    this._query = query;
    this._searching = true;
    this._error = null;
    this._changed.emit();
    try {
      const page = await this._api.listNotebooks(
        this.connection,
        query,
        0,
        this._options.pageSize ?? 20
      );
      if (ticket !== this._searchTicket) {
        return; // a newer search answers
      }
      this._hits = page.items;
      this._total = page.totalCount;
    } catch (error) {
      if (ticket === this._searchTicket) {
        this._hits = [];
        this._total = 0;
        this._error = describeError(error, this._options.trans).message;
      }
    } finally {
      if (ticket === this._searchTicket) {
        this._searching = false;
        this._changed.emit();
      }
    }
  }

  /** Choose a notebook and load its plan (parents, sizes, whether it is open). */
  async select(permId: string): Promise<void> {
    const ticket = ++this._planTicket;
    this._selected = permId;
    this._plan = null;
    this._loadingPlan = true;
    this._error = null;
    this._changed.emit();
    try {
      const plan = await this._api.getOpenPlan(this.connection, permId);
      if (ticket === this._planTicket) {
        this._plan = plan;
      }
    } catch (error) {
      if (ticket === this._planTicket) {
        this._error = describeError(error, this._options.trans).message;
      }
    } finally {
      if (ticket === this._planTicket) {
        this._loadingPlan = false;
        this._changed.emit();
      }
    }
  }

  /** A problem to show (e.g. Open pressed before a notebook was chosen). */
  showError(message: string): void {
    this._error = message;
    this._changed.emit();
  }

  setFetchParents(value: boolean): void {
    this._fetchParents = value;
    this._changed.emit();
  }

  dispose(): void {
    Signal.clearData(this);
  }

  private _api: IOpenApi;
  private _query = '';
  private _hits: IDataSet[] = [];
  private _total = 0;
  private _searching = false;
  private _selected: string | null = null;
  private _plan: INotebookPlan | null = null;
  private _loadingPlan = false;
  private _error: string | null = null;
  private _fetchParents = false;
  private _searchTicket = 0;
  private _planTicket = 0;
  private _changed = new Signal<this, void>(this);
}
