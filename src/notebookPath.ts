/**
 * Where the open notebook is, as the server companion expects it.
 */
import { NotebookPanel } from '@jupyterlab/notebook';

import { ICommandDeps } from './deps';

/** The notebook's path without a drive prefix (e.g. `RTC:`), as the server expects. */
export function notebookLocalPath(
  panel: NotebookPanel,
  deps: Pick<ICommandDeps, 'app'>
): string {
  return deps.app.serviceManager.contents.localPath(panel.context.path);
}
