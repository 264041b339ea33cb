/**
 * Drag a data set (or one of its files) from the panel's tree, drop it on a
 * file browser to download it into the folder under the cursor, or on a
 * notebook to insert the code that loads it below the cell under the cursor.
 *
 * A Lumino drag with the bridge's own MIME type, as JupyterLab's file browser
 * drags files (`application/x-jupyter-icontents`). The file browser and the
 * notebook accept only their own MIME types on their nodes, so the drop
 * targets listen in the capture phase on the document and take only drags
 * carrying ours; every other drag passes untouched.
 */
import { PathExt } from '@jupyterlab/coreutils';
import { FileBrowser } from '@jupyterlab/filebrowser';
import { NotebookPanel } from '@jupyterlab/notebook';
import { MimeData } from '@lumino/coreutils';
import { Drag } from '@lumino/dragdrop';

/** The MIME type of a dragged data set; its data is an `IDraggedDataSet`. */
export const DATASET_MIME = 'application/x-openbis-bridge-dataset';

/** Marks the folder row or cell a data set would be dropped on. */
const DROP_TARGET_CLASS = 'jp-OpenbisBridge-dropTarget';

const DRAG_EVENTS = ['lm-dragenter', 'lm-dragover', 'lm-dragleave', 'lm-drop'];

export interface IDraggedDataSet {
  /** The connection the tree browses. */
  connection: string | null;
  permId: string;
  /** One file of the data set (a file row was dragged); none: all of it. */
  files?: string[];
  /** Shown beside the pointer while dragging. */
  label: string;
}

/** Start dragging `item` from the pointer position; resolves when it was dropped or not. */
export function startDataSetDrag(
  item: IDraggedDataSet,
  clientX: number,
  clientY: number
): Promise<Drag.DropAction> {
  const mimeData = new MimeData();
  mimeData.setData(DATASET_MIME, item);
  const dragImage = document.createElement('div');
  dragImage.className = 'jp-OpenbisBridge-dragImage';
  dragImage.textContent = item.label;
  const drag = new Drag({
    mimeData,
    dragImage,
    proposedAction: 'copy',
    supportedActions: 'copy'
  });
  return drag.start(clientX, clientY);
}

/** Where a dragged data set would land. */
export type DropTarget =
  | { kind: 'folder'; browser: FileBrowser; folder: string; mark: HTMLElement }
  | { kind: 'cell'; panel: NotebookPanel; index: number; mark: HTMLElement };

export interface IDropTargetOptions {
  /** The file browsers to accept drops on (e.g. the factory's tracker). */
  fileBrowsers: () => Iterable<FileBrowser>;
  /** The open notebooks. */
  notebooks: () => Iterable<NotebookPanel>;
  /** Download `item` into `folder` (relative to the Jupyter root). */
  onFolderDrop: (item: IDraggedDataSet, folder: string) => void;
  /** Insert the code that loads `item` below cell `index` of `panel`. */
  onCellDrop: (
    item: IDraggedDataSet,
    panel: NotebookPanel,
    index: number
  ) => void;
}

/** Accepts dragged data sets on file browsers and notebooks while it lives. */
export class DataSetDropTargets {
  constructor(private readonly _options: IDropTargetOptions) {
    DRAG_EVENTS.forEach(type => document.addEventListener(type, this, true));
  }

  get isDisposed(): boolean {
    return this._disposed;
  }

  dispose(): void {
    if (this._disposed) {
      return;
    }
    this._disposed = true;
    DRAG_EVENTS.forEach(type => document.removeEventListener(type, this, true));
    this._mark(null);
  }

  handleEvent(event: Event): void {
    const drag = event as Drag.Event;
    if (!drag.mimeData?.hasData(DATASET_MIME)) {
      return;
    }
    const target = this.targetOf(drag.target as HTMLElement | null);
    if (event.type === 'lm-dragleave') {
      this._mark(null);
      return;
    }
    if (!target) {
      // Not a place for a data set: nobody accepts it, the drop is refused.
      this._mark(null);
      return;
    }
    event.preventDefault();
    event.stopPropagation();
    drag.dropAction = 'copy';
    if (event.type !== 'lm-drop') {
      this._mark(target.mark);
      return;
    }
    this._mark(null);
    const item = drag.mimeData.getData(DATASET_MIME) as IDraggedDataSet;
    if (target.kind === 'folder') {
      this._options.onFolderDrop(item, target.folder);
    } else {
      this._options.onCellDrop(item, target.panel, target.index);
    }
  }

  /** The file-browser folder or notebook cell at `element`, or null. */
  targetOf(element: HTMLElement | null): DropTarget | null {
    if (!element) {
      return null;
    }
    for (const browser of this._options.fileBrowsers()) {
      if (browser.isVisible && browser.node.contains(element)) {
        return folderTarget(browser, element);
      }
    }
    for (const panel of this._options.notebooks()) {
      if (panel.isVisible && panel.content.node.contains(element)) {
        return cellTarget(panel, element);
      }
    }
    return null;
  }

  private _mark(element: HTMLElement | null): void {
    if (this._marked === element) {
      return;
    }
    this._marked?.classList.remove(DROP_TARGET_CLASS);
    element?.classList.add(DROP_TARGET_CLASS);
    this._marked = element;
  }

  private _marked: HTMLElement | null = null;
  private _disposed = false;
}

/** The folder row under the pointer, else the folder the browser shows. */
function folderTarget(browser: FileBrowser, element: HTMLElement): DropTarget {
  const model = browser.model;
  const here = model.manager.services.contents.localPath(model.path);
  const row = element.closest<HTMLElement>('.jp-DirListing-item');
  // The listing marks folder rows (`data-isdir`); its widget is not public API.
  const name =
    row?.dataset.isdir === 'true'
      ? row.querySelector('.jp-DirListing-itemText')?.textContent
      : null;
  const folder = name
    ? Array.from(model.items()).find(
        item => item.type === 'directory' && item.name === name
      )
    : undefined;
  if (row && folder) {
    return {
      kind: 'folder',
      browser,
      folder: PathExt.join(here, folder.name),
      mark: row
    };
  }
  const listing =
    browser.node.querySelector<HTMLElement>('.jp-DirListing') ?? browser.node;
  return { kind: 'folder', browser, folder: here, mark: listing };
}

/** The cell under the pointer, else the last cell (below all of them). */
function cellTarget(panel: NotebookPanel, element: HTMLElement): DropTarget {
  const cells = panel.content.widgets;
  let index = cells.findIndex(cell => cell.node.contains(element));
  if (index < 0) {
    index = cells.length - 1;
  }
  const mark = index >= 0 ? cells[index].node : panel.content.node;
  return { kind: 'cell', panel, index, mark };
}
