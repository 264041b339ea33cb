/**
 * The drift notice: one compact, non-blocking notification naming what
 * differs ("numpy 1.26 → 2.1, pandas missing"), with "Re-run in the recorded
 * environment" when the saved data set is known. It closes by itself and stays
 * in the notification centre.
 */
import { Notification } from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';

import { DriftItem, driftItems, IDrift } from './compare';

/** How long the notice stays on screen (then it is in the notification centre). */
const AUTO_CLOSE_MS = 20000;

/** `python-3.12` → `Python 3.12`, `r-4.3` → `R 4.3`. */
function runtimeLabel(runtime: string): string {
  const [language, ...rest] = runtime.split('-');
  const name =
    language === 'r' ? 'R' : language === 'python' ? 'Python' : language;
  return `${name} ${rest.join('-')}`.trim();
}

function itemText(item: DriftItem, trans: TranslationBundle): string {
  switch (item.kind) {
    case 'runtime':
      return trans.__(
        '%1 → %2',
        runtimeLabel(item.recorded),
        runtimeLabel(item.current)
      );
    case 'changed':
      return trans.__('%1 %2 → %3', item.name, item.recorded, item.current);
    case 'missing':
      return trans.__('%1 missing', item.name);
    default:
      return trans._n('%1 more difference', '%1 more differences', item.count);
  }
}

/** The notice's text: what differs, and the question when a re-run is possible. */
export function driftMessage(
  drift: IDrift,
  canRerun: boolean,
  trans: TranslationBundle
): string {
  const list = driftItems(drift)
    .map(item => itemText(item, trans))
    .join(', ');
  return canRerun
    ? trans.__(
        'Not the recorded environment: %1. Re-run in the recorded environment?',
        list
      )
    : trans.__('Not the recorded environment: %1.', list);
}

export interface IDriftNoticeOptions {
  trans: TranslationBundle;
  /** Runs the notebook's saved data set again in its recorded environment; null when unknown. */
  rerun: (() => void) | null;
}

/** Show the notice; its id. */
export function showDriftNotice(
  drift: IDrift,
  options: IDriftNoticeOptions
): string {
  const { trans, rerun } = options;
  return Notification.warning(driftMessage(drift, !!rerun, trans), {
    autoClose: AUTO_CLOSE_MS,
    actions: rerun
      ? [
          {
            label: trans.__('Re-run'),
            caption: trans.__(
              'Execute the saved notebook again in its recorded environment and compare the outputs'
            ),
            callback: rerun
          }
        ]
      : []
  });
}
