import { FileBrowser } from '@jupyterlab/filebrowser';
import { NotebookPanel } from '@jupyterlab/notebook';
import { MimeData } from '@lumino/coreutils';

import {
  DATASET_MIME,
  DataSetDropTargets,
  IDraggedDataSet
} from '../panel/dragdrop';

const ITEM: IDraggedDataSet = {
  connection: 'lab',
  permId: '20250123080000000-19',
  label: 'Absorbance run 1'
};

/** A file browser showing `work/` with the folder `raw/` and the file `a.txt`. */
function fakeBrowser(): { browser: FileBrowser; rows: HTMLElement[] } {
  const node = document.createElement('div');
  const listing = document.createElement('ul');
  listing.className = 'jp-DirListing';
  node.appendChild(listing);
  const rows = [
    ['raw', 'true'],
    ['a.txt', 'false']
  ].map(([name, isdir]) => {
    const row = document.createElement('li');
    row.className = 'jp-DirListing-item';
    row.dataset.isdir = isdir;
    const text = document.createElement('span');
    text.className = 'jp-DirListing-itemText';
    text.textContent = name;
    row.appendChild(text);
    listing.appendChild(row);
    return row;
  });
  document.body.appendChild(node);
  const browser = {
    isVisible: true,
    node,
    model: {
      path: 'work',
      manager: { services: { contents: { localPath: (p: string) => p } } },
      items: () => [
        { name: 'raw', type: 'directory' },
        { name: 'a.txt', type: 'file' }
      ]
    }
  } as unknown as FileBrowser;
  return { browser, rows };
}

function fakeNotebook(cellCount: number): {
  panel: NotebookPanel;
  cells: HTMLElement[];
} {
  const content = document.createElement('div');
  const cells = Array.from({ length: cellCount }, () => {
    const cell = document.createElement('div');
    content.appendChild(cell);
    return cell;
  });
  document.body.appendChild(content);
  const panel = {
    isVisible: true,
    content: { node: content, widgets: cells.map(node => ({ node })) }
  } as unknown as NotebookPanel;
  return { panel, cells };
}

/** Dispatch a Lumino drag event (what `Drag` sends) at `target`. */
function dragEvent(
  type: string,
  target: HTMLElement,
  mime = DATASET_MIME
): Event & { dropAction: string } {
  const mimeData = new MimeData();
  mimeData.setData(mime, ITEM);
  const event = new Event(type, { bubbles: true, cancelable: true });
  Object.assign(event, {
    mimeData,
    dropAction: 'none',
    proposedAction: 'copy'
  });
  target.dispatchEvent(event);
  return event as Event & { dropAction: string };
}

describe('DataSetDropTargets', () => {
  let folderDrops: [IDraggedDataSet, string][];
  let cellDrops: [IDraggedDataSet, number][];
  let targets: DataSetDropTargets;

  function install(browser: FileBrowser, panel: NotebookPanel) {
    targets = new DataSetDropTargets({
      fileBrowsers: () => [browser],
      notebooks: () => [panel],
      onFolderDrop: (item, folder) => folderDrops.push([item, folder]),
      onCellDrop: (item, _, index) => cellDrops.push([item, index])
    });
  }

  beforeEach(() => {
    folderDrops = [];
    cellDrops = [];
    document.body.innerHTML = '';
  });
  afterEach(() => targets.dispose());

  it('downloads into the folder under the pointer, else the shown folder', () => {
    const { browser, rows } = fakeBrowser();
    install(browser, fakeNotebook(1).panel);
    const over = dragEvent(
      'lm-dragover',
      rows[0].firstElementChild as HTMLElement
    );
    expect(over.defaultPrevented).toBe(true);
    expect(over.dropAction).toBe('copy');
    expect(rows[0].classList).toContain('jp-OpenbisBridge-dropTarget');
    dragEvent('lm-drop', rows[0]);
    dragEvent('lm-drop', rows[1]); // a file row: its folder
    expect(folderDrops).toEqual([
      [ITEM, 'work/raw'],
      [ITEM, 'work']
    ]);
    expect(document.querySelector('.jp-OpenbisBridge-dropTarget')).toBeNull();
  });

  it('inserts below the cell under the pointer, else below the last', () => {
    const { panel, cells } = fakeNotebook(3);
    install(fakeBrowser().browser, panel);
    dragEvent('lm-drop', cells[1]);
    dragEvent('lm-drop', panel.content.node);
    expect(cellDrops).toEqual([
      [ITEM, 1],
      [ITEM, 2]
    ]);
  });

  it('leaves other drags and other places alone', () => {
    const { browser, rows } = fakeBrowser();
    install(browser, fakeNotebook(1).panel);
    const files = dragEvent(
      'lm-dragover',
      rows[0],
      'application/x-jupyter-icontents'
    );
    expect(files.defaultPrevented).toBe(false);
    const elsewhere = document.createElement('div');
    document.body.appendChild(elsewhere);
    const outside = dragEvent('lm-drop', elsewhere);
    expect(outside.defaultPrevented).toBe(false);
    targets.dispose();
    dragEvent('lm-drop', rows[0]);
    expect(folderDrops).toEqual([]);
    expect(cellDrops).toEqual([]);
  });
});
