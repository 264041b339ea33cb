/**
 * The transfers section of the side panel: running and finished downloads
 * and saves with their progress and speed, Cancel, Retry and Dismiss. It
 * renders the IBridgeTransfers and forwards the buttons to it. Also the status
 * bar item shown while transfers run.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import { ReactWidget } from '@jupyterlab/ui-components';
import React from 'react';

import { formatBytes } from '../format';
import { isActive, ITransfer } from '../models/transfers';
import { IBridgeTransfers } from '../tokens';

function stateLabel(transfer: ITransfer, trans: TranslationBundle): string {
  switch (transfer.job.state) {
    case 'queued':
      return trans.__('Queued');
    case 'running':
      return trans.__('Running');
    case 'succeeded':
      return trans.__('Done');
    case 'failed':
      return trans.__('Failed');
    case 'cancelled':
      return trans.__('Cancelled');
    default:
      return transfer.job.state;
  }
}

/** "3 of 5 files · 1.2 MB / 4 MB · 800 KB/s" */
function progressLine(transfer: ITransfer, trans: TranslationBundle): string {
  const { job, speed } = transfer;
  const parts: string[] = [];
  if (job.filesTotal !== null) {
    parts.push(trans.__('%1 of %2 files', job.filesDone, job.filesTotal));
  }
  if (job.bytesTotal) {
    parts.push(
      `${formatBytes(job.bytesDone)} / ${formatBytes(job.bytesTotal)}`
    );
  }
  if (speed !== null && isActive(job)) {
    parts.push(trans.__('%1/s', formatBytes(speed)));
  }
  return parts.join(' · ');
}

/** Fraction done, or null while the size is unknown. */
export function fractionDone(transfer: ITransfer): number | null {
  const total = transfer.job.bytesTotal ?? 0;
  if (transfer.job.state === 'succeeded') {
    return 1;
  }
  return total ? Math.min(1, transfer.job.bytesDone / total) : null;
}

interface IRowProps {
  transfer: ITransfer;
  model: IBridgeTransfers;
  trans: TranslationBundle;
}

function TransferRow(props: IRowProps): JSX.Element {
  const { transfer, model, trans } = props;
  const { job } = transfer;
  const fraction = fractionDone(transfer);
  const problem = transfer.lost ?? job.error?.message ?? null;
  return (
    <li
      className="jp-OpenbisBridge-transfer"
      data-state={job.state}
      data-job={job.id}
      aria-label={transfer.title}
    >
      <div className="jp-OpenbisBridge-transferHead">
        <span className="jp-OpenbisBridge-transferTitle">{transfer.title}</span>
        <span className="jp-OpenbisBridge-transferState">
          {stateLabel(transfer, trans)}
        </span>
      </div>
      <progress
        className="jp-OpenbisBridge-transferBar"
        max={1}
        value={fraction ?? undefined}
        aria-label={trans.__('Progress of %1', transfer.title)}
      />
      <div className="jp-OpenbisBridge-muted">
        {progressLine(transfer, trans)}
      </div>
      {problem && job.state !== 'cancelled' ? (
        <div className="jp-OpenbisBridge-transferError">{problem}</div>
      ) : null}
      <div className="jp-OpenbisBridge-actions">
        {isActive(job) ? (
          <button
            className="jp-mod-styled jp-mod-reject"
            onClick={() =>
              model
                .cancel(job.id)
                .catch(error =>
                  console.warn('openBIS bridge: cancel failed', error)
                )
            }
          >
            {trans.__('Cancel')}
          </button>
        ) : null}
        {transfer.canRetry ? (
          <button
            className="jp-mod-styled jp-mod-accept"
            onClick={() =>
              model
                .retry(job.id)
                .catch(error =>
                  console.warn('openBIS bridge: retry failed', error)
                )
            }
          >
            {trans.__('Retry')}
          </button>
        ) : null}
        {!isActive(job) ? (
          <button
            className="jp-mod-styled jp-mod-reject"
            onClick={() => model.dismiss(job.id)}
          >
            {trans.__('Dismiss')}
          </button>
        ) : null}
      </div>
    </li>
  );
}

export class TransfersView extends ReactWidget {
  constructor(
    private readonly _model: IBridgeTransfers,
    private readonly _trans: TranslationBundle
  ) {
    super();
    this.addClass('jp-OpenbisBridge-transfers');
    _model.changed.connect(this._onChange, this);
  }

  dispose(): void {
    this._model.changed.disconnect(this._onChange, this);
    super.dispose();
  }

  render(): JSX.Element {
    const trans = this._trans;
    const transfers = this._model.transfers;
    return (
      <section aria-label={trans.__('Transfers')}>
        <h3 className="jp-OpenbisBridge-sectionTitle">
          {trans.__('Transfers')}
        </h3>
        {transfers.length === 0 ? (
          <div className="jp-OpenbisBridge-muted">
            {trans.__('No downloads or saves yet.')}
          </div>
        ) : (
          <ul className="jp-OpenbisBridge-transferList">
            {transfers.map(transfer => (
              <TransferRow
                key={transfer.job.id}
                transfer={transfer}
                model={this._model}
                trans={trans}
              />
            ))}
          </ul>
        )}
      </section>
    );
  }

  private _onChange(): void {
    this.update();
  }
}

/** The status bar item: "openBIS: 2 transfers · 45%" while transfers run. */
export class TransfersStatus extends ReactWidget {
  constructor(
    private readonly _model: IBridgeTransfers,
    private readonly _trans: TranslationBundle,
    private readonly _open: () => void
  ) {
    super();
    this.addClass('jp-OpenbisBridge-transfersStatus');
    _model.changed.connect(this._onChange, this);
  }

  dispose(): void {
    this._model.changed.disconnect(this._onChange, this);
    super.dispose();
  }

  render(): JSX.Element | null {
    const running = this._model.running;
    if (running.length === 0) {
      return null;
    }
    const done = running.reduce((sum, t) => sum + t.job.bytesDone, 0);
    const total = running.reduce((sum, t) => sum + (t.job.bytesTotal ?? 0), 0);
    const text = this._trans._n(
      'openBIS: %1 transfer',
      'openBIS: %1 transfers',
      running.length
    );
    const percent = total ? ` · ${Math.floor((100 * done) / total)}%` : '';
    return (
      <button
        className="jp-OpenbisBridge-statusButton"
        title={this._trans.__('Show the transfers in the openBIS panel')}
        onClick={this._open}
      >
        {text + percent}
      </button>
    );
  }

  private _onChange(): void {
    this.update();
  }
}
