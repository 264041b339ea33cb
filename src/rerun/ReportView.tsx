/** The re-run report: a summary, the environment, one row per code cell with its diff. */
import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { IRerunCell, IRerunReport, Verdict } from './types';

/** The verdict as the user reads it. */
export function verdictLabel(
  verdict: Verdict,
  trans: TranslationBundle
): string {
  switch (verdict) {
    case 'identical':
      return trans.__('identical');
    case 'different':
      return trans.__('different');
    case 'error':
      return trans.__('error');
    default:
      return trans.__('not compared (openbis:volatile)');
  }
}

/** "Cell 3", numbered from 1 as in the notebook. */
export function cellName(cell: IRerunCell, trans: TranslationBundle): string {
  return trans.__('Cell %1', cell.index + 1);
}

function CellRow(props: {
  cell: IRerunCell;
  trans: TranslationBundle;
}): JSX.Element {
  const { cell, trans } = props;
  return (
    <li className={`jp-OpenbisBridge-rerunCell jp-mod-${cell.verdict}`}>
      <span className="jp-OpenbisBridge-rerunVerdict">
        {verdictLabel(cell.verdict, trans)}
      </span>{' '}
      <strong>{cellName(cell, trans)}</strong> <code>{cell.firstLine}</code>
      {cell.diff.length > 0 && (
        <pre className="jp-OpenbisBridge-rerunDiff">{cell.diff.join('\n')}</pre>
      )}
    </li>
  );
}

export function ReportView(props: {
  report: IRerunReport;
  trans: TranslationBundle;
}): JSX.Element {
  const { report, trans } = props;
  const env = report.environment;
  return (
    <div className="jp-OpenbisBridge-rerunReport">
      <p>
        <strong>
          {report.exitCode === 0
            ? trans.__('Same results')
            : trans.__('The results differ')}
        </strong>{' '}
        ({report.summary})
      </p>
      <p>
        {trans.__(
          'Python %1 (%2, %3 requirements)',
          env.usedPython,
          env.installer,
          env.requirements
        )}
        {env.pythonDiffers &&
          ' · ' +
            trans.__('recorded Python %1 differs', env.recordedPython ?? '')}
      </p>
      {[...env.notes, ...report.notes].map(note => (
        <p key={note} className="jp-OpenbisBridge-rerunNote">
          {note}
        </p>
      ))}
      <ul className="jp-OpenbisBridge-rerunCells">
        {report.cells.map(cell => (
          <CellRow key={cell.index} cell={cell} trans={trans} />
        ))}
      </ul>
    </div>
  );
}
