/**
 * Where a notebook's recorded environment is read from, and the notice's text.
 */
import { nullTranslator } from '@jupyterlab/translation';

import { MetadataHolder } from '../metadata';
import { driftMessage } from '../drift/notice';
import { findRecordedEnvironment, openedFromPermId } from '../drift/recorded';

const trans = nullTranslator.load('jupyterlab_openbis_bridge');

function holder(openbis: unknown, kernelspec?: unknown): MetadataHolder {
  const metadata: Record<string, unknown> = { openbis, kernelspec };
  return {
    getMetadata: (key: string) => metadata[key],
    setMetadata: () => undefined
  } as unknown as MetadataHolder;
}

function files(map: Record<string, string>) {
  const asked: string[] = [];
  const read = async (path: string) => {
    asked.push(path);
    return map[path] ?? null;
  };
  return { asked, read };
}

const upload = {
  instance: 'https://openbis.example',
  connection: 'lab',
  permId: '20260101000000000-7',
  url: 'https://openbis.example/x',
  type: 'ANALYSIS_NOTEBOOK',
  owner: '/S/P/E',
  parents: [],
  time: '2026-01-01T00:00:00Z'
};

describe('openedFromPermId', () => {
  it('finds the permId of an openbis/<permId>/ folder', () => {
    expect(openedFromPermId('openbis/20260101000000000-7/nb.ipynb')).toBe(
      '20260101000000000-7'
    );
    expect(
      openedFromPermId('work/openbis/20260101000000000-7/original/nb.ipynb')
    ).toBe('20260101000000000-7');
    expect(openedFromPermId('openbis/notes/nb.ipynb')).toBeNull();
    expect(openedFromPermId('nb.ipynb')).toBeNull();
  });
});

describe('findRecordedEnvironment', () => {
  it('prefers the copy in the metadata, offline', async () => {
    const { asked, read } = files({});
    const found = await findRecordedEnvironment(
      holder({
        uploads: [upload],
        downloads: [],
        environment: {
          language: 'python',
          requirements: ['numpy==1.26.4'],
          runtime: 'python-3.12',
          mode: 'imported',
          time: ''
        }
      }),
      'work/nb.ipynb',
      read
    );
    expect(found).toEqual({
      language: 'python',
      requirements: ['numpy==1.26.4'],
      runtime: 'python-3.12',
      origin: 'metadata',
      permId: upload.permId,
      connection: 'lab'
    });
    expect(asked).toEqual([]);
  });

  it('reads the files beside a notebook opened from openBIS', async () => {
    const { read } = files({
      'openbis/20260202000000000-9/requirements.txt':
        'numpy==1.26.4\n# comment\n\nr-pkg==1\n',
      'openbis/20260202000000000-9/runtime.txt': 'r-4.3-2024-01-01\n'
    });
    const found = await findRecordedEnvironment(
      holder({ uploads: [upload], downloads: [] }),
      'openbis/20260202000000000-9/nb.ipynb',
      read
    );
    expect(found).toEqual({
      language: 'r',
      requirements: ['numpy==1.26.4', '# comment', 'r-pkg==1'],
      runtime: 'r-4.3-2024-01-01',
      origin: 'files',
      permId: '20260202000000000-9',
      connection: null
    });
  });

  it('takes the language from the kernelspec without a runtime.txt', async () => {
    const { read } = files({
      'openbis/20260202000000000-9/requirements.txt': 'jsonlite==1.8.4\n'
    });
    const language = async (kernelspec: unknown) =>
      (
        await findRecordedEnvironment(
          holder(undefined, kernelspec),
          'openbis/20260202000000000-9/nb.ipynb',
          read
        )
      )?.language;
    expect(await language({ name: 'ir', language: 'R' })).toBe('r');
    expect(await language({ name: 'python3', language: 'python' })).toBe(
      'python'
    );
    expect(await language(undefined)).toBe('python');
  });

  it('ignores a requirements.txt beside a notebook openBIS never saw', async () => {
    const { asked, read } = files({ 'requirements.txt': 'numpy==1.0\n' });
    expect(
      await findRecordedEnvironment(holder(undefined), 'nb.ipynb', read)
    ).toBeNull();
    expect(asked).toEqual([]);
  });

  it('has nothing when a saved notebook has no requirements.txt', async () => {
    const { asked, read } = files({});
    expect(
      await findRecordedEnvironment(
        holder({ uploads: [upload], downloads: [] }),
        'a/nb.ipynb',
        read
      )
    ).toBeNull();
    expect(asked).toEqual(['a/requirements.txt']);
  });
});

describe('driftMessage', () => {
  const drift = {
    changed: [{ name: 'numpy', recorded: '1.26', current: '2.1' }],
    missing: ['pandas'],
    runtime: { recorded: 'python-3.12', current: 'python-3.11' }
  };

  it('names what differs and asks about a re-run when one is possible', () => {
    expect(driftMessage(drift, true, trans)).toBe(
      'Not the recorded environment: Python 3.12 → Python 3.11, numpy 1.26 → 2.1, pandas missing. Re-run in the recorded environment?'
    );
    expect(driftMessage(drift, false, trans)).toBe(
      'Not the recorded environment: Python 3.12 → Python 3.11, numpy 1.26 → 2.1, pandas missing.'
    );
  });

  it('folds a long list into a count', () => {
    const many = {
      changed: [],
      missing: ['a', 'b', 'c', 'd', 'e', 'f'],
      runtime: null
    };
    expect(driftMessage(many, false, trans)).toBe(
      'Not the recorded environment: a missing, b missing, c missing, d missing, 2 more differences.'
    );
  });
});
