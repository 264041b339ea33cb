import {
  downloadedPermIds,
  readOpenbisMetadata,
  recordDownloads,
  recordUpload
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
  it('records downloads under metadata.openbis and the legacy metadata.datasets', () => {
    const model = fakeModel({ datasets: { OLD: { permId: 'OLD' } } });
    recordDownloads(model as any, [record('1-1'), record('2-2')]);
    recordDownloads(model as any, [record('1-1')]);
    expect(
      readOpenbisMetadata(model as any).downloads.map(d => d.permId)
    ).toEqual(['2-2', '1-1']);
    expect(model.store.datasets).toMatchObject({
      OLD: { permId: 'OLD' },
      '1-1': { permId: '1-1', path: 'data/1-1', files: ['data/1-1/a.csv'] }
    });
    expect(downloadedPermIds(model as any)).toEqual(['OLD', '1-1', '2-2']);
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
