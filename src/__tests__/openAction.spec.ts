/**
 * The details pane offers "Open" for saved notebooks (ANALYSIS_NOTEBOOK data
 * sets) only, beside "Re-run…", and only where the panel gives the action.
 */
import { nullTranslator } from '@jupyterlab/translation';
import { Signal } from '@lumino/signaling';
import { Widget } from '@lumino/widgets';

import { ITreeNode } from '../models/tree';
import { DetailsView, IDetailsActions } from '../panel/DetailsView';

const trans = nullTranslator.load('jupyterlab_openbis_bridge');

function dataSet(type: string): ITreeNode {
  return {
    id: 'dataSet:1-1',
    kind: 'dataSet',
    key: '1-1',
    label: 'X',
    level: 1,
    parent: null,
    entity: { properties: {}, permId: '1-1', type } as any,
    dataSet: '1-1',
    expandable: true,
    expanded: false,
    loading: false,
    children: null,
    error: null
  };
}

function actions(withOpen: boolean): IDetailsActions {
  const acts: IDetailsActions = {
    download: jest.fn(),
    canLink: jest.fn((_node: ITreeNode) => false),
    insertCode: jest.fn(),
    canInsert: jest.fn(() => true),
    copy: jest.fn(),
    openInOpenbis: jest.fn(),
    canOpen: jest.fn((_node: ITreeNode) => true),
    setSaveTarget: jest.fn(),
    rerun: jest.fn()
  };
  if (withOpen) {
    acts.openNotebook = jest.fn();
  }
  return acts;
}

async function buttons(
  selected: ITreeNode,
  acts: IDetailsActions
): Promise<HTMLButtonElement[]> {
  const source = { selected, changed: new Signal<unknown, void>({}) };
  const view = new DetailsView(source, acts, trans);
  Widget.attach(view, document.body);
  view.update();
  for (let i = 0; i < 50 && !view.node.querySelector('button'); i++) {
    await new Promise(resolve => setTimeout(resolve, 0));
  }
  return Array.from(view.node.querySelectorAll('button'));
}

describe('the Open action', () => {
  afterEach(() => {
    document.body.innerHTML = '';
  });

  it('opens a saved notebook, next to Re-run…', async () => {
    const acts = actions(true);
    const node = dataSet('ANALYSIS_NOTEBOOK');
    const labels = (await buttons(node, acts)).map(b => b.textContent);
    const open = labels.indexOf('Open');
    expect(open).toBeGreaterThan(-1);
    expect(labels[open + 1]).toBe('Re-run…');
    (await buttons(node, acts)).find(b => b.textContent === 'Open')!.click();
    expect(acts.openNotebook).toHaveBeenCalledWith(node);
  });

  it('is not offered for other data sets or without the action', async () => {
    const raw = (await buttons(dataSet('RAW_DATA'), actions(true))).map(
      b => b.textContent
    );
    expect(raw).not.toContain('Open');
    const without = (
      await buttons(dataSet('ANALYSIS_NOTEBOOK'), actions(false))
    ).map(b => b.textContent);
    expect(without).not.toContain('Open');
    expect(without).toContain('Re-run…');
  });
});
