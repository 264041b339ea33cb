/**
 * The Download dialog: browse space → project → experiment → sample or search,
 * pick data sets across pages, preview their files, choose the target folder.
 */
import { Dialog, ReactWidget } from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';
import React from 'react';

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
import { DataSetTable, FilePreview } from './DataSetTable';
import { describedBy, ErrorBanner, Field, uniqueId } from './fields';
import { IEnterAware } from './submitDialog';

export const PAGE_SIZE = 10;
/** Lists feeding the browse selects: large enough for real instances' hierarchy levels. */
const LIST_LIMIT = 500;

export interface IDownloadChoice {
  dataSets: IDataSet[];
  destination: string;
  overwrite: boolean;
}

/** Where the table's rows come from. */
type Source =
  | { kind: 'owner'; experiment?: string; sample?: string; label: string }
  | { kind: 'search'; query: string }
  | null;

type EntityHit = IExperiment | ISample;

export class DownloadBody
  extends ReactWidget
  implements Dialog.IBodyWidget<IDownloadChoice>, IEnterAware
{
  constructor(
    private readonly _connection: string,
    private readonly _trans: TranslationBundle,
    defaultDestination: string
  ) {
    super();
    this.addClass('jp-OpenbisBridge-downloadDialog');
    this._destination = defaultDestination;
    void this._load(async () => {
      this._spaces = (
        await listSpaces(this._connection, { limit: LIST_LIMIT })
      ).items;
    });
  }

  getValue(): IDownloadChoice {
    return {
      dataSets: Array.from(this._selected.values()),
      destination: this._destination.trim(),
      overwrite: this._overwrite
    };
  }

  handleEnter(target: Element): boolean {
    if (target.id === this._ids.search) {
      void this._runSearch();
      return true;
    }
    return false;
  }

  showProblem(
    message: string | null,
    fields: Record<string, string> = {}
  ): void {
    this._message = message;
    this._fields = fields;
    this.update();
  }

  /** Run a request, showing its failure in the dialog. */
  private async _load(work: () => Promise<void>): Promise<void> {
    this._busy += 1;
    this.update();
    try {
      await work();
      this._message = null;
    } catch (error) {
      this._message = describeError(error, this._trans).message;
    } finally {
      this._busy -= 1;
      this.update();
    }
  }

  private _chooseSpace(code: string): void {
    this._space = code;
    this._project = this._experiment = this._sample = '';
    this._projects = [];
    this._experiments = [];
    this._samples = [];
    void this._load(async () => {
      if (code) {
        this._projects = (
          await listProjects(this._connection, code, { limit: LIST_LIMIT })
        ).items;
      }
    });
  }

  private _chooseProject(identifier: string): void {
    this._project = identifier;
    this._experiment = this._sample = '';
    this._experiments = [];
    this._samples = [];
    void this._load(async () => {
      if (identifier) {
        this._experiments = (
          await listExperiments(this._connection, identifier, {
            limit: LIST_LIMIT
          })
        ).items;
      }
    });
  }

  private _chooseExperiment(identifier: string): void {
    this._experiment = identifier;
    this._sample = '';
    this._samples = [];
    if (!identifier) {
      this._setSource(null);
      return;
    }
    void this._load(async () => {
      this._samples = (
        await listSamples(
          this._connection,
          { experiment: identifier },
          { limit: LIST_LIMIT }
        )
      ).items;
    });
    this._setSource({
      kind: 'owner',
      experiment: identifier,
      label: identifier
    });
  }

  private _chooseSample(identifier: string): void {
    this._sample = identifier;
    if (identifier) {
      this._setSource({ kind: 'owner', sample: identifier, label: identifier });
    } else if (this._experiment) {
      this._setSource({
        kind: 'owner',
        experiment: this._experiment,
        label: this._experiment
      });
    }
  }

  private async _runSearch(): Promise<void> {
    const query = this._query.trim();
    if (!query) {
      this.showProblem(null, {
        q: this._trans.__('Type something to search for.')
      });
      return;
    }
    this._fields = {};
    this._setSource({ kind: 'search', query });
    await this._load(async () => {
      const found = await search(
        this._connection,
        query,
        ['experiment', 'sample'],
        { limit: PAGE_SIZE }
      );
      this._hits = [
        ...(found.results.experiment?.items ?? []),
        ...(found.results.sample?.items ?? [])
      ];
    });
  }

  private _setSource(source: Source): void {
    this._source = source;
    if (source?.kind !== 'search') {
      this._hits = [];
    }
    this._page = { items: [], totalCount: 0, offset: 0, limit: PAGE_SIZE };
    void this._loadPage(0);
  }

  private async _loadPage(offset: number): Promise<void> {
    const source = this._source;
    if (!source) {
      this.update();
      return;
    }
    const paging = { offset, limit: PAGE_SIZE };
    await this._load(async () => {
      let page: IPage<IDataSet> | undefined;
      if (source.kind === 'search') {
        page = (
          await search(this._connection, source.query, ['dataSet'], paging)
        ).results.dataSet;
      } else {
        page = await listDataSets(
          this._connection,
          { experiment: source.experiment, sample: source.sample },
          paging
        );
      }
      if (source === this._source) {
        this._page = page ?? {
          items: [],
          totalCount: 0,
          offset,
          limit: PAGE_SIZE
        };
      }
    });
  }

  private _focus(ds: IDataSet): void {
    if (this._focused === ds.permId) {
      return;
    }
    this._focused = ds.permId;
    this._detail = null;
    this._detailLoading = true;
    void this._load(async () => {
      try {
        const detail = await getDataSet(this._connection, ds.permId);
        if (this._focused === ds.permId) {
          this._detail = detail;
        }
      } finally {
        this._detailLoading = false;
      }
    });
  }

  private _toggle(ds: IDataSet, checked: boolean): void {
    if (checked) {
      this._selected.set(ds.permId, ds);
    } else {
      this._selected.delete(ds.permId);
    }
    this._fields = {};
    this.update();
  }

  private _renderSelect<T>(
    id: string,
    label: string,
    value: string,
    items: T[],
    key: (item: T) => string,
    text: (item: T) => string,
    onChange: (value: string) => void,
    placeholder: string
  ): JSX.Element {
    return (
      <Field id={id} label={label}>
        <select
          id={id}
          className="jp-mod-styled"
          value={value}
          disabled={items.length === 0}
          onChange={e => onChange(e.target.value)}
        >
          <option value="">{placeholder}</option>
          {items.map(item => (
            <option key={key(item)} value={key(item)}>
              {text(item)}
            </option>
          ))}
        </select>
      </Field>
    );
  }

  render(): JSX.Element {
    const trans = this._trans;
    const entityText = (e: EntityHit) =>
      e.name ? `${e.code} – ${e.name}` : (e.code ?? e.permId);
    const selectedCount = this._selected.size;
    return (
      <div className="jp-OpenbisBridge-dialog">
        <ErrorBanner message={this._message} />
        <div className="jp-OpenbisBridge-searchRow">
          <Field
            id={this._ids.search}
            label={trans.__('Search by text, code, identifier or permId')}
            error={this._fields.q}
          >
            <input
              id={this._ids.search}
              className="jp-mod-styled"
              type="search"
              autoFocus
              value={this._query}
              placeholder={trans.__(
                'e.g. absorbance, /LAB/PROJ1/EXP1 or 20250101…-1'
              )}
              onChange={e => {
                this._query = e.target.value;
                this.update();
              }}
              {...describedBy(this._ids.search, this._fields.q)}
            />
          </Field>
          <button
            className="jp-mod-styled jp-mod-accept"
            onClick={() => void this._runSearch()}
          >
            {trans.__('Search')}
          </button>
        </div>
        <div
          className="jp-OpenbisBridge-browseRow"
          role="group"
          aria-label={trans.__('Browse openBIS')}
        >
          {this._renderSelect<ISpace>(
            this._ids.space,
            trans.__('Space'),
            this._space,
            this._spaces,
            s => s.code,
            s => s.code,
            v => this._chooseSpace(v),
            trans.__('Choose a space')
          )}
          {this._renderSelect<IProject>(
            this._ids.project,
            trans.__('Project'),
            this._project,
            this._projects,
            p => p.identifier ?? p.code,
            p => p.code,
            v => this._chooseProject(v),
            trans.__('Choose a project')
          )}
          {this._renderSelect<IExperiment>(
            this._ids.experiment,
            trans.__('Experiment'),
            this._experiment,
            this._experiments,
            e => e.identifier ?? e.permId,
            entityText,
            v => this._chooseExperiment(v),
            trans.__('Choose an experiment')
          )}
          {this._renderSelect<ISample>(
            this._ids.sample,
            trans.__('Sample'),
            this._sample,
            this._samples,
            s => s.identifier ?? s.permId,
            entityText,
            v => this._chooseSample(v),
            trans.__('All of the experiment')
          )}
        </div>
        {this._hits.length ? (
          <div className="jp-OpenbisBridge-hits">
            <span className="jp-OpenbisBridge-muted">
              {trans.__('Matching experiments and samples:')}
            </span>
            {this._hits.map(hit => (
              <button
                key={hit.permId}
                className="jp-OpenbisBridge-chip"
                onClick={() =>
                  this._setSource({
                    kind: 'owner',
                    [hit.kind]: hit.identifier ?? hit.permId,
                    label: hit.identifier ?? hit.permId
                  })
                }
              >
                {hit.identifier ?? hit.permId}
              </button>
            ))}
          </div>
        ) : null}
        <div className="jp-OpenbisBridge-sourceTitle">
          {this._source === null
            ? trans.__('Choose an experiment or sample, or search.')
            : this._source.kind === 'search'
              ? trans.__('Data sets matching "%1"', this._source.query)
              : trans.__('Data sets of %1', this._source.label)}
        </div>
        <div className="jp-OpenbisBridge-split">
          <DataSetTable
            trans={trans}
            items={this._page.items}
            totalCount={this._page.totalCount}
            offset={this._page.offset}
            pageSize={PAGE_SIZE}
            loading={this._busy > 0}
            selected={this._selected}
            focused={this._focused}
            onToggle={(ds, checked) => this._toggle(ds, checked)}
            onFocus={ds => this._focus(ds)}
            onPage={offset => void this._loadPage(offset)}
          />
          <FilePreview
            trans={trans}
            detail={this._detail}
            loading={this._detailLoading}
          />
        </div>
        <div className="jp-OpenbisBridge-selectionSummary" aria-live="polite">
          {trans._n(
            '%1 data set selected',
            '%1 data sets selected',
            selectedCount
          )}
          {this._fields.permIds ? (
            <span className="jp-OpenbisBridge-fieldError">
              {' '}
              {this._fields.permIds}
            </span>
          ) : null}
        </div>
        <Field
          id={this._ids.destination}
          label={trans.__('Download to folder')}
          error={this._fields.destination}
          hint={trans.__(
            'Each data set goes into a sub-folder named after its permId.'
          )}
        >
          <input
            id={this._ids.destination}
            className="jp-mod-styled"
            value={this._destination}
            onChange={e => {
              this._destination = e.target.value;
              this.update();
            }}
            {...describedBy(this._ids.destination, this._fields.destination)}
          />
        </Field>
        <div className="jp-OpenbisBridge-checkboxField">
          <input
            id={this._ids.overwrite}
            type="checkbox"
            checked={this._overwrite}
            onChange={e => {
              this._overwrite = e.target.checked;
              this.update();
            }}
          />
          <label htmlFor={this._ids.overwrite}>
            {trans.__('Replace files that differ from openBIS')}
          </label>
        </div>
      </div>
    );
  }

  private _spaces: ISpace[] = [];
  private _projects: IProject[] = [];
  private _experiments: IExperiment[] = [];
  private _samples: ISample[] = [];
  private _space = '';
  private _project = '';
  private _experiment = '';
  private _sample = '';
  private _query = '';
  private _hits: EntityHit[] = [];
  private _source: Source = null;
  private _page: IPage<IDataSet> = {
    items: [],
    totalCount: 0,
    offset: 0,
    limit: PAGE_SIZE
  };
  private _selected = new Map<string, IDataSet>();
  private _focused: string | null = null;
  private _detail: IDataSetDetail | null = null;
  private _detailLoading = false;
  private _destination: string;
  private _overwrite = false;
  private _busy = 0;
  private _message: string | null = null;
  private _fields: Record<string, string> = {};
  private _ids = {
    search: uniqueId('search'),
    space: uniqueId('space'),
    project: uniqueId('project'),
    experiment: uniqueId('experiment'),
    sample: uniqueId('sample'),
    destination: uniqueId('destination'),
    overwrite: uniqueId('overwrite')
  };
}
