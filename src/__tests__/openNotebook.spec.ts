/**
 * The Open Notebook dialog's model: the picker's search, the chosen
 * notebook's plan, fetching the parents off by default, "open already", and
 * answers that arrive out of order. The server's calls are given to the
 * model (no module mocks).
 */
import { nullTranslator } from '@jupyterlab/translation';

import { ApiError } from '../api';
import { IOpenApi, OpenNotebookModel } from '../open/model';
import { INotebookPage, INotebookPlan } from '../open/types';
import { IDataSet } from '../types';

const trans = nullTranslator.load('jupyterlab_openbis_bridge');
const PERM = '20260131120000000-42';

function plan(overrides: Partial<INotebookPlan> = {}): INotebookPlan {
  return {
    permId: PERM,
    type: 'ANALYSIS_NOTEBOOK',
    name: 'demo',
    notebookFile: 'demo.ipynb',
    owner: { kind: 'experiment', identifier: '/LAB/PROJ1/EXP1' },
    registered: '2026-01-31T12:00:00Z',
    parents: [
      { permId: '1-1', type: 'RAW_DATA', size: 2048, name: 'input' },
      { permId: '1-2', type: 'RAW_DATA', size: null, name: null }
    ],
    parentsSize: 2048,
    folder: `openbis/${PERM}`,
    opened: null,
    ...overrides
  };
}

function hit(permId: string): IDataSet {
  return { permId, code: permId, kind: 'dataSet' } as IDataSet;
}

/** Calls that answer when the test says so, in any order. */
function deferredApi() {
  const pending: Array<{
    args: unknown[];
    resolve: (value: any) => void;
    reject: (error: unknown) => void;
  }> = [];
  const call = (...args: unknown[]) =>
    new Promise<any>((resolve, reject) =>
      pending.push({ args, resolve, reject })
    );
  const api: IOpenApi = {
    listNotebooks: call as IOpenApi['listNotebooks'],
    getOpenPlan: call as IOpenApi['getOpenPlan']
  };
  return { api, pending };
}

function page(items: IDataSet[]): INotebookPage {
  return { items, totalCount: items.length, offset: 0, limit: 20 };
}

describe('OpenNotebookModel', () => {
  it('loads the plan and does not fetch parents unless asked', async () => {
    const { api, pending } = deferredApi();
    const model = new OpenNotebookModel({ connection: 'lab', trans, api });
    expect(model.request).toBeNull();
    const loading = model.select(PERM);
    expect(model.loadingPlan).toBe(true);
    expect(pending[0].args).toEqual(['lab', PERM]);
    pending[0].resolve(plan());
    await loading;
    expect(model.alreadyOpen).toBe(false);
    expect(model.request).toEqual({ permId: PERM, parents: false });
    model.setFetchParents(true);
    expect(model.request).toEqual({ permId: PERM, parents: true });
  });

  it('never asks for parents a notebook does not have', async () => {
    const { api, pending } = deferredApi();
    const model = new OpenNotebookModel({ connection: 'lab', trans, api });
    model.setFetchParents(true);
    const loading = model.select(PERM);
    pending[0].resolve(plan({ parents: [], parentsSize: 0 }));
    await loading;
    expect(model.request).toEqual({ permId: PERM, parents: false });
  });

  it('says when the notebook is open already', async () => {
    const { api, pending } = deferredApi();
    const model = new OpenNotebookModel({ connection: 'lab', trans, api });
    const loading = model.select(PERM);
    pending[0].resolve(plan({ opened: `openbis/${PERM}/demo.ipynb` }));
    await loading;
    expect(model.alreadyOpen).toBe(true);
  });

  it('keeps the answer for the latest choice only', async () => {
    const { api, pending } = deferredApi();
    const model = new OpenNotebookModel({ connection: 'lab', trans, api });
    const first = model.select('1-9');
    const second = model.select(PERM);
    pending[1].resolve(plan());
    pending[0].resolve(plan({ permId: '1-9' }));
    await Promise.all([first, second]);
    expect(model.selected).toBe(PERM);
    expect(model.plan?.permId).toBe(PERM);
    expect(model.loadingPlan).toBe(false);
  });

  it('shows a refused plan as the server says it', async () => {
    const { api, pending } = deferredApi();
    const model = new OpenNotebookModel({ connection: 'lab', trans, api });
    const loading = model.select('20250123080000000-19');
    pending[0].reject(
      new ApiError(
        '20250123080000000-19 is a RAW_DATA data set, not ANALYSIS_NOTEBOOK',
        400,
        'invalid_input'
      )
    );
    await loading;
    expect(model.plan).toBeNull();
    expect(model.request).toBeNull();
    expect(model.error).toContain('not ANALYSIS_NOTEBOOK');
  });

  it('searches, keeping only the latest answer', async () => {
    const { api, pending } = deferredApi();
    const model = new OpenNotebookModel({
      connection: 'lab',
      trans,
      api,
      pageSize: 5
    });
    let changes = 0;
    model.changed.connect(() => (changes += 1));
    const older = model.search('dem');
    const newer = model.search('demo');
    expect(pending.map(p => p.args)).toEqual([
      ['lab', 'dem', 0, 5],
      ['lab', 'demo', 0, 5]
    ]);
    pending[1].resolve(page([hit(PERM)]));
    pending[0].resolve(page([hit('1-1'), hit('1-2')]));
    await Promise.all([older, newer]);
    expect(model.hits.map(h => h.permId)).toEqual([PERM]);
    expect(model.searching).toBe(false);
    expect(changes).toBeGreaterThan(0);
  });
});
