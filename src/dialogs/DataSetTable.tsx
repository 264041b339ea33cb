/**
 * A page of data sets with checkboxes (selection survives paging), and the
 * file list of the focused data set.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import React from 'react';

import { formatBytes, formatDate } from '../format';
import { ISort, SortColumn } from '../models/dataSetOrder';
import { IDataSet, IDataSetDetail } from '../types';

export function archiveLabel(ds: IDataSet, trans: TranslationBundle): string {
  const status = ds.status ?? '';
  if (status === 'AVAILABLE') {
    return ds.presentInArchive
      ? trans.__('Available (archived copy)')
      : trans.__('Available');
  }
  if (status === 'ARCHIVED') {
    return trans.__('Archived (unarchive first)');
  }
  if (!status) {
    return ds.dataSetKind === 'LINK' ? trans.__('Link') : '–';
  }
  return status.charAt(0) + status.slice(1).toLowerCase().replace(/_/g, ' ');
}

export interface IDataSetTableProps {
  trans: TranslationBundle;
  items: IDataSet[];
  totalCount: number;
  offset: number;
  pageSize: number;
  loading: boolean;
  selected: ReadonlyMap<string, IDataSet>;
  focused: string | null;
  onToggle: (ds: IDataSet, checked: boolean) => void;
  onFocus: (ds: IDataSet) => void;
  onPage: (offset: number) => void;
  sort: ISort | null;
  onSort: (column: SortColumn) => void;
  /** Data sets already downloaded next to the notebook (checksums match). */
  downloaded: ReadonlySet<string>;
}

/** A column header that sorts the page; aria-sort tells the order. */
function SortHeader(
  props: IDataSetTableProps & { column: SortColumn; label: string }
): JSX.Element {
  const { sort, column, trans } = props;
  const active = sort?.column === column;
  const order = active
    ? sort!.descending
      ? 'descending'
      : 'ascending'
    : 'none';
  return (
    <th scope="col" aria-sort={order}>
      <button
        className="jp-OpenbisBridge-sortButton"
        title={trans.__('Sort by %1', props.label)}
        onClick={() => props.onSort(column)}
      >
        {props.label}
        <span aria-hidden="true">
          {active ? (sort!.descending ? ' ▼' : ' ▲') : ''}
        </span>
      </button>
    </th>
  );
}

export function DataSetTable(props: IDataSetTableProps): JSX.Element {
  const { trans, items } = props;
  return (
    <div className="jp-OpenbisBridge-datasets">
      <table className="jp-OpenbisBridge-table" aria-busy={props.loading}>
        <thead>
          <tr>
            <th scope="col">
              <span className="jp-OpenbisBridge-visuallyHidden">
                {trans.__('Select')}
              </span>
            </th>
            <SortHeader {...props} column="name" label={trans.__('Name')} />
            <SortHeader {...props} column="type" label={trans.__('Type')} />
            <SortHeader {...props} column="owner" label={trans.__('Owner')} />
            <SortHeader
              {...props}
              column="registered"
              label={trans.__('Registered')}
            />
            <SortHeader {...props} column="size" label={trans.__('Size')} />
            <SortHeader
              {...props}
              column="status"
              label={trans.__('Archive status')}
            />
          </tr>
        </thead>
        <tbody>
          {items.length === 0 ? (
            <tr>
              <td colSpan={7} className="jp-OpenbisBridge-muted">
                {props.loading
                  ? trans.__('Loading…')
                  : trans.__('No data sets here.')}
              </td>
            </tr>
          ) : (
            items.map(ds => <DataSetRow key={ds.permId} {...props} ds={ds} />)
          )}
        </tbody>
      </table>
      <Pager {...props} />
    </div>
  );
}

/** One data set; only available (or locked) ones can be selected. */
function DataSetRow(props: IDataSetTableProps & { ds: IDataSet }): JSX.Element {
  const { trans, ds } = props;
  const checkboxId = `jp-OpenbisBridge-ds-${ds.permId}`;
  const downloadable = ds.status === 'AVAILABLE' || ds.status === 'LOCKED';
  return (
    <tr
      data-permid={ds.permId}
      className={ds.permId === props.focused ? 'jp-mod-selected' : ''}
      onClick={() => props.onFocus(ds)}
    >
      <td>
        <input
          type="checkbox"
          id={checkboxId}
          checked={props.selected.has(ds.permId)}
          disabled={!downloadable}
          onChange={e => props.onToggle(ds, e.target.checked)}
          onFocus={() => props.onFocus(ds)}
        />
      </td>
      <td>
        <label htmlFor={checkboxId}>{ds.name || ds.code || ds.permId}</label>
        <div className="jp-OpenbisBridge-muted">{ds.permId}</div>
        {props.downloaded.has(ds.permId) ? (
          <span
            className="jp-OpenbisBridge-badge jp-OpenbisBridge-downloaded"
            title={trans.__(
              'Its files are next to this notebook, with the checksums openBIS reports'
            )}
          >
            {trans.__('downloaded here')}
          </span>
        ) : null}
      </td>
      <td>{ds.type ?? '–'}</td>
      <td>{ds.registrator ?? '–'}</td>
      <td>{formatDate(ds.registrationDate)}</td>
      <td className="jp-OpenbisBridge-number">{formatBytes(ds.size)}</td>
      <td>{archiveLabel(ds, trans)}</td>
    </tr>
  );
}

/** "1–10 of 42" with Previous and Next. */
function Pager(props: IDataSetTableProps): JSX.Element {
  const { trans, items, totalCount, offset, pageSize } = props;
  const last = Math.min(offset + items.length, totalCount);
  return (
    <div className="jp-OpenbisBridge-pager">
      <span>
        {totalCount
          ? trans.__('%1–%2 of %3', offset + 1, last, totalCount)
          : trans.__('0 data sets')}
      </span>
      <button
        className="jp-mod-styled jp-mod-reject"
        disabled={offset === 0 || props.loading}
        onClick={() => props.onPage(Math.max(0, offset - pageSize))}
      >
        {trans.__('Previous')}
      </button>
      <button
        className="jp-mod-styled jp-mod-reject"
        disabled={offset + pageSize >= totalCount || props.loading}
        onClick={() => props.onPage(offset + pageSize)}
      >
        {trans.__('Next')}
      </button>
    </div>
  );
}

export function FilePreview(props: {
  trans: TranslationBundle;
  detail: IDataSetDetail | null;
  loading: boolean;
}): JSX.Element {
  const { trans, detail } = props;
  if (props.loading) {
    return (
      <div className="jp-OpenbisBridge-preview jp-OpenbisBridge-muted">
        {trans.__('Loading files…')}
      </div>
    );
  }
  if (!detail) {
    return (
      <div className="jp-OpenbisBridge-preview jp-OpenbisBridge-muted">
        {trans.__('Select a data set to see its files.')}
      </div>
    );
  }
  return (
    <div
      className="jp-OpenbisBridge-preview"
      aria-label={trans.__('Files of %1', detail.permId)}
    >
      <div className="jp-OpenbisBridge-previewTitle">
        {trans.__('Files of %1', detail.name || detail.permId)}
        <span className="jp-OpenbisBridge-muted">
          {' '}
          {detail.owner.identifier ? `· ${detail.owner.identifier}` : ''}
        </span>
      </div>
      <ul className="jp-OpenbisBridge-fileList">
        {detail.files.map(file => (
          <li key={file.path}>
            <span>{file.path}</span>
            <span className="jp-OpenbisBridge-muted">
              {formatBytes(file.size)}
            </span>
          </li>
        ))}
        {detail.files.length === 0 ? (
          <li className="jp-OpenbisBridge-muted">{trans.__('No files')}</li>
        ) : null}
      </ul>
    </div>
  );
}
