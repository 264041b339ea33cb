/**
 * The top of the panel: the connection picker with its state, and the
 * search box (searching on the server, results paged like the tree).
 */
import { TranslationBundle } from '@jupyterlab/translation';
import {
  ReactWidget,
  refreshIcon,
  searchIcon,
  ToolbarButtonComponent
} from '@jupyterlab/ui-components';
import React from 'react';

import { statusClass, statusLabel } from '../status';
import { IBridgeConnections } from '../tokens';
import { TreeModel } from '../models/tree';

export interface IHeaderActions {
  /** Open the Connect dialog. */
  connect(): void;
}

function SearchBox(props: { tree: TreeModel; trans: TranslationBundle }) {
  const { tree, trans } = props;
  const [text, setText] = React.useState(tree.query);
  const submit = (value: string) => void tree.search(value);
  return (
    <form
      className="jp-OpenbisBridge-panelSearch"
      role="search"
      onSubmit={event => {
        event.preventDefault();
        submit(text);
      }}
    >
      <input
        type="search"
        className="jp-mod-styled"
        aria-label={trans.__('Search openBIS')}
        placeholder={trans.__('Search code, name, identifier or permId')}
        value={text}
        disabled={!tree.connection}
        onChange={event => setText(event.target.value)}
        onKeyDown={event => {
          if (event.key === 'Escape' && text) {
            event.stopPropagation();
            setText('');
            submit('');
          }
        }}
      />
      <ToolbarButtonComponent
        icon={searchIcon}
        tooltip={trans.__('Search')}
        enabled={!!tree.connection}
        onClick={() => submit(text)}
      />
    </form>
  );
}

export class PanelHeader extends ReactWidget {
  constructor(
    private readonly _connections: IBridgeConnections,
    private readonly _tree: TreeModel,
    private readonly _actions: IHeaderActions,
    private readonly _trans: TranslationBundle
  ) {
    super();
    this.addClass('jp-OpenbisBridge-panelHeader');
    _connections.changed.connect(this._onChanged, this);
    _tree.changed.connect(this._onChanged, this);
  }

  dispose(): void {
    this._connections.changed.disconnect(this._onChanged, this);
    this._tree.changed.disconnect(this._onChanged, this);
    super.dispose();
  }

  render(): JSX.Element {
    const trans = this._trans;
    const connections = this._connections;
    const active = connections.active;
    const status = active?.status ?? null;
    return (
      <>
        <h2 className="jp-OpenbisBridge-panelTitle">{trans.__('openBIS')}</h2>
        <div className="jp-OpenbisBridge-connectionBar">
          <select
            className="jp-mod-styled"
            aria-label={trans.__('openBIS connection')}
            value={connections.activeName ?? ''}
            onChange={event =>
              void connections.setActive(event.target.value || null)
            }
          >
            <option value="">{trans.__('(choose a connection)')}</option>
            {connections.connections.map(c => (
              <option key={c.name} value={c.name}>
                {c.name}
              </option>
            ))}
          </select>
          <ToolbarButtonComponent
            icon={refreshIcon}
            tooltip={trans.__('Reload the tree')}
            enabled={!!this._tree.connection}
            onClick={() => void this._tree.reload()}
          />
        </div>
        <div className="jp-OpenbisBridge-connectionState">
          <span className={statusClass(status)} data-status={status ?? 'none'}>
            {statusLabel(status, trans)}
          </span>
          {status !== 'connected' ? (
            <button
              className="jp-mod-styled jp-mod-accept"
              onClick={() => this._actions.connect()}
            >
              {trans.__('Log in…')}
            </button>
          ) : null}
        </div>
        <SearchBox
          key={this._tree.connection ?? ''}
          tree={this._tree}
          trans={trans}
        />
        {this._tree.query ? (
          <div className="jp-OpenbisBridge-searchTitle">
            {trans.__('Results for "%1"', this._tree.query)}
          </div>
        ) : null}
      </>
    );
  }

  private _onChanged(): void {
    this.update();
  }
}
