/**
 * The side panel's tree model, with the server companion's API mocked:
 * lazy loading per level, paging with "Load more", search, keyboard
 * navigation and stale answers.
 */
import * as api from '../api';
import { ITreeNode, TreeModel } from '../models/tree';
import { dataSetOf, elnUrl, identifierOf, permIdOf } from '../panel/links';
import {
  IDataSetDetail,
  IExperiment,
  IPage,
  IProject,
  ISample,
  ISpace
} from '../types';
import { dataSet, page, settle } from './fakeApi';

jest.mock('../api', () => jest.requireActual('./fakeApi').fakeApi());

const mocked = api as jest.Mocked<typeof api>;

const space = (code: string) => ({ code, permId: code }) as ISpace;
const project = (code: string) =>
  ({ code, identifier: `/LAB/${code}`, permId: `p-${code}` }) as IProject;
const experiment = (code: string) =>
  ({
    kind: 'experiment',
    code,
    identifier: `/LAB/PROJ1/${code}`,
    permId: `e-${code}`,
    properties: {}
  }) as unknown as IExperiment;
const sample = (code: string) =>
  ({
    kind: 'sample',
    code,
    identifier: `/LAB/PROJ1/${code}`,
    permId: `s-${code}`,
    properties: {}
  }) as unknown as ISample;
const named = (permId: string, name: string) =>
  dataSet(permId, { properties: { $NAME: name } });

function labels(model: TreeModel): string[] {
  return model
    .visibleRows()
    .map(r => `${'  '.repeat(r.level - 1)}${r.kind}:${r.label || r.key}`);
}

function find(model: TreeModel, label: string): ITreeNode {
  const row = model.visibleRows().find(r => r.label === label);
  if (!row) {
    throw new Error(`no row ${label}: ${labels(model).join(', ')}`);
  }
  return row;
}

describe('TreeModel', () => {
  let pageSize = 2;
  const make = () => new TreeModel({ pageSize: () => pageSize });

  beforeEach(() => {
    jest.resetAllMocks();
    pageSize = 2;
  });

  it('loads nothing without a connection and the spaces with one', async () => {
    const model = make();
    await model.setConnection(null);
    expect(model.visibleRows()).toEqual([]);
    expect(mocked.listSpaces).not.toHaveBeenCalled();

    mocked.listSpaces.mockResolvedValueOnce(
      page([space('LAB'), space('METHODS')])
    );
    await model.setConnection('demo');
    expect(mocked.listSpaces).toHaveBeenCalledWith('demo', {
      offset: 0,
      limit: 2
    });
    expect(labels(model)).toEqual(['space:LAB', 'space:METHODS']);
    const lab = find(model, 'LAB');
    expect(lab.expandable).toBe(true);
    expect(lab.expanded).toBe(false);
    expect(lab.level).toBe(1);
  });

  it('expands level by level down to the files, each loaded once', async () => {
    const model = make();
    mocked.listSpaces.mockResolvedValue(page([space('LAB')]));
    mocked.listProjects.mockResolvedValue(page([project('PROJ1')]));
    mocked.listExperiments.mockResolvedValue(page([experiment('EXP1')]));
    mocked.listSamples.mockResolvedValue(page([sample('SAMPLE1')]));
    mocked.listDataSets.mockResolvedValue(page([named('DS1', 'Run 1')]));
    mocked.getDataSet.mockResolvedValue({
      files: [
        { path: 'original/data.csv', size: 10, crc32: 1 },
        { path: 'original/b.csv', size: 20, crc32: 2 },
        { path: 'original/c.csv', size: 30, crc32: 3 }
      ]
    } as unknown as IDataSetDetail);
    await model.setConnection('demo');

    await model.expand(find(model, 'LAB'));
    expect(mocked.listProjects).toHaveBeenCalledWith('demo', 'LAB', {
      offset: 0,
      limit: 2
    });
    await model.expand(find(model, 'PROJ1'));
    expect(mocked.listExperiments).toHaveBeenCalledWith('demo', '/LAB/PROJ1', {
      offset: 0,
      limit: 2
    });
    await model.expand(find(model, 'EXP1'));
    expect(mocked.listSamples).toHaveBeenCalledWith(
      'demo',
      { experiment: '/LAB/PROJ1/EXP1' },
      { offset: 0, limit: 2 }
    );
    expect(mocked.listDataSets).toHaveBeenCalledWith(
      'demo',
      { experiment: '/LAB/PROJ1/EXP1' },
      { offset: 0, limit: 2 }
    );
    await model.expand(find(model, 'Run 1'));
    expect(labels(model)).toEqual([
      'space:LAB',
      '  project:PROJ1',
      '    experiment:EXP1',
      '      sample:SAMPLE1',
      '      dataSet:Run 1',
      '        file:data.csv',
      '        file:b.csv',
      '        more:more'
    ]);
    const file = find(model, 'data.csv');
    expect(file.dataSet).toBe('DS1');
    expect(file.level).toBe(5);

    // Files are paged from the one answer.
    const more = model.visibleRows().find(r => r.kind === 'more')!;
    await model.loadMore(more);
    expect(mocked.getDataSet).toHaveBeenCalledTimes(1);
    expect(labels(model).slice(-2)).toEqual([
      '        file:b.csv',
      '        file:c.csv'
    ]);

    // Collapsing and expanding again does not reload.
    model.collapse(find(model, 'LAB'));
    expect(labels(model)).toEqual(['space:LAB']);
    await model.expand(find(model, 'LAB'));
    expect(mocked.listProjects).toHaveBeenCalledTimes(1);
    expect(labels(model)).toHaveLength(8);
  });

  it('pages a level with "Load more" using the page size of the moment', async () => {
    const model = make();
    mocked.listSpaces
      .mockResolvedValueOnce(page([space('A'), space('B')], 5))
      .mockResolvedValueOnce(page([space('C'), space('D'), space('E')], 5, 2));
    await model.setConnection('demo');
    expect(labels(model)).toEqual(['space:A', 'space:B', 'more:more']);
    const more = model.visibleRows()[2];
    model.focus(more);
    pageSize = 3;
    await model.loadMore(more);
    expect(mocked.listSpaces).toHaveBeenLastCalledWith('demo', {
      offset: 2,
      limit: 3
    });
    expect(labels(model)).toEqual([
      'space:A',
      'space:B',
      'space:C',
      'space:D',
      'space:E'
    ]);
    // The focus moves to the first new row.
    expect(model.focused?.label).toBe('C');
  });

  it('shows a failed level as a message row and can reload it', async () => {
    const model = make();
    mocked.listSpaces.mockRejectedValueOnce(
      new api.ApiError('openBIS is down', 502, 'upstream_unreachable')
    );
    await model.setConnection('demo');
    expect(model.visibleRows().map(r => [r.kind, r.key, r.label])).toEqual([
      ['message', 'error', 'openBIS is down']
    ]);
    mocked.listSpaces.mockResolvedValueOnce(page([]));
    await model.reload();
    expect(model.visibleRows().map(r => r.key)).toEqual(['empty']);
  });

  it('searches on the server and pages only the kinds with more results', async () => {
    const model = make();
    mocked.listSpaces.mockResolvedValue(page([space('LAB')]));
    await model.setConnection('demo');
    mocked.search
      .mockResolvedValueOnce({
        query: 'abs',
        results: {
          experiment: page([experiment('EXP1')], 1),
          sample: page([], 0),
          dataSet: page([named('DS1', 'Abs 1'), dataSet('DS2')], 3)
        }
      })
      .mockResolvedValueOnce({
        query: 'abs',
        results: { dataSet: page([dataSet('DS3')], 3, 2) }
      });
    await model.search(' abs ');
    expect(model.query).toBe('abs');
    expect(mocked.search).toHaveBeenCalledWith(
      'demo',
      'abs',
      ['experiment', 'sample', 'dataSet'],
      { offset: 0, limit: 2 }
    );
    expect(labels(model)).toEqual([
      'experiment:EXP1',
      'dataSet:Abs 1',
      'dataSet:DS2',
      'more:more'
    ]);
    await model.loadMore(model.visibleRows()[3]);
    expect(mocked.search).toHaveBeenLastCalledWith('demo', 'abs', ['dataSet'], {
      offset: 2,
      limit: 2
    });
    expect(labels(model)).toHaveLength(4);
    expect(labels(model)[3]).toBe('dataSet:DS3');

    // An empty query goes back to browsing.
    await model.search('');
    expect(labels(model)).toEqual(['space:LAB']);
  });

  it('navigates like a WAI-ARIA tree', async () => {
    const model = make();
    mocked.listSpaces.mockResolvedValue(page([space('LAB'), space('ZOO')]));
    mocked.listProjects.mockResolvedValue(page([project('PROJ1')]));
    await model.setConnection('demo');

    model.moveFocus(1);
    expect(model.focused?.label).toBe('LAB');
    await model.right(); // expands
    expect(find(model, 'LAB').expanded).toBe(true);
    expect(model.focused?.label).toBe('LAB');
    await model.right(); // first child
    expect(model.focused?.label).toBe('PROJ1');
    model.moveFocus(1);
    expect(model.focused?.label).toBe('ZOO');
    model.moveFocus(1); // stays on the last row
    expect(model.focused?.label).toBe('ZOO');
    model.moveFocus(-1);
    model.left(); // PROJ1 is closed: to its parent
    expect(model.focused?.label).toBe('LAB');
    model.left(); // LAB is open: collapses
    expect(find(model, 'LAB').expanded).toBe(false);
    expect(model.focused?.label).toBe('LAB');
    await model.activate(); // Enter: details
    expect(model.selected?.label).toBe('LAB');
  });

  it('drops answers that arrive after the connection changed', async () => {
    const model = make();
    let resolve: (value: IPage<ISpace>) => void = () => undefined;
    mocked.listSpaces.mockReturnValueOnce(
      new Promise(r => {
        resolve = r;
      })
    );
    const first = model.setConnection('old');
    mocked.listSpaces.mockResolvedValueOnce(page([space('NEW')]));
    await model.setConnection('new');
    resolve(page([space('OLD')]));
    await first;
    await settle();
    expect(labels(model)).toEqual(['space:NEW']);
  });
});

describe('panel links', () => {
  const node = (patch: Partial<ITreeNode>) =>
    ({ kind: 'dataSet', entity: null, dataSet: null, ...patch }) as ITreeNode;

  it('names permIds, identifiers and ELN pages', () => {
    const ds = node({ entity: dataSet('20250101-1') });
    expect(permIdOf(ds)).toBe('20250101-1');
    expect(dataSetOf(ds)).toBe('20250101-1');
    expect(elnUrl('https://lab.example.org/', ds)).toBe(
      'https://lab.example.org/openbis/webapp/eln-lims/?menuUniqueId=null&viewName=showViewDataSetPageFromPermId&viewData=20250101-1'
    );
    const file = node({ kind: 'file', dataSet: '20250101-1' });
    expect(dataSetOf(file)).toBe('20250101-1');
    const exp = node({ kind: 'experiment', entity: experiment('EXP1') });
    expect(identifierOf(exp)).toBe('/LAB/PROJ1/EXP1');
    expect(dataSetOf(exp)).toBeNull();
    const lab = node({ kind: 'space', entity: space('LAB') });
    expect(elnUrl('https://x', lab)).toContain('viewName=showSpacePage');
  });
});
