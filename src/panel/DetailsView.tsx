/**
 * The details pane of the panel: what the server says about the selected
 * node (type, properties, registration, size, archive status) and its
 * actions. It renders only; the actions are given by the panel.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import { ReactWidget } from '@jupyterlab/ui-components';
import { ISignal } from '@lumino/signaling';
import React from 'react';

import { formatBytes, formatDate } from '../format';
import { ITreeNode } from '../models/tree';
import { dataSetOf, identifierOf, permIdOf } from './links';
import { kindName } from './TreeView';

/** What the pane's buttons do; each is enabled only where it applies. */
export interface IDetailsActions {
  /** Download, or with `link` link it from the mounted data store instead. */
  download(node: ITreeNode, link: boolean): void;
  /** Whether **Link instead of copy** applies: a data set, its data store mounted. */
  canLink(node: ITreeNode): boolean;
  insertCode(node: ITreeNode): void;
  /** Whether there is a notebook to insert code into. */
  canInsert(): boolean;
  copy(text: string): void;
  openInOpenbis(node: ITreeNode): void;
  canOpen(node: ITreeNode): boolean;
  /** Make an experiment/collection or object the Save dialog's default target. */
  setSaveTarget(node: ITreeNode): void;
  /** Execute a saved notebook (an ANALYSIS_NOTEBOOK data set) again and compare. */
  rerun(node: ITreeNode): void;
  /** Open a saved notebook from `openbis/<permId>/` (docs/open.md). */
  openNotebook?(node: ITreeNode): void;
}

export interface IDetailsSource {
  readonly selected: ITreeNode | null;
  readonly changed: ISignal<unknown, void>;
}

type Row = [string, React.ReactNode];

/** A notebook saved through the extension (see docs/rerun.md). */
function isSavedNotebook(node: ITreeNode): boolean {
  return (
    node.kind === 'dataSet' &&
    (node.entity as { type?: string | null } | null)?.type ===
      'ANALYSIS_NOTEBOOK'
  );
}

/** Notebooks are saved into an experiment (collection) or an object. */
function isSaveTarget(node: ITreeNode): boolean {
  return node.kind === 'experiment' || node.kind === 'sample';
}

function entityRows(node: ITreeNode, trans: TranslationBundle): Row[] {
  const e = (node.entity ?? {}) as Record<string, any>;
  const rows: Row[] = [[trans.__('Kind'), kindName(node.kind, trans)]];
  const add = (label: string, value: unknown) => {
    if (value !== null && value !== undefined && value !== '') {
      rows.push([label, String(value)]);
    }
  };
  if (node.kind === 'file') {
    add(trans.__('Path'), e.path);
    add(trans.__('Size'), formatBytes(e.size));
    add(trans.__('CRC32'), e.crc32);
    add(trans.__('Data set'), node.dataSet);
    return rows;
  }
  add(trans.__('Code'), e.code);
  add(trans.__('Type'), e.type);
  add(trans.__('Identifier'), identifierOf(node));
  add(trans.__('PermId'), e.permId);
  add(trans.__('Description'), e.description);
  if (node.kind === 'dataSet') {
    add(trans.__('Size'), formatBytes(e.size));
    add(trans.__('Archive status'), archiveStatus(e, trans));
    add(trans.__('Data set kind'), e.dataSetKind);
  }
  if (e.registrationDate || e.registrator) {
    add(
      trans.__('Registered'),
      [formatDate(e.registrationDate), e.registrator]
        .filter(p => p && p !== '–')
        .join(trans.__(' by '))
    );
  }
  if (e.modificationDate) {
    add(trans.__('Modified'), formatDate(e.modificationDate));
  }
  return rows;
}

function archiveStatus(
  e: Record<string, any>,
  trans: TranslationBundle
): string | null {
  if (!e.status) {
    return null;
  }
  return e.presentInArchive
    ? trans.__('%1 (also in the archive)', e.status)
    : e.status;
}

function Properties(props: { entity: Record<string, any> | null }) {
  const properties = props.entity?.properties as
    Record<string, unknown> | undefined;
  const entries = Object.entries(properties ?? {}).filter(
    ([, value]) => value !== null && value !== undefined && value !== ''
  );
  if (!entries.length) {
    return null;
  }
  return (
    <>
      {entries.map(([code, value]) => (
        <React.Fragment key={code}>
          <dt className="jp-OpenbisBridge-property">{code}</dt>
          <dd>{typeof value === 'string' ? value : JSON.stringify(value)}</dd>
        </React.Fragment>
      ))}
    </>
  );
}

export class DetailsView extends ReactWidget {
  constructor(
    private readonly _source: IDetailsSource,
    private readonly _actions: IDetailsActions,
    private readonly _trans: TranslationBundle
  ) {
    super();
    this.addClass('jp-OpenbisBridge-details');
    _source.changed.connect(this._onChanged, this);
  }

  dispose(): void {
    this._source.changed.disconnect(this._onChanged, this);
    super.dispose();
  }

  render(): JSX.Element {
    const trans = this._trans;
    const node = this._source.selected;
    if (!node) {
      return (
        <div className="jp-OpenbisBridge-detailsEmpty">
          {trans.__('Select an entry (Enter or a click) to see its details.')}
        </div>
      );
    }
    return (
      <section aria-label={trans.__('Details of %1', node.label)}>
        <h3 className="jp-OpenbisBridge-detailsTitle">{node.label}</h3>
        {this._renderActions(node)}
        <dl className="jp-OpenbisBridge-detailsList">
          {entityRows(node, trans).map(([label, value]) => (
            <React.Fragment key={label}>
              <dt>{label}</dt>
              <dd>{value}</dd>
            </React.Fragment>
          ))}
          <Properties entity={node.entity as Record<string, any> | null} />
        </dl>
      </section>
    );
  }

  private _renderActions(node: ITreeNode): JSX.Element {
    const trans = this._trans;
    const actions = this._actions;
    const dataSet = dataSetOf(node);
    const permId = permIdOf(node);
    const identifier = identifierOf(node);
    return (
      <div
        className="jp-OpenbisBridge-detailsActions"
        role="toolbar"
        aria-label={trans.__('Actions')}
      >
        {this._renderDownload(node, !!dataSet)}
        <button
          className="jp-mod-styled"
          disabled={!dataSet || !actions.canInsert()}
          title={trans.__(
            'Insert a code cell that loads this data set into the current notebook'
          )}
          onClick={() => actions.insertCode(node)}
        >
          {trans.__('Insert code')}
        </button>
        <button
          className="jp-mod-styled"
          disabled={!permId}
          onClick={() => permId && actions.copy(permId)}
        >
          {trans.__('Copy permId')}
        </button>
        <button
          className="jp-mod-styled"
          disabled={!identifier}
          onClick={() => identifier && actions.copy(identifier)}
        >
          {trans.__('Copy identifier')}
        </button>
        <button
          className="jp-mod-styled"
          disabled={!actions.canOpen(node)}
          onClick={() => actions.openInOpenbis(node)}
        >
          {trans.__('Open in openBIS')}
        </button>
        <button
          className="jp-mod-styled"
          disabled={!isSaveTarget(node)}
          title={trans.__('Save notebooks here unless chosen otherwise')}
          onClick={() => actions.setSaveTarget(node)}
        >
          {trans.__('Set as save target')}
        </button>
        {this._renderOpen(node)}
        {isSavedNotebook(node) ? (
          <button
            className="jp-mod-styled"
            title={trans.__(
              'Execute this notebook again in its recorded environment and compare the outputs'
            )}
            onClick={() => actions.rerun(node)}
          >
            {trans.__('Re-run…')}
          </button>
        ) : null}
      </div>
    );
  }

  /** Download, or Link with the box checked (offered only while the data store is mounted). */
  private _renderDownload(node: ITreeNode, enabled: boolean): JSX.Element {
    const trans = this._trans;
    const actions = this._actions;
    const canLink = actions.canLink(node);
    const link = canLink && this._link;
    return (
      <>
        <button
          className="jp-mod-styled jp-mod-accept"
          disabled={!enabled}
          title={
            link
              ? trans.__(
                  'Link next to the current notebook to the mounted data store (nothing is copied)'
                )
              : trans.__('Download next to the current notebook')
          }
          onClick={() => actions.download(node, link)}
        >
          {link ? trans.__('Link') : trans.__('Download')}
        </button>
        {canLink ? this._renderLinkOption() : null}
      </>
    );
  }

  /** Shown only while the data store is mounted (as in the Download dialog). */
  private _renderLinkOption(): JSX.Element {
    const trans = this._trans;
    return (
      <label
        className="jp-OpenbisBridge-checkboxField"
        title={trans.__(
          'Link the data set to its folder in the mounted data store instead of downloading it'
        )}
      >
        <input
          type="checkbox"
          checked={this._link}
          onChange={e => {
            this._link = e.target.checked;
            this.update();
          }}
        />
        {trans.__('Link instead of copy')}
      </label>
    );
  }

  /** Open a saved notebook from openbis/<permId>/ (docs/open.md). */
  private _renderOpen(node: ITreeNode): JSX.Element | null {
    const open = this._actions.openNotebook;
    if (!isSavedNotebook(node) || !open) {
      return null;
    }
    return (
      <button
        className="jp-mod-styled"
        title={this._trans.__(
          'Open this notebook from openbis/<permId>/ with its environment files'
        )}
        onClick={() => open(node)}
      >
        {this._trans.__('Open')}
      </button>
    );
  }

  private _onChanged(): void {
    this.update();
  }

  /** The checkbox's state, kept while the selection moves. */
  private _link = false;
}
