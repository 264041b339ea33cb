import {
  downloadedPermIds,
  readOpenbisMetadata,
  recordDownloads,
  recordUpload,
  relativeToNotebook
} from '../metadata';

function fakeModel(initial: Record<string, unknown> = {}) {
  const store: Record<string, unknown> = { ...initial };
  return {
    store,
    getMetadata: (key: string) => store[key] as any,
    setMetadata: (key: string, value: unknown) => {
      store[key] = value;
    }
  };
}

const record = (permId: string) => ({
  instance: 'https://openbis.example.org',
  connection: 'lab',
  permId,
  type: 'RAW_DATA',
  path: `data/${permId}`,
  files: [{ path: `data/${permId}/a.csv`, size: 3, crc32: 123 }],
  size: 3,
  time: '2026-01-01T00:00:00Z'
});

describe('notebook metadata', () => {
  it('keeps the save target a notebook was made for through later records', () => {
    const target = { kind: 'experiment', identifier: '/LAB/PROJ1/EXP1' };
    const model = fakeModel({
      openbis: { downloads: [], uploads: [], saveTarget: target }
    });
    recordDownloads(model as any, [record('1-1')]);
    expect(readOpenbisMetadata(model as any).saveTarget).toEqual(target);
    const odd = fakeModel({
      openbis: { saveTarget: { kind: 'space', identifier: '/LAB' } }
    });
    expect(readOpenbisMetadata(odd as any).saveTarget).toBeUndefined();
  });

  it('records one download per data set and keeps only foreign legacy entries', () => {
    const model = fakeModel({
      datasets: { OLD: { permId: 'OLD' }, '1-1': { permId: '1-1' } }
    });
    recordDownloads(model as any, [record('1-1'), record('2-2')]);
    recordDownloads(model as any, [record('1-1')]);
    expect(
      readOpenbisMetadata(model as any).downloads.map(d => d.permId)
    ).toEqual(['2-2', '1-1']);
    expect(model.store.datasets).toEqual({ OLD: { permId: 'OLD' } });
    expect(downloadedPermIds(model as any)).toEqual(['OLD', '2-2', '1-1']);
  });

  it('drops the legacy key once every entry is recorded under openbis', () => {
    const model = fakeModel({ datasets: { '1-1': { permId: '1-1' } } });
    const deleted: string[] = [];
    (model as any).deleteMetadata = (key: string) => {
      deleted.push(key);
      delete model.store[key];
    };
    recordDownloads(model as any, [record('1-1')]);
    expect(deleted).toEqual(['datasets']);
    expect(model.store.datasets).toBeUndefined();
  });

  it('stores paths relative to the notebook and migrates old records', () => {
    const model = fakeModel({
      openbis: {
        downloads: [{ ...record('0-0'), path: 'work/data/0-0', files: [] }],
        uploads: []
      }
    });
    const rootRelative = {
      ...record('1-1'),
      path: 'work/data/1-1',
      files: [{ path: 'work/data/1-1/a.csv', size: 3, crc32: 123 }]
    };
    recordDownloads(model as any, [rootRelative], 'work/nb.ipynb');
    const downloads = readOpenbisMetadata(model as any).downloads;
    expect(downloads.map(d => [d.permId, d.path, d.pathBase])).toEqual([
      ['0-0', 'data/0-0', 'notebook'],
      ['1-1', 'data/1-1', 'notebook']
    ]);
    expect(downloads[1].files[0].path).toBe('data/1-1/a.csv');
    // Already relative: a second migration changes nothing.
    recordDownloads(model as any, [downloads[1]], 'work/nb.ipynb');
    expect(readOpenbisMetadata(model as any).downloads[1].path).toBe(
      'data/1-1'
    );
  });

  it('reads old records relative to the notebook without changing the model', () => {
    const model = fakeModel({
      openbis: { downloads: [record('1-1')], uploads: [] }
    });
    const seen = readOpenbisMetadata(model as any, 'deep/er/nb.ipynb');
    expect(seen.downloads[0].path).toBe('../../data/1-1');
    expect((model.store.openbis as any).downloads[0].path).toBe('data/1-1');
  });

  it('computes notebook-relative paths', () => {
    expect(relativeToNotebook('data/x', 'nb.ipynb')).toBe('data/x');
    expect(relativeToNotebook('a/b/data/x', 'a/b/nb.ipynb')).toBe('data/x');
    expect(relativeToNotebook('a/data/x', 'a/b/nb.ipynb')).toBe('../data/x');
    expect(relativeToNotebook('a/b', 'a/b/nb.ipynb')).toBe('.');
    expect(relativeToNotebook('./c//d/', 'x/nb.ipynb')).toBe('../c/d');
  });

  it('appends uploads without touching downloads', () => {
    const model = fakeModel();
    recordDownloads(model as any, [record('1-1')]);
    recordUpload(model as any, {
      instance: 'x',
      connection: 'lab',
      permId: '9-9',
      url: 'u',
      type: 'ANALYSIS_NOTEBOOK',
      owner: '/S/P/E',
      parents: ['1-1'],
      time: 't'
    });
    const data = readOpenbisMetadata(model as any);
    expect(data.downloads).toHaveLength(1);
    expect(data.uploads.map(u => u.permId)).toEqual(['9-9']);
  });
});
