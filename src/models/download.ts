/**
 * State and data loading of the Download dialog: browse space → project →
 * experiment → sample or search, a page of data sets from the chosen source,
 * the focused data set's files, the selection (kept across pages) and the
 * target folder. The dialog renders this and forwards user input to it.
 *
 * A search runs everywhere or within the browsed place (then up to
 * SCOPED_LIMIT matches are fetched and filtered here, as openBIS's text
 * search takes no owner); the page sorts by any column; data sets the
 * notebook downloaded with matching checksums are marked. With the data
 * store mounted, the data sets can be linked instead of copied.
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
import { IDownloadRecord } from '../metadata';
import { checksumsMatch } from '../records';
import {
  dataSetWithin,
  hitWithin,
  IPlace,
  ISort,
  placeLabel,
  SortColumn,
  sortDataSets
} from './dataSetOrder';
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
/** Matches fetched for a search within a place (filtered here). */
export const SCOPED_LIMIT = 500;

/** Where a search looks: all of openBIS, or within the browsed place. */
export type SearchScope = 'everywhere' | 'place';

export interface IDownloadChoice {
  dataSets: IDataSet[];
  destination: string;
  overwrite: boolean;
  /** Link each data set into `destination` instead of copying (only with a mount). */
  link: boolean;
}

/** Where the table's rows come from. */
export type Source =
  | { kind: 'owner'; experiment?: string; sample?: string; label: string }
  | { kind: 'search'; query: string; within?: string }
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
  /** The page's rows in the chosen order. */
  get rows(): IDataSet[] {
    return sortDataSets(this._page.items, this._sort);
  }
  get sort(): ISort | null {
    return this._sort;
  }
  /** The browsed place (what a search "within" is limited to). */
  get place(): IPlace {
    const { space, project, experiment, sample } = this._browse;
    return { space, project, experiment, sample };
  }
  get scope(): SearchScope {
    return this._scope;
  }
  /** permIds on this page downloaded by the notebook, with checksums matching openBIS. */
  get downloaded(): ReadonlySet<string> {
    return new Set(
      Array.from(this._verified)
        .filter(([, ok]) => ok)
        .map(([p]) => p)
    );
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
  /** Whether **Link instead of copy** is offered: the connection's data store is mounted. */
  get canLink(): boolean {
    return this._canLink;
  }
  /** Whether the data sets are to be linked, not copied (never without a mount). */
  get link(): boolean {
    return this._canLink && this._link;
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
      overwrite: this._overwrite,
      link: this.link
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

  chooseSpace(code: string): Promise<void> {
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
    return this._load(async () => {
      if (code) {
        const found = await listProjects(this.connection, code, {
          limit: LIST_LIMIT
        });
        this._browse = { ...this._browse, projects: found.items };
      }
    });
  }

  chooseProject(identifier: string): Promise<void> {
    this._browse = {
      ...this._browse,
      project: identifier,
      experiment: '',
      sample: '',
      experiments: [],
      samples: []
    };
    return this._load(async () => {
      if (identifier) {
        const found = await listExperiments(this.connection, identifier, {
          limit: LIST_LIMIT
        });
        this._browse = { ...this._browse, experiments: found.items };
      }
    });
  }

  chooseExperiment(identifier: string): Promise<void> {
    this._browse = {
      ...this._browse,
      experiment: identifier,
      sample: '',
      samples: []
    };
    if (!identifier) {
      this.setSource(null);
      return Promise.resolve();
    }
    const samples = this._load(async () => {
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
    return samples;
  }

  /** Browse back to a remembered place, level by level, as far as it still exists. */
  async restorePlace(place: IPlace): Promise<void> {
    await this.loadSpaces();
    const has = <T>(
      items: T[],
      key: (item: T) => string | null,
      value: string
    ) => !!value && items.some(item => key(item) === value);
    if (!has(this._browse.spaces, s => s.code, place.space)) {
      return;
    }
    await this.chooseSpace(place.space);
    if (
      !has(this._browse.projects, p => p.identifier ?? p.code, place.project)
    ) {
      return;
    }
    await this.chooseProject(place.project);
    if (
      !has(
        this._browse.experiments,
        e => e.identifier ?? e.permId,
        place.experiment
      )
    ) {
      return;
    }
    await this.chooseExperiment(place.experiment);
    if (
      has(this._browse.samples, x => x.identifier ?? x.permId, place.sample)
    ) {
      this.chooseSample(place.sample);
    }
  }

  /** Search everywhere or within the browsed place; a shown search runs again. */
  setScope(scope: SearchScope): void {
    this._scope = scope;
    if (this._source?.kind === 'search') {
      void this.runSearch();
    } else {
      this._changed.emit();
    }
  }

  /** Sort by `column`; the same column again reverses the order. */
  setSort(column: SortColumn): void {
    const same = this._sort?.column === column;
    this._sort = { column, descending: same ? !this._sort!.descending : false };
    this._changed.emit();
  }

  /** The notebook's download records, to mark data sets already here. */
  setDownloadRecords(records: ReadonlyMap<string, IDownloadRecord>): void {
    this._records = records;
    this._verified.clear();
    void this._checkDownloaded(this._page.items);
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
    const place = this.place;
    const within = this._scope === 'place' ? placeLabel(place) : '';
    this.setSource(
      within ? { kind: 'search', query, within } : { kind: 'search', query }
    );
    await this._load(async () => {
      const found = await search(
        this.connection,
        query,
        ['experiment', 'sample'],
        { limit: within ? SCOPED_LIMIT : this.pageSize }
      );
      const hits = [
        ...(found.results.experiment?.items ?? []),
        ...(found.results.sample?.items ?? [])
      ];
      this._hits = within ? hits.filter(h => hitWithin(place, h)) : hits;
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
      if (source.kind === 'search' && source.within) {
        page = await this._scopedPage(source, offset);
      } else if (source.kind === 'search') {
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
    await this._checkDownloaded(this._page.items);
  }

  /** A page of the matches within the place, all fetched once per search. */
  private async _scopedPage(
    source: Source & { kind: 'search' },
    offset: number
  ): Promise<IPage<IDataSet>> {
    if (this._scoped?.source !== source) {
      const place = this.place;
      const found = await search(this.connection, source.query, ['dataSet'], {
        limit: SCOPED_LIMIT
      });
      const items = (found.results.dataSet?.items ?? []).filter(ds =>
        dataSetWithin(place, ds)
      );
      this._scoped = { source, items };
    }
    const items = this._scoped.items;
    return {
      items: items.slice(offset, offset + this.pageSize),
      totalCount: items.length,
      offset,
      limit: this.pageSize
    };
  }

  /** Compare recorded checksums with openBIS's for the page's data sets the notebook downloaded. */
  private async _checkDownloaded(items: IDataSet[]): Promise<void> {
    const unchecked = items.filter(
      ds => this._records.has(ds.permId) && !this._verified.has(ds.permId)
    );
    if (unchecked.length === 0) {
      return;
    }
    await Promise.all(
      unchecked.map(async ds => {
        try {
          const detail = await getDataSet(this.connection, ds.permId);
          this._verified.set(
            ds.permId,
            checksumsMatch(this._records.get(ds.permId)!, detail.files)
          );
        } catch {
          this._verified.set(ds.permId, false);
        }
      })
    );
    this._changed.emit();
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

  /** Offer linking when `mounted` (the connection's mount state as the server reports it). */
  setCanLink(mounted: boolean): void {
    this._canLink = mounted;
    this._changed.emit();
  }

  setLink(link: boolean): void {
    this._link = link;
    this._fields = {};
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
  private _scope: SearchScope = 'everywhere';
  private _scoped: { source: Source; items: IDataSet[] } | null = null;
  private _sort: ISort | null = null;
  private _records: ReadonlyMap<string, IDownloadRecord> = new Map();
  private _verified = new Map<string, boolean>();
  private _hits: EntityHit[] = [];
  private _source: Source = null;
  private _page: IPage<IDataSet> = emptyPage();
  private _selected = new Map<string, IDataSet>();
  private _focused: string | null = null;
  private _detail: IDataSetDetail | null = null;
  private _detailLoading = false;
  private _destination: string;
  private _overwrite = false;
  private _canLink = false;
  private _link = false;
  private _busy = 0;
  private _message: string | null = null;
  private _fields: Record<string, string> = {};
  private _changed = new Signal<this, void>(this);
}
