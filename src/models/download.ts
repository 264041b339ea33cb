/**
 * State and data loading of the Download dialog: browse space → project →
 * experiment → sample or search, a page of data sets from the chosen source,
 * the focused data set's files, the selection (kept across pages) and the
 * target folder. The dialog renders this and forwards user input to it.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import { ISignal, Signal } from '@lumino/signaling';

import {
  getDataSet,
  listDataSets,
  listExperiments,
  listProjects,
  listSamples,
  listSpaces,
  search
} from '../api';
import { describeError } from '../errors';
import {
  IDataSet,
  IDataSetDetail,
  IExperiment,
  IPage,
  IProject,
  ISample,
  ISpace
} from '../types';

export const PAGE_SIZE = 10;
/** Lists feeding the browse selects: large enough for real instances' hierarchy levels. */
const LIST_LIMIT = 500;

export interface IDownloadChoice {
  dataSets: IDataSet[];
  destination: string;
  overwrite: boolean;
}

/** Where the table's rows come from. */
export type Source =
  | { kind: 'owner'; experiment?: string; sample?: string; label: string }
  | { kind: 'search'; query: string }
  | null;

export type EntityHit = IExperiment | ISample;

function emptyPage(offset = 0): IPage<IDataSet> {
  return { items: [], totalCount: 0, offset, limit: PAGE_SIZE };
}

/** The browse levels: the lists offered and the value chosen at each. */
export interface IBrowseState {
  spaces: ISpace[];
  projects: IProject[];
  experiments: IExperiment[];
  samples: ISample[];
  space: string;
  project: string;
  experiment: string;
  sample: string;
}

export class DownloadModel {
  constructor(
    readonly connection: string,
    private readonly _trans: TranslationBundle,
    defaultDestination: string,
    /** Data sets per page of the table (the `pageSize` setting). */
    readonly pageSize: number = PAGE_SIZE
  ) {
    this._destination = defaultDestination;
  }

  /** Emitted whenever anything the dialog shows changes. */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  dispose(): void {
    Signal.clearData(this);
  }

  get browse(): Readonly<IBrowseState> {
    return this._browse;
  }
  get query(): string {
    return this._query;
  }
  /** Experiments and samples matching the last search. */
  get hits(): readonly EntityHit[] {
    return this._hits;
  }
  get source(): Source {
    return this._source;
  }
  get page(): IPage<IDataSet> {
    return this._page;
  }
  get selected(): ReadonlyMap<string, IDataSet> {
    return this._selected;
  }
  get focused(): string | null {
    return this._focused;
  }
  get detail(): IDataSetDetail | null {
    return this._detail;
  }
  get detailLoading(): boolean {
    return this._detailLoading;
  }
  get destination(): string {
    return this._destination;
  }
  get overwrite(): boolean {
    return this._overwrite;
  }
  /** Whether a request is running. */
  get busy(): boolean {
    return this._busy > 0;
  }
  get message(): string | null {
    return this._message;
  }
  /** Per-field messages (`q`, `permIds`, `destination`). */
  get fields(): Record<string, string> {
    return this._fields;
  }

  /** What the user chose, as the Download button sends it. */
  get choice(): IDownloadChoice {
    return {
      dataSets: Array.from(this._selected.values()),
      destination: this._destination.trim(),
      overwrite: this._overwrite
    };
  }

  showProblem(
    message: string | null,
    fields: Record<string, string> = {}
  ): void {
    this._message = message;
    this._fields = fields;
    this._changed.emit();
  }

  /** Load the spaces, the first browse level. */
  loadSpaces(): Promise<void> {
    return this._load(async () => {
      const found = await listSpaces(this.connection, { limit: LIST_LIMIT });
      this._browse = { ...this._browse, spaces: found.items };
    });
  }

  chooseSpace(code: string): void {
    this._browse = {
      ...this._browse,
      space: code,
      project: '',
      experiment: '',
      sample: '',
      projects: [],
      experiments: [],
      samples: []
    };
    void this._load(async () => {
      if (code) {
        const found = await listProjects(this.connection, code, {
          limit: LIST_LIMIT
        });
        this._browse = { ...this._browse, projects: found.items };
      }
    });
  }

  chooseProject(identifier: string): void {
    this._browse = {
      ...this._browse,
      project: identifier,
      experiment: '',
      sample: '',
      experiments: [],
      samples: []
    };
    void this._load(async () => {
      if (identifier) {
        const found = await listExperiments(this.connection, identifier, {
          limit: LIST_LIMIT
        });
        this._browse = { ...this._browse, experiments: found.items };
      }
    });
  }

  chooseExperiment(identifier: string): void {
    this._browse = {
      ...this._browse,
      experiment: identifier,
      sample: '',
      samples: []
    };
    if (!identifier) {
      this.setSource(null);
      return;
    }
    void this._load(async () => {
      const found = await listSamples(
        this.connection,
        { experiment: identifier },
        { limit: LIST_LIMIT }
      );
      this._browse = { ...this._browse, samples: found.items };
    });
    this.setSource({
      kind: 'owner',
      experiment: identifier,
      label: identifier
    });
  }

  chooseSample(identifier: string): void {
    this._browse = { ...this._browse, sample: identifier };
    const experiment = this._browse.experiment;
    if (identifier) {
      this.setSource({ kind: 'owner', sample: identifier, label: identifier });
    } else if (experiment) {
      this.setSource({ kind: 'owner', experiment, label: experiment });
    }
  }

  /** Show the data sets of a search hit (an experiment or a sample). */
  chooseHit(hit: EntityHit): void {
    const identifier = hit.identifier ?? hit.permId;
    this.setSource({
      kind: 'owner',
      [hit.kind]: identifier,
      label: identifier
    });
  }

  setQuery(query: string): void {
    this._query = query;
    this._changed.emit();
  }

  /** Data sets matching the query, and the experiments and samples it finds. */
  async runSearch(): Promise<void> {
    const query = this._query.trim();
    if (!query) {
      this.showProblem(null, {
        q: this._trans.__('Type something to search for.')
      });
      return;
    }
    this._fields = {};
    this.setSource({ kind: 'search', query });
    await this._load(async () => {
      const found = await search(
        this.connection,
        query,
        ['experiment', 'sample'],
        { limit: this.pageSize }
      );
      this._hits = [
        ...(found.results.experiment?.items ?? []),
        ...(found.results.sample?.items ?? [])
      ];
    });
  }

  /** Show the first page of `source`'s data sets. */
  setSource(source: Source): void {
    this._source = source;
    if (source?.kind !== 'search') {
      this._hits = [];
    }
    this._page = emptyPage();
    void this.loadPage(0);
  }

  async loadPage(offset: number): Promise<void> {
    const source = this._source;
    if (!source) {
      this._changed.emit();
      return;
    }
    const paging = { offset, limit: this.pageSize };
    await this._load(async () => {
      let page: IPage<IDataSet> | undefined;
      if (source.kind === 'search') {
        page = (
          await search(this.connection, source.query, ['dataSet'], paging)
        ).results.dataSet;
      } else {
        page = await listDataSets(
          this.connection,
          { experiment: source.experiment, sample: source.sample },
          paging
        );
      }
      if (source === this._source) {
        this._page = page ?? emptyPage(offset);
      }
    });
  }

  /** Show the files of `ds` in the preview. */
  focus(ds: IDataSet): void {
    if (this._focused === ds.permId) {
      return;
    }
    this._focused = ds.permId;
    this._detail = null;
    this._detailLoading = true;
    void this._load(async () => {
      try {
        const detail = await getDataSet(this.connection, ds.permId);
        if (this._focused === ds.permId) {
          this._detail = detail;
        }
      } finally {
        this._detailLoading = false;
      }
    });
  }

  toggle(ds: IDataSet, checked: boolean): void {
    if (checked) {
      this._selected.set(ds.permId, ds);
    } else {
      this._selected.delete(ds.permId);
    }
    this._fields = {};
    this._changed.emit();
  }

  setDestination(destination: string): void {
    this._destination = destination;
    this._changed.emit();
  }

  setOverwrite(overwrite: boolean): void {
    this._overwrite = overwrite;
    this._changed.emit();
  }

  /** Run a request, showing its failure in the dialog. */
  private async _load(work: () => Promise<void>): Promise<void> {
    this._busy += 1;
    this._changed.emit();
    try {
      await work();
      this._message = null;
    } catch (error) {
      this._message = describeError(error, this._trans).message;
    } finally {
      this._busy -= 1;
      this._changed.emit();
    }
  }

  private _browse: IBrowseState = {
    spaces: [],
    projects: [],
    experiments: [],
    samples: [],
    space: '',
    project: '',
    experiment: '',
    sample: ''
  };
  private _query = '';
  private _hits: EntityHit[] = [];
  private _source: Source = null;
  private _page: IPage<IDataSet> = emptyPage();
  private _selected = new Map<string, IDataSet>();
  private _focused: string | null = null;
  private _detail: IDataSetDetail | null = null;
  private _detailLoading = false;
  private _destination: string;
  private _overwrite = false;
  private _busy = 0;
  private _message: string | null = null;
  private _fields: Record<string, string> = {};
  private _changed = new Signal<this, void>(this);
}
