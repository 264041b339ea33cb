import { downloadedPermIds, readOpenbisMetadata } from '../metadata';
import { mergePendingProvenance } from '../provenance';

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

const download = (permId: string, time = '2026-01-01T00:00:00Z') => ({
  instance: 'https://openbis.example.org',
  connection: 'lab',
  permId,
  type: 'RAW_DATA',
  path: `data/${permId}`,
  files: [{ path: `data/${permId}/a.csv`, size: 3, crc32: 123 }],
  size: 3,
  time
});

const upload = (permId: string) => ({
  instance: 'https://openbis.example.org',
  connection: 'lab',
  permId,
  url: `https://openbis.example.org/#${permId}`,
  type: 'ANALYSIS_NOTEBOOK',
  owner: '/LAB/PROJ1/EXP1',
  parents: ['1-1'],
  time: '2026-01-02T00:00:00Z'
});

describe('mergePendingProvenance', () => {
  it('merges kernel downloads like dialog downloads and uploads, returning every id', () => {
    const model = fakeModel({
      openbis: {
        downloads: [download('1-1', 'old'), download('0-0')],
        uploads: []
      }
    });
    const result = mergePendingProvenance(model as any, {
      path: 'nb.ipynb',
      downloads: [
        { id: 'a', record: download('1-1', 'new') },
        { id: 'b', record: download('2-2') }
      ],
      uploads: [{ id: 'c', record: upload('9-9') }]
    });
    expect(result).toEqual({ ids: ['a', 'b', 'c'], downloads: 2, uploads: 1 });
    const metadata = readOpenbisMetadata(model as any);
    // A data set downloaded again replaces its record; others are kept.
    expect(metadata.downloads.map(d => [d.permId, d.time])).toEqual([
      ['0-0', '2026-01-01T00:00:00Z'],
      ['1-1', 'new'],
      ['2-2', '2026-01-01T00:00:00Z']
    ]);
    expect(metadata.uploads.map(u => u.permId)).toEqual(['9-9']);
    // One record per download (no legacy copy); they become save parents.
    expect(model.store.datasets).toBeUndefined();
    expect(downloadedPermIds(model as any)).toEqual(['0-0', '1-1', '2-2']);
    // Stored relative to the notebook (`pending.path`).
    expect(metadata.downloads.every(d => d.pathBase === 'notebook')).toBe(true);
  });

  it('is idempotent when the same answer is merged twice', () => {
    const model = fakeModel();
    const pending = {
      path: 'nb.ipynb',
      downloads: [{ id: 'a', record: download('1-1') }],
      uploads: [{ id: 'b', record: upload('9-9') }]
    };
    mergePendingProvenance(model as any, pending);
    const second = mergePendingProvenance(model as any, pending);
    expect(second.uploads).toBe(0);
    const metadata = readOpenbisMetadata(model as any);
    expect(metadata.downloads).toHaveLength(1);
    expect(metadata.uploads).toHaveLength(1);
  });

  it('skips malformed records but still acknowledges them, and leaves metadata alone when empty', () => {
    const model = fakeModel();
    const result = mergePendingProvenance(model as any, {
      path: 'nb.ipynb',
      downloads: [{ id: 'x', record: { permId: 5 } as any }],
      uploads: []
    });
    expect(result).toEqual({ ids: ['x'], downloads: 0, uploads: 0 });
    expect(model.store.openbis).toBeUndefined();
    expect(model.store.datasets).toBeUndefined();
  });
});
