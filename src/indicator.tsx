/**
 * The notebook toolbar's Connect item: a button that also shows the active
 * connection and its state, re-rendered whenever the model changes.
 */
import { ReactWidget, ToolbarButtonComponent } from '@jupyterlab/ui-components';
import { CommandRegistry } from '@lumino/commands';
import { TranslationBundle } from '@jupyterlab/translation';
import React from 'react';

import { connectIcon } from './icons';
import { ConnectionModel } from './models/connections';
import { statusLabel } from './status';
import { CommandIDs } from './tokens';

export class ConnectionIndicator extends ReactWidget {
  constructor(
    private readonly _model: ConnectionModel,
    private readonly _commands: CommandRegistry,
    private readonly _trans: TranslationBundle
  ) {
    super();
    this.addClass('jp-OpenbisBridge-indicator');
    _model.changed.connect(this.update, this);
  }

  dispose(): void {
    this._model.changed.disconnect(this.update, this);
    super.dispose();
  }

  render(): JSX.Element {
    const trans = this._trans;
    const active = this._model.active;
    const status = active?.status ?? null;
    const connected = status === 'connected';
    const label =
      connected && active
        ? trans.__('Connected: %1', active.name)
        : trans.__('Connect');
    const tooltip = active
      ? trans.__(
          'openBIS connection %1 (%2): %3',
          active.name,
          active.url,
          statusLabel(status, trans)
        )
      : trans.__('Choose an openBIS connection and log in');
    return (
      <div
        className={`jp-OpenbisBridge-indicatorState jp-mod-${status ?? 'none'}`}
        data-status={status ?? 'none'}
      >
        <ToolbarButtonComponent
          icon={connectIcon}
          label={label}
          tooltip={tooltip}
          onClick={() => void this._commands.execute(CommandIDs.connect)}
        />
      </div>
    );
  }
}
