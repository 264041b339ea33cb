/**
 * The details pane's actions that depend on the node: "Set as save target"
 * for experiments and objects, "Re-run…" for saved notebooks only, "Link
 * instead of copy" only where the data store is mounted.
 */
import { nullTranslator } from '@jupyterlab/translation';
import { Signal } from '@lumino/signaling';
import { Widget } from '@lumino/widgets';

import { ITreeNode } from '../models/tree';
import { DetailsView, IDetailsActions } from '../panel/DetailsView';

const trans = nullTranslator.load('jupyterlab_openbis_bridge');

function node(
  kind: ITreeNode['kind'],
  entity: Record<string, unknown>
): ITreeNode {
  return {
    id: `${kind}:X`,
    kind,
    key: String(entity.permId ?? 'X'),
    label: 'X',
    level: 1,
    parent: null,
    entity: { properties: {}, ...entity } as any,
    dataSet: null,
    expandable: true,
    expanded: false,
    loading: false,
    children: null,
    error: null
  };
}

function actions(canLink = false): jest.Mocked<IDetailsActions> {
  return {
    download: jest.fn(),
    canLink: jest.fn((_node: ITreeNode) => canLink),
    insertCode: jest.fn(),
    canInsert: jest.fn(() => true),
    copy: jest.fn(),
    openInOpenbis: jest.fn(),
    canOpen: jest.fn((_node: ITreeNode) => true),
    setSaveTarget: jest.fn(),
    rerun: jest.fn()
  };
}

async function shown(
  selected: ITreeNode,
  acts: IDetailsActions
): Promise<HTMLElement> {
  const source = { selected, changed: new Signal<unknown, void>({}) };
  const view = new DetailsView(source, acts, trans);
  Widget.attach(view, document.body);
  view.update();
  for (let i = 0; i < 50 && !view.node.querySelector('button'); i++) {
    await new Promise(resolve => setTimeout(resolve, 0));
  }
  return view.node;
}

function buttonNamed(
  root: HTMLElement,
  label: string
): HTMLButtonElement | null {
  return (
    (Array.from(root.querySelectorAll('button')).find(
      b => b.textContent === label
    ) as HTMLButtonElement | undefined) ?? null
  );
}

describe('details actions', () => {
  afterEach(() => {
    document.body.innerHTML = '';
  });

  it('re-runs a saved notebook, and offers it for no other data set', async () => {
    const acts = actions();
    const notebook = node('dataSet', {
      permId: 'P-1',
      type: 'ANALYSIS_NOTEBOOK'
    });
    const root = await shown(notebook, acts);
    buttonNamed(root, 'Re-run…')!.click();
    expect(acts.rerun).toHaveBeenCalledWith(notebook);

    document.body.innerHTML = '';
    const raw = await shown(
      node('dataSet', { permId: 'P-2', type: 'RAW_DATA' }),
      acts
    );
    expect(buttonNamed(raw, 'Re-run…')).toBeNull();
  });

  it('sets experiments and objects as the save target, not data sets', async () => {
    const acts = actions();
    const experiment = node('experiment', {
      permId: 'E-1',
      identifier: '/S/P/E'
    });
    const root = await shown(experiment, acts);
    buttonNamed(root, 'Set as save target')!.click();
    expect(acts.setSaveTarget).toHaveBeenCalledWith(experiment);

    document.body.innerHTML = '';
    const dataSet = await shown(
      node('dataSet', { permId: 'P-3', type: 'RAW_DATA' }),
      acts
    );
    expect(buttonNamed(dataSet, 'Set as save target')!.disabled).toBe(true);
  });

  it('offers Link instead of copy only with a mount, and links when it is checked', async () => {
    const plain = actions(false);
    const dataSet = node('dataSet', { permId: 'P-4', type: 'RAW_DATA' });
    const root = await shown(dataSet, plain);
    expect(root.querySelector('input[type="checkbox"]')).toBeNull();
    buttonNamed(root, 'Download')!.click();
    expect(plain.download).toHaveBeenCalledWith(dataSet, false);

    document.body.innerHTML = '';
    const mounted = actions(true);
    const linkable = await shown(dataSet, mounted);
    const box = linkable.querySelector(
      'input[type="checkbox"]'
    ) as HTMLInputElement;
    expect(box.closest('label')!.textContent).toBe('Link instead of copy');
    buttonNamed(linkable, 'Download')!.click();
    expect(mounted.download).toHaveBeenLastCalledWith(dataSet, false);
    box.click(); // React sees a real click: the box checks and the view re-renders
    for (let i = 0; i < 50 && !buttonNamed(linkable, 'Link'); i++) {
      await new Promise(resolve => setTimeout(resolve, 0));
    }
    buttonNamed(linkable, 'Link')!.click();
    expect(mounted.download).toHaveBeenLastCalledWith(dataSet, true);
  });
});
