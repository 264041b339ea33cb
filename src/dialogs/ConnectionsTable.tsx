/**
 * The Connect dialog's table of profiles: a radio to select one, its URL, its
 * live status and its actions (log out, edit, remove).
 */
import { TranslationBundle } from '@jupyterlab/translation';
import React from 'react';

import { ConnectFormModel } from '../models/connectForm';
import { statusClass, statusLabel } from '../status';
import { IConnection } from '../types';

/** The dialog body, which moves the focus once its next render shows the target. */
export interface IFocusRequester {
  focusAfterRender(selector: string): void;
}

export interface IConnectionsTableProps {
  form: ConnectFormModel;
  trans: TranslationBundle;
  /** `name` of the radio group, also the prefix of each radio's id. */
  radioName: string;
  focus: IFocusRequester;
  onEdit: (connection: IConnection) => void;
}

export function ConnectionsTable(props: IConnectionsTableProps): JSX.Element {
  const { form, trans } = props;
  const connections = form.connections.connections;
  if (connections.length === 0) {
    return <p>{trans.__('No openBIS connection yet. Add one to start.')}</p>;
  }
  return (
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
      <tbody>
        {connections.map(c => (
          <ConnectionRow key={c.name} {...props} connection={c} />
        ))}
      </tbody>
    </table>
  );
}

interface IRowProps extends IConnectionsTableProps {
  connection: IConnection;
}

function ConnectionRow(props: IRowProps): JSX.Element {
  const { connection: c, form } = props;
  const selected = c.name === form.selected;
  return (
    <tr className={selected ? 'jp-mod-selected' : ''} data-connection={c.name}>
      <NameCell {...props} />
      <td className="jp-OpenbisBridge-url">{c.url}</td>
      <StatusCell {...props} />
      <td>
        <RowActions {...props} />
      </td>
    </tr>
  );
}

function NameCell(props: IRowProps): JSX.Element {
  const { connection: c, form, trans, radioName } = props;
  const radioId = `${radioName}-${c.name}`;
  return (
    <td>
      <input
        type="radio"
        id={radioId}
        name={radioName}
        checked={c.name === form.selected}
        onChange={() => form.select(c.name)}
      />{' '}
      <label htmlFor={radioId}>{c.name}</label>
      {c.name === form.connections.activeName ? (
        <span className="jp-OpenbisBridge-badge">{trans.__('active')}</span>
      ) : null}
    </td>
  );
}

function StatusCell(props: IRowProps): JSX.Element {
  const { connection: c, trans } = props;
  return (
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
  );
}

function RowActions(props: IRowProps): JSX.Element {
  const { connection: c, form, trans } = props;
  return (
    <div className="jp-OpenbisBridge-rowActions">
      {c.status === 'connected' ? (
        <button
          className="jp-mod-styled jp-mod-reject"
          onClick={() => {
            // The button goes away with the session: the row's radio keeps the focus.
            props.focus.focusAfterRender(
              `#${CSS.escape(`${props.radioName}-${c.name}`)}`
            );
            void form.logOut(c);
          }}
        >
          {trans.__('Log out')}
        </button>
      ) : null}
      {c.editable ? (
        <>
          <button
            className="jp-mod-styled jp-mod-reject"
            aria-label={trans.__('Edit %1', c.name)}
            onClick={() => props.onEdit(c)}
          >
            {trans.__('Edit…')}
          </button>
          <button
            className="jp-mod-styled jp-mod-warn"
            aria-label={trans.__('Remove %1', c.name)}
            data-focus="remove"
            data-name={c.name}
            onClick={() => {
              form.askRemove(c.name);
              props.focus.focusAfterRender('[data-focus="keep"]');
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
  );
}
