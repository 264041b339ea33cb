/**
 * "Insert code": a code cell that loads data sets from kernel code, with the
 * template of docs/kernel-session.md ("Code cell template").
 */
import { NotebookActions, NotebookPanel } from '@jupyterlab/notebook';

/** A Python string literal (JSON's double-quoted escapes are valid Python). */
function pyString(text: string): string {
  return JSON.stringify(text);
}

/**
 * `from jupyterlab_openbis_bridge import load` then one `load(...)` per data
 * set: `data` for one, `data_1`, `data_2`, … for several. `connection` is
 * named only when the notebook may work with several connections.
 */
export function loadCode(permIds: string[], connection: string | null): string {
  const extra = connection ? `, connection=${pyString(connection)}` : '';
  const lines = ['from jupyterlab_openbis_bridge import load'];
  permIds.forEach((permId, index) => {
    const name = permIds.length === 1 ? 'data' : `data_${index + 1}`;
    lines.push(`${name} = load(${pyString(permId)}${extra})`);
  });
  return lines.join('\n');
}

/** Insert a code cell with `source` below the active cell, and make it active. */
export function insertCodeCell(panel: NotebookPanel, source: string): void {
  const notebook = panel.content;
  if (!notebook.model) {
    return;
  }
  if (notebook.widgets.length === 0) {
    notebook.model.sharedModel.insertCell(0, { cell_type: 'code', source });
    notebook.activeCellIndex = 0;
  } else {
    NotebookActions.insertBelow(notebook);
    NotebookActions.changeCellType(notebook, 'code');
    notebook.activeCell?.model.sharedModel.setSource(source);
  }
}
