/**
 * The Download dialog's model: the last place restored, the search scope,
 * sorting by column, data sets already downloaded (checksums match), and
 * the records helpers (API mocked; a real in-memory state database).
 */
import { StateDB } from '@jupyterlab/statedb';
import { nullTranslator } from '@jupyterlab/translation';

import * as api from '../api';
import { IDownloadRecord, IUploadRecord } from '../metadata';
import { sortDataSets } from '../models/dataSetOrder';
import { DownloadModel, SCOPED_LIMIT } from '../models/download';
import { rememberedPlace, rememberPlace } from '../models/downloadPlace';
import {
  checksumsMatch,
  dataSetLink,
  downloadRecords,
  previousSave
} from '../records';
import { IDataSetDetail } from '../types';
import { dataSet, page, settle } from './fakeApi';

jest.mock('../api', () => jest.requireActual('./fakeApi').fakeApi());

const mocked = api as jest.Mocked<typeof api>;
const trans = nullTranslator.load('jupyterlab_openbis_bridge');

function browseMocks(): void {
  mocked.listSpaces.mockResolvedValue(page([{ code: 'LAB' } as never]));
  mocked.listProjects.mockResolvedValue(
    page([{ code: 'P', identifier: '/LAB/P' } as never])
  );
  mocked.listExperiments.mockResolvedValue(
    page([{ permId: 'E-1', identifier: '/LAB/P/E1' } as never])
  );
  mocked.listSamples.mockResolvedValue(page([]));
  mocked.listDataSets.mockResolvedValue(page([dataSet('DS-1')]));
}

beforeEach(() => jest.resetAllMocks());

describe('DownloadModel place', () => {
  it('restores the remembered place level by level and shows its data sets', async () => {
    browseMocks();
    const state = new StateDB();
    await rememberPlace(state, 'demo', {
      space: 'LAB',
      project: '/LAB/P',
      experiment: '/LAB/P/E1',
      sample: ''
    });
    await rememberPlace(state, 'other', {
      space: 'X',
      project: '',
      experiment: '',
      sample: ''
    });
    const model = new DownloadModel('demo', trans, 'data');
    await model.restorePlace(await rememberedPlace(state, 'demo'));
    await settle();
    expect(model.place).toEqual({
      space: 'LAB',
      project: '/LAB/P',
      experiment: '/LAB/P/E1',
      sample: ''
    });
    expect(model.source).toEqual({
      kind: 'owner',
      experiment: '/LAB/P/E1',
      label: '/LAB/P/E1'
    });
    expect(model.page.items.map(d => d.permId)).toEqual(['DS-1']);
    expect((await rememberedPlace(state, 'unknown')).space).toBe('');
  });

  it('stops where a remembered level no longer exists', async () => {
    browseMocks();
    const model = new DownloadModel('demo', trans, 'data');
    await model.restorePlace({
      space: 'LAB',
      project: '/LAB/GONE',
      experiment: '/LAB/GONE/E',
      sample: ''
    });
    expect(model.place).toEqual({
      space: 'LAB',
      project: '',
      experiment: '',
      sample: ''
    });
    expect(mocked.listExperiments).not.toHaveBeenCalled();
  });
});

describe('DownloadModel search scope', () => {
  it('searches everywhere by default, or only within the browsed place', async () => {
    browseMocks();
    mocked.search.mockImplementation(async (_n, query, kinds) => ({
      query,
      results: kinds.includes('dataSet')
        ? {
            dataSet: page([
              dataSet('IN', { experiment: '/LAB/P/E1' }),
              dataSet('OUT', { experiment: '/LAB/Q/E7' })
            ])
          }
        : { experiment: page([]), sample: page([]) }
    }));
    const model = new DownloadModel('demo', trans, 'data');
    await model.restorePlace({
      space: 'LAB',
      project: '/LAB/P',
      experiment: '',
      sample: ''
    });
    model.setQuery('abs');
    await model.runSearch();
    await settle();
    expect(model.source).toEqual({ kind: 'search', query: 'abs' });
    expect(model.page.items.map(d => d.permId)).toEqual(['IN', 'OUT']);

    model.setScope('place');
    await settle();
    expect(model.source).toEqual({
      kind: 'search',
      query: 'abs',
      within: '/LAB/P'
    });
    expect(model.page.items.map(d => d.permId)).toEqual(['IN']);
    expect(model.page.totalCount).toBe(1);
    expect(mocked.search).toHaveBeenCalledWith('demo', 'abs', ['dataSet'], {
      limit: SCOPED_LIMIT
    });
  });
});

describe('DownloadModel table', () => {
  it('sorts the page by a column, again for the reverse order, empty values last', () => {
    const items = [
      dataSet('A', { size: 10, name: 'beta' }),
      dataSet('B', { size: null, name: 'alpha' }),
      dataSet('C', { size: 5, name: 'Gamma' })
    ];
    expect(
      sortDataSets(items, { column: 'size', descending: false }).map(
        d => d.permId
      )
    ).toEqual(['C', 'A', 'B']);
    expect(
      sortDataSets(items, { column: 'size', descending: true }).map(
        d => d.permId
      )
    ).toEqual(['A', 'C', 'B']);
    expect(
      sortDataSets(items, { column: 'name', descending: false }).map(
        d => d.permId
      )
    ).toEqual(['B', 'A', 'C']);

    const model = new DownloadModel('demo', trans, 'data');
    model.setSort('size');
    expect(model.sort).toEqual({ column: 'size', descending: false });
    model.setSort('size');
    expect(model.sort).toEqual({ column: 'size', descending: true });
    model.setSort('type');
    expect(model.sort).toEqual({ column: 'type', descending: false });
  });

  it('marks data sets downloaded with checksums matching openBIS', async () => {
    const file = (path: string, crc32: number) => ({
      path,
      size: 4,
      crc32,
      checksum: null,
      checksumType: null
    });
    mocked.getDataSet.mockImplementation(
      async (_n, permId) =>
        ({
          permId,
          files: [
            {
              path: 'original',
              size: null,
              crc32: null,
              checksum: null,
              checksumType: null
            },
            file('original/a.csv', 11)
          ]
        }) as unknown as IDataSetDetail
    );
    mocked.listDataSets.mockResolvedValue(
      page([dataSet('SAME'), dataSet('CHANGED'), dataSet('NEVER')])
    );
    const record = (permId: string, crc32: number): IDownloadRecord => ({
      instance: 'https://o',
      connection: 'demo',
      permId,
      type: null,
      path: `data/${permId}`,
      files: [{ path: `data/${permId}/original/a.csv`, size: 4, crc32 }],
      size: 4,
      time: ''
    });
    const model = new DownloadModel('demo', trans, 'data');
    model.setDownloadRecords(
      new Map([
        ['SAME', record('SAME', 11)],
        ['CHANGED', record('CHANGED', 12)]
      ])
    );
    model.setSource({ kind: 'owner', experiment: '/L/P/E', label: '/L/P/E' });
    await settle();
    expect([...model.downloaded]).toEqual(['SAME']);
    expect(mocked.getDataSet).toHaveBeenCalledTimes(2);
  });
});

describe('records', () => {
  const holder = (openbis: unknown) => ({
    getMetadata: (key: string) => (key === 'openbis' ? openbis : undefined),
    setMetadata: () => undefined
  });
  const upload = (permId: string, instance: string): IUploadRecord => ({
    instance,
    connection: 'c',
    permId,
    url: '',
    type: 'T',
    owner: '/L/P/E',
    parents: [],
    time: ''
  });

  it('finds the latest save and the downloads of one instance', () => {
    const model = holder({
      uploads: [
        upload('NB-1', 'https://a/'),
        upload('NB-2', 'https://a'),
        upload('NB-3', 'https://b')
      ],
      downloads: [
        { permId: 'DS-1', instance: 'https://a', files: [] },
        { permId: 'DS-2', instance: 'https://b', files: [] }
      ]
    });
    expect(previousSave(model as never, 'https://a')?.permId).toBe('NB-2');
    expect(previousSave(holder(undefined) as never, 'https://a')).toBeNull();
    expect([...downloadRecords(model as never, 'https://a').keys()]).toEqual([
      'DS-1'
    ]);
  });

  it('compares checksums by path, with or without original/, and links to the ELN page', () => {
    const record = {
      files: [{ path: 'data/X/a.csv', size: 4, crc32: 7 }]
    } as IDownloadRecord;
    const listed = [
      {
        path: 'original/a.csv',
        size: 4,
        crc32: 7,
        checksum: null,
        checksumType: null
      }
    ];
    expect(checksumsMatch(record, listed)).toBe(true);
    expect(checksumsMatch(record, [{ ...listed[0], size: 5 }])).toBe(false);
    expect(checksumsMatch(record, [])).toBe(false);
    expect(dataSetLink('https://o/', 'A-1')).toBe(
      'https://o/openbis/webapp/eln-lims/?menuUniqueId=null&viewName=showViewDataSetPageFromPermId&viewData=A-1'
    );
  });
});
