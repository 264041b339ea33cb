/**
 * The Save form fills itself and never saves a duplicate silently: the
 * previous save, Name and Kernel defaults, the suggested target, a single
 * search hit, values moving along with the type (API mocked).
 */
import { nullTranslator } from '@jupyterlab/translation';

import * as api from '../api';
import { IUploadRecord } from '../metadata';
import { commonOwner, kernelTerm, SaveFormModel } from '../models/saveForm';
import { IDataSetDetail, IDataSetType, IPropertyType, ISample } from '../types';

jest.mock('../api', () => ({
  ...jest.requireActual('../api'),
  getDataSet: jest.fn(),
  search: jest.fn()
}));

const mocked = api as jest.Mocked<typeof api>;
const trans = nullTranslator.load('jupyterlab_openbis_bridge');

function property(
  code: string,
  patch: Partial<IPropertyType> = {}
): IPropertyType {
  return {
    code,
    label: null,
    description: null,
    dataType: 'VARCHAR',
    mandatory: false,
    section: null,
    ordinal: null,
    multiValue: false,
    vocabulary: null,
    terms: [],
    ...patch
  };
}

const kernel = property('KERNEL', {
  dataType: 'CONTROLLEDVOCABULARY',
  vocabulary: 'NOTEBOOK_KERNELS',
  terms: [
    {
      code: 'PYTHON3',
      label: 'Python 3',
      description: null,
      ordinal: 1,
      official: true
    },
    { code: 'R', label: 'R', description: null, ordinal: 2, official: true }
  ]
});

const types: IDataSetType[] = [
  {
    code: 'ANALYSIS_NOTEBOOK',
    description: null,
    properties: [
      property('$NAME', { mandatory: true }),
      property('NOTES'),
      kernel
    ]
  },
  {
    code: 'ANALYZED_DATA',
    description: null,
    properties: [property('$NAME'), property('NOTES'), property('TEMPERATURE')]
  }
];

const previous: IUploadRecord = {
  instance: 'https://openbis.example.org',
  connection: 'demo',
  permId: 'NB-1',
  url: 'https://openbis.example.org/eln?NB-1',
  type: 'ANALYSIS_NOTEBOOK',
  owner: '/LAB/P/EXP9',
  parents: [],
  time: '2026-11-01T10:00:00Z'
};

function detail(
  permId: string,
  owner: { kind: 'sample' | 'experiment'; identifier: string },
  experiment: string | null,
  sample: string | null = null
): IDataSetDetail {
  return {
    permId,
    kind: 'dataSet',
    name: `name of ${permId}`,
    type: 'RAW_DATA',
    owner,
    experiment,
    sample,
    files: [],
    parents: [],
    children: []
  } as unknown as IDataSetDetail;
}

function saveForm(
  patch: Partial<ConstructorParameters<typeof SaveFormModel>[0]> = {}
) {
  return new SaveFormModel({
    connection: 'demo',
    trans,
    notebookPath: 'work/growth curve.ipynb',
    types,
    initialType: 'ANALYSIS_NOTEBOOK',
    remembered: {
      ANALYSIS_NOTEBOOK: { $NAME: 'another notebook', NOTES: 'kept' }
    },
    initialTarget: { kind: 'experiment', identifier: '/LAB/P/REMEMBERED' },
    parentCandidates: [],
    environment: null,
    notebookTitle: 'growth curve',
    kernel: { name: 'python3', language: 'python' },
    ...patch
  });
}

beforeEach(() => {
  mocked.getDataSet.mockReset();
  mocked.search.mockReset();
});

describe('SaveFormModel saving again', () => {
  it('needs a choice once the notebook was saved; a new version has the previous data set as its first parent', () => {
    const form = saveForm({ previous, parentCandidates: ['DS-1'] });
    expect(form.form.previous).toBe('NB-1');
    expect(form.form.saveAs).toBeNull();
    expect(form.form.parents).toEqual(['DS-1']);
    form.setSaveAs('version');
    expect(form.form.parents).toEqual(['NB-1', 'DS-1']);
    form.setSaveAs('new');
    expect(form.form.parents).toEqual(['DS-1']);
  });

  it('a notebook opened from openBIS starts on a new version of its data set', () => {
    const form = saveForm({
      previous: { ...previous, opened: true },
      parentCandidates: ['DS-1']
    });
    expect(form.form.saveAs).toBe('version');
    expect(form.form.parents).toEqual(['NB-1', 'DS-1']);
  });

  it('a first save needs no choice', () => {
    const form = saveForm();
    expect(form.form.previous).toBeNull();
    expect(form.previous).toBeNull();
  });

  it("attaches to the previous save's owner, before the parents' and the remembered one", async () => {
    mocked.getDataSet.mockImplementation(async (_c, permId) =>
      permId === 'NB-1'
        ? detail(
            'NB-1',
            { kind: 'experiment', identifier: '/LAB/P/EXP9' },
            '/LAB/P/EXP9'
          )
        : detail(
            permId,
            { kind: 'experiment', identifier: '/LAB/P/EXP1' },
            '/LAB/P/EXP1'
          )
    );
    const form = saveForm({ previous, parentCandidates: ['DS-1'] });
    expect(form.target).toBeNull();
    await form.loadContext();
    expect(form.target).toEqual({
      kind: 'experiment',
      identifier: '/LAB/P/EXP9'
    });
    expect(form.suggestion).toBe('previous');
    expect(form.parentDetails.get('DS-1')?.name).toBe('name of DS-1');
  });
});

describe('SaveFormModel filling itself', () => {
  it('takes Name from the title and Kernel from the session, not a name remembered from another notebook', () => {
    const form = saveForm();
    expect(form.values).toEqual({
      $NAME: 'growth curve',
      NOTES: 'kept',
      KERNEL: 'PYTHON3'
    });
  });

  it("suggests the parents' common owner, and keeps a target the user chose", async () => {
    mocked.getDataSet.mockImplementation(async (_c, permId) =>
      detail(
        permId,
        { kind: 'sample', identifier: `/LAB/S-${permId}` },
        '/LAB/P/EXP1',
        `/LAB/S-${permId}`
      )
    );
    const form = saveForm({ parentCandidates: ['DS-1', 'DS-2'] });
    await form.loadContext();
    expect(form.target).toEqual({
      kind: 'experiment',
      identifier: '/LAB/P/EXP1'
    });
    expect(form.suggestion).toBe('parents');

    const chosen = saveForm({ parentCandidates: ['DS-1'] });
    chosen.chooseTarget({ kind: 'sample', identifier: '/LAB/MINE' });
    await chosen.loadContext();
    expect(chosen.target).toEqual({ kind: 'sample', identifier: '/LAB/MINE' });
  });

  it('falls back to the remembered target when nothing can be suggested', async () => {
    mocked.getDataSet.mockRejectedValue(new Error('gone'));
    const form = saveForm({ parentCandidates: ['DS-1'] });
    await form.loadContext();
    expect(form.target?.identifier).toBe('/LAB/P/REMEMBERED');
  });

  it('chooses a single search hit', async () => {
    mocked.search.mockResolvedValue({
      query: 'S1',
      results: {
        experiment: { items: [], totalCount: 0, offset: 0, limit: 10 },
        sample: {
          items: [
            { permId: 'S-1', kind: 'sample', identifier: '/LAB/S1' } as ISample
          ],
          totalCount: 1,
          offset: 0,
          limit: 10
        }
      }
    });
    const form = saveForm();
    form.setTargetQuery('S1');
    await form.searchTargets();
    expect(form.target).toEqual({ kind: 'sample', identifier: '/LAB/S1' });
  });

  it('keeps values of properties both types have when the type changes', () => {
    const form = saveForm();
    form.setValue('$NAME', 'Typed by hand');
    form.setType('ANALYZED_DATA');
    expect(form.values).toEqual({ $NAME: 'Typed by hand', NOTES: 'kept' });
    form.setValue('TEMPERATURE', '21');
    form.setType('ANALYSIS_NOTEBOOK');
    expect(form.values.$NAME).toBe('Typed by hand');
    expect(form.values.TEMPERATURE).toBeUndefined();
  });

  it('matches kernels and owners', () => {
    expect(kernelTerm(kernel, { name: 'ir', language: 'R' })).toBe('R');
    expect(
      kernelTerm(kernel, { name: 'julia-1.9', language: 'julia' })
    ).toBeNull();
    expect(commonOwner([])).toBeNull();
    expect(
      commonOwner([
        detail('A', { kind: 'experiment', identifier: '/L/P/E1' }, '/L/P/E1'),
        detail('B', { kind: 'experiment', identifier: '/L/P/E2' }, '/L/P/E2')
      ])
    ).toBeNull();
  });
});
