/**
 * The Download dialog's body: browse space → project → experiment → sample or
 * search, pick data sets across pages, preview their files, choose the target
 * folder, and with a mounted data store whether to link instead of copy. It
 * renders a DownloadModel and forwards user input to it.
 */
import { Dialog, ReactWidget } from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';
import React from 'react';

import { placeLabel } from '../models/dataSetOrder';
import {
  DownloadModel,
  EntityHit,
  IDownloadChoice,
  SearchScope
} from '../models/download';
import { IExperiment, IProject, ISample, ISpace } from '../types';
import { DataSetTable, FilePreview } from './DataSetTable';
import { describedBy, ErrorBanner, Field, uniqueId } from './fields';
import { IEnterAware } from './modal';

type Ids = DownloadBody['ids'];

interface IPartProps {
  model: DownloadModel;
  trans: TranslationBundle;
  ids: Ids;
}

export class DownloadBody
  extends ReactWidget
  implements Dialog.IBodyWidget<IDownloadChoice>, IEnterAware
{
  constructor(
    private readonly _model: DownloadModel,
    private readonly _trans: TranslationBundle
  ) {
    super();
    this.addClass('jp-OpenbisBridge-downloadDialog');
    _model.changed.connect(this.update, this);
  }

  dispose(): void {
    this._model.changed.disconnect(this.update, this);
    super.dispose();
  }

  /** DOM ids of the inputs. */
  readonly ids = {
    search: uniqueId('search'),
    scope: uniqueId('scope'),
    space: uniqueId('space'),
    project: uniqueId('project'),
    experiment: uniqueId('experiment'),
    sample: uniqueId('sample'),
    destination: uniqueId('destination'),
    overwrite: uniqueId('overwrite'),
    link: uniqueId('link')
  };

  getValue(): IDownloadChoice {
    return this._model.choice;
  }

  handleEnter(target: Element): boolean {
    if (target.id === this.ids.search) {
      void this._model.runSearch();
      return true;
    }
    return false;
  }

  render(): JSX.Element {
    const model = this._model;
    const trans = this._trans;
    const parts: IPartProps = { model, trans, ids: this.ids };
    return (
      <div className="jp-OpenbisBridge-dialog">
        <ErrorBanner message={model.message} />
        <SearchRow {...parts} />
        <BrowseRow {...parts} />
        <HitChips {...parts} />
        <SourceTitle {...parts} />
        <div className="jp-OpenbisBridge-split">
          <DataSetTable
            trans={trans}
            items={model.rows}
            sort={model.sort}
            onSort={column => model.setSort(column)}
            downloaded={model.downloaded}
            totalCount={model.page.totalCount}
            offset={model.page.offset}
            pageSize={model.pageSize}
            loading={model.busy}
            selected={model.selected}
            focused={model.focused}
            onToggle={(ds, checked) => model.toggle(ds, checked)}
            onFocus={ds => model.focus(ds)}
            onPage={offset => void model.loadPage(offset)}
          />
          <FilePreview
            trans={trans}
            detail={model.detail}
            loading={model.detailLoading}
          />
        </div>
        <SelectionSummary {...parts} />
        <DestinationFields {...parts} />
      </div>
    );
  }
}

function SearchRow(props: IPartProps): JSX.Element {
  const { model, trans, ids } = props;
  return (
    <div className="jp-OpenbisBridge-searchRow">
      <Field
        id={ids.search}
        label={trans.__('Search by text, code, identifier or permId')}
        error={model.fields.q}
      >
        <input
          id={ids.search}
          className="jp-mod-styled"
          type="search"
          value={model.query}
          placeholder={trans.__(
            'e.g. absorbance, /LAB/PROJ1/EXP1 or 20250101…-1'
          )}
          onChange={e => model.setQuery(e.target.value)}
          {...describedBy(ids.search, model.fields.q)}
        />
      </Field>
      <ScopeField {...props} />
      <button
        className="jp-mod-styled jp-mod-accept"
        onClick={() => void model.runSearch()}
      >
        {trans.__('Search')}
      </button>
    </div>
  );
}

/** Where the search looks: everywhere, or within the place chosen below. */
function ScopeField(props: IPartProps): JSX.Element {
  const { model, trans, ids } = props;
  const place = placeLabel(model.place);
  return (
    <Field id={ids.scope} label={trans.__('Search in')}>
      <select
        id={ids.scope}
        className="jp-mod-styled"
        value={place ? model.scope : 'everywhere'}
        onChange={e => model.setScope(e.target.value as SearchScope)}
      >
        <option value="everywhere">{trans.__('All of openBIS')}</option>
        <option value="place" disabled={!place}>
          {place
            ? trans.__('Within %1', place)
            : trans.__('Within the place chosen below')}
        </option>
      </select>
    </Field>
  );
}

interface IBrowseSelectProps<T> {
  id: string;
  label: string;
  value: string;
  items: T[];
  itemKey: (item: T) => string;
  text: (item: T) => string;
  onChange: (value: string) => void;
  placeholder: string;
}

/** One level of the browse row; disabled until its items are known. */
function BrowseSelect<T>(props: IBrowseSelectProps<T>): JSX.Element {
  const { id, items, itemKey, text } = props;
  return (
    <Field id={id} label={props.label}>
      <select
        id={id}
        className="jp-mod-styled"
        value={props.value}
        disabled={items.length === 0}
        onChange={e => props.onChange(e.target.value)}
      >
        <option value="">{props.placeholder}</option>
        {items.map(item => (
          <option key={itemKey(item)} value={itemKey(item)}>
            {text(item)}
          </option>
        ))}
      </select>
    </Field>
  );
}

function entityText(e: EntityHit): string {
  return e.name ? `${e.code} – ${e.name}` : (e.code ?? e.permId);
}

function BrowseRow(props: IPartProps): JSX.Element {
  const { model, trans, ids } = props;
  const browse = model.browse;
  return (
    <div
      className="jp-OpenbisBridge-browseRow"
      role="group"
      aria-label={trans.__('Browse openBIS')}
    >
      <BrowseSelect<ISpace>
        id={ids.space}
        label={trans.__('Space')}
        value={browse.space}
        items={browse.spaces}
        itemKey={s => s.code}
        text={s => s.code}
        onChange={v => model.chooseSpace(v)}
        placeholder={trans.__('Choose a space')}
      />
      <BrowseSelect<IProject>
        id={ids.project}
        label={trans.__('Project')}
        value={browse.project}
        items={browse.projects}
        itemKey={p => p.identifier ?? p.code}
        text={p => p.code}
        onChange={v => model.chooseProject(v)}
        placeholder={trans.__('Choose a project')}
      />
      <BrowseSelect<IExperiment>
        id={ids.experiment}
        label={trans.__('Experiment')}
        value={browse.experiment}
        items={browse.experiments}
        itemKey={e => e.identifier ?? e.permId}
        text={entityText}
        onChange={v => model.chooseExperiment(v)}
        placeholder={trans.__('Choose an experiment')}
      />
      <BrowseSelect<ISample>
        id={ids.sample}
        label={trans.__('Sample')}
        value={browse.sample}
        items={browse.samples}
        itemKey={s => s.identifier ?? s.permId}
        text={entityText}
        onChange={v => model.chooseSample(v)}
        placeholder={trans.__('All of the experiment')}
      />
    </div>
  );
}

/** Experiments and samples found by the search, each showing its data sets. */
function HitChips(props: IPartProps): JSX.Element | null {
  const { model, trans } = props;
  if (!model.hits.length) {
    return null;
  }
  return (
    <div className="jp-OpenbisBridge-hits">
      <span className="jp-OpenbisBridge-muted">
        {trans.__('Matching experiments and samples:')}
      </span>
      {model.hits.map(hit => (
        <button
          key={hit.permId}
          className="jp-OpenbisBridge-chip"
          onClick={() => model.chooseHit(hit)}
        >
          {hit.identifier ?? hit.permId}
        </button>
      ))}
    </div>
  );
}

function SourceTitle(props: IPartProps): JSX.Element {
  const { trans } = props;
  const source = props.model.source;
  return (
    <div className="jp-OpenbisBridge-sourceTitle">
      {source === null
        ? trans.__('Choose an experiment or sample, or search.')
        : source.kind === 'search'
          ? source.within
            ? trans.__(
                'Data sets matching "%1" within %2',
                source.query,
                source.within
              )
            : trans.__(
                'Data sets matching "%1" in all of openBIS',
                source.query
              )
          : trans.__('Data sets of %1', source.label)}
    </div>
  );
}

function SelectionSummary(props: IPartProps): JSX.Element {
  const { model, trans } = props;
  return (
    <div className="jp-OpenbisBridge-selectionSummary" aria-live="polite">
      {trans._n(
        '%1 data set selected',
        '%1 data sets selected',
        model.selected.size
      )}
      {model.fields.permIds ? (
        <span className="jp-OpenbisBridge-fieldError">
          {' '}
          {model.fields.permIds}
        </span>
      ) : null}
    </div>
  );
}

/** The target folder, whether to replace files that differ, and whether to link instead. */
function DestinationFields(props: IPartProps): JSX.Element {
  const { model, trans, ids } = props;
  return (
    <>
      <Field
        id={ids.destination}
        label={
          model.link
            ? trans.__('Link in folder')
            : trans.__('Download to folder')
        }
        error={model.fields.destination}
        hint={
          model.link
            ? trans.__(
                'Each data set becomes a link named after its permId to its folder in the mounted data store; nothing is copied.'
              )
            : trans.__(
                'Each data set goes into a sub-folder named after its permId.'
              )
        }
      >
        <input
          id={ids.destination}
          className="jp-mod-styled"
          value={model.destination}
          onChange={e => model.setDestination(e.target.value)}
          {...describedBy(ids.destination, model.fields.destination)}
        />
      </Field>
      <div className="jp-OpenbisBridge-checkboxField">
        <input
          id={ids.overwrite}
          type="checkbox"
          checked={model.overwrite}
          disabled={model.link}
          onChange={e => model.setOverwrite(e.target.checked)}
        />
        <label htmlFor={ids.overwrite}>
          {trans.__('Replace files that differ from openBIS')}
        </label>
      </div>
      <LinkField {...props} />
    </>
  );
}

/**
 * **Link instead of copy**, offered only while the connection's data store is
 * mounted: without a mount there is nothing to link to, and a checkbox that can
 * never be used would only be noise in every download.
 */
function LinkField(props: IPartProps): JSX.Element | null {
  const { model, trans, ids } = props;
  if (!model.canLink) {
    return null;
  }
  return (
    <div className="jp-OpenbisBridge-checkboxField">
      <input
        id={ids.link}
        type="checkbox"
        checked={model.link}
        onChange={e => model.setLink(e.target.checked)}
      />
      <label
        htmlFor={ids.link}
        title={trans.__(
          'Link each data set to its folder in the mounted data store instead of downloading it'
        )}
      >
        {trans.__('Link instead of copy')}
      </label>
    </div>
  );
}
