import { nullTranslator } from '@jupyterlab/translation';
import { Signal } from '@lumino/signaling';

import { ApiError } from '../api';
import {
  DeepLinkResolver,
  IResolveApi,
  IResolvedLink
} from '../deeplink/model';
import {
  candidateNames,
  createNotebook,
  firstCellSource,
  linkFolder,
  notebookContent
} from '../deeplink/notebook';
import {
  MAX_DATA_SETS,
  parseDeepLink,
  parseEntity,
  withoutDeepLinkParams
} from '../deeplink/parse';
import { IBridgeConnections } from '../tokens';
import { IConnection, IDataSetDetail } from '../types';

const trans = nullTranslator.load('jupyterlab_openbis_bridge');
const P1 = '20250123080000000-19';
const P2 = '20250206080000000-21';

describe('deep link grammar', () => {
  it('ignores a query without deep-link parameters', () => {
    expect(parseDeepLink('?reset&token=x')).toEqual({ kind: 'none' });
    expect(parseDeepLink('')).toEqual({ kind: 'none' });
  });

  it('reads entity, data sets and connection', () => {
    const parsed = parseDeepLink(
      `?openbis-entity=/lab/Proj1/EXP1&openbis-datasets=${P1}, ${P2},${P1}&openbis-connection=lab-1`
    );
    expect(parsed).toEqual({
      kind: 'link',
      link: {
        entity: { form: 'experimentOrSample', value: '/LAB/PROJ1/EXP1' },
        dataSets: [P1, P2],
        connection: 'lab-1'
      }
    });
  });

  it('classifies identifiers and permIds as openBIS writes them', () => {
    expect(parseEntity('/S/P/E')?.form).toBe('experimentOrSample');
    expect(parseEntity('/S/SAMPLE1')?.form).toBe('sample');
    expect(parseEntity('/S/CONTAINER:SAMPLE')?.form).toBe('sample');
    expect(parseEntity('/S/P/CONTAINER:SAMPLE')?.form).toBe('sample');
    expect(parseEntity(` ${P1} `)).toEqual({ form: 'permId', value: P1 });
    expect(parseEntity('/S.1/P_2/E-3')?.value).toBe('/S.1/P_2/E-3');
  });

  it.each([
    ['/SPACE', 'a space alone'],
    ['/S/P/E/X', 'four parts'],
    ['S/P/E', 'no leading slash'],
    ['/S//E', 'an empty code'],
    ['/S/P/<script>', 'markup'],
    ['/S/P/E%', 'a percent sign'],
    ['/S/P/A B', 'a space in a code'],
    ['2025-', 'half a permId'],
    ['../../etc', 'a path']
  ])('refuses %s (%s)', (value, why) => {
    const parsed = parseDeepLink(
      `?openbis-entity=${encodeURIComponent(value)}`
    );
    expect(why).toBeTruthy();
    expect(parsed).toEqual({
      kind: 'invalid',
      problem: { param: 'openbis-entity', value, kind: 'malformed' }
    });
  });

  it('refuses a link without an entity, even with data sets', () => {
    expect(parseDeepLink(`?openbis-datasets=${P1}`)).toEqual({
      kind: 'invalid',
      problem: { param: 'openbis-entity', value: '', kind: 'missing' }
    });
  });

  it('names the malformed data set', () => {
    expect(
      parseDeepLink(`?openbis-entity=/S/P/E&openbis-datasets=${P1},NOPE`)
    ).toEqual({
      kind: 'invalid',
      problem: { param: 'openbis-datasets', value: 'NOPE', kind: 'malformed' }
    });
  });

  it('refuses too many data sets, repeated parameters and odd connection names', () => {
    const many = Array.from(
      { length: MAX_DATA_SETS + 1 },
      (_, i) => `20250101000000000-${i + 1}`
    ).join(',');
    expect(
      parseDeepLink(`?openbis-entity=/S/P/E&openbis-datasets=${many}`)
    ).toMatchObject({ kind: 'invalid', problem: { kind: 'tooMany' } });
    expect(
      parseDeepLink('?openbis-entity=/S/P/E&openbis-entity=/S/P/F')
    ).toMatchObject({ kind: 'invalid', problem: { kind: 'duplicate' } });
    expect(
      parseDeepLink('?openbis-entity=/S/P/E&openbis-connection=../x')
    ).toMatchObject({
      kind: 'invalid',
      problem: { param: 'openbis-connection', kind: 'malformed' }
    });
  });

  it('removes only its own parameters from the address', () => {
    expect(
      withoutDeepLinkParams(
        `https://hub/user/a/lab/tree/x?openbis-entity=/S/P/E&reset&openbis-datasets=${P1}&openbis-connection=c#h`
      )
    ).toBe('https://hub/user/a/lab/tree/x?reset=#h');
  });
});

const EXP1 = {
  kind: 'experiment' as const,
  identifier: '/LAB/PROJ1/EXP1',
  permId: '20250105080000000-7',
  code: 'EXP1',
  type: 'COLLECTION',
  name: 'Absorbance runs'
};

function link(overrides: Partial<IResolvedLink> = {}): IResolvedLink {
  return {
    connection: 'lab',
    namedConnection: false,
    entity: EXP1,
    dataSets: [{ permId: P1 } as IDataSetDetail],
    ...overrides
  };
}

describe('the created notebook', () => {
  it('names its save target in its metadata, so every tab and page finds it', () => {
    const content = notebookContent('x = 1', null, {
      kind: 'experiment',
      identifier: '/LAB/PROJ1/EXP1'
    });
    expect((content.metadata as any).openbis.saveTarget).toEqual({
      kind: 'experiment',
      identifier: '/LAB/PROJ1/EXP1'
    });
  });

  it('lives in a folder mirroring openBIS and is named after the entity', () => {
    expect(linkFolder(EXP1)).toBe('openbis/LAB/PROJ1');
    expect(candidateNames(EXP1).slice(0, 3)).toEqual([
      'EXP1.ipynb',
      'EXP1-1.ipynb',
      'EXP1-2.ipynb'
    ]);
    const component = {
      ...EXP1,
      kind: 'sample' as const,
      identifier: '/LAB/C:S1'
    };
    expect(linkFolder(component)).toBe('openbis/LAB');
    expect(candidateNames(component)[0]).toBe('C_S1.ipynb');
  });

  it('loads the data sets in its first cell, naming the connection when needed', () => {
    expect(firstCellSource(link(), false)).toBe(
      [
        '# openBIS collection /LAB/PROJ1/EXP1',
        'from jupyterlab_openbis_bridge import load',
        `data = load("${P1}")`
      ].join('\n')
    );
    expect(firstCellSource(link({ namedConnection: true }), false)).toContain(
      `load("${P1}", connection="lab")`
    );
    expect(firstCellSource(link({ dataSets: [] }), true)).toBe(
      [
        '# openBIS collection /LAB/PROJ1/EXP1',
        'from jupyterlab_openbis_bridge import openbis',
        'entity = openbis("lab").get_experiment("/LAB/PROJ1/EXP1")'
      ].join('\n')
    );
  });

  /** A contents manager over a set of paths that refuses renames onto existing ones, as jupyter_server does. */
  function fakeContents(existing: string[]) {
    const files = new Set(existing);
    const conflict = () =>
      Object.assign(new Error('exists'), { response: { status: 409 } });
    return {
      files,
      get: jest.fn(async (path: string) => {
        if (!files.has(path)) {
          throw Object.assign(new Error('404'), { response: { status: 404 } });
        }
        return {
          path,
          type: path.endsWith('.ipynb') ? 'notebook' : 'directory'
        };
      }),
      save: jest.fn(async (path: string) => {
        files.add(path);
        return { path };
      }),
      newUntitled: jest.fn(async ({ path }: { path: string }) => {
        const draft = `${path}/Untitled.ipynb`;
        files.add(draft);
        return { path: draft };
      }),
      rename: jest.fn(async (from: string, to: string) => {
        if (files.has(to)) {
          throw conflict();
        }
        files.delete(from);
        files.add(to);
        return { path: to };
      }),
      delete: jest.fn(async (path: string) => {
        files.delete(path);
      })
    };
  }

  it('never overwrites: the next free suffix, folders made as needed', async () => {
    const contents = fakeContents([
      'openbis',
      'openbis/LAB/PROJ1/EXP1.ipynb',
      'openbis/LAB/PROJ1/EXP1-1.ipynb'
    ]);
    const path = await createNotebook(
      contents as any,
      'openbis/LAB/PROJ1',
      candidateNames(EXP1),
      { cells: [] }
    );
    expect(path).toBe('openbis/LAB/PROJ1/EXP1-2.ipynb');
    expect(contents.save).toHaveBeenCalledWith('openbis/LAB', {
      type: 'directory'
    });
    expect(contents.files.has('openbis/LAB/PROJ1/Untitled.ipynb')).toBe(false);
  });

  it('gives up without leaving a draft when every name is taken', async () => {
    const names = candidateNames(EXP1).slice(0, 2);
    const contents = fakeContents([
      'openbis',
      'openbis/LAB',
      'openbis/LAB/PROJ1',
      ...names.map(n => `openbis/LAB/PROJ1/${n}`)
    ]);
    await expect(
      createNotebook(contents as any, 'openbis/LAB/PROJ1', names, {})
    ).rejects.toThrow('EXP1-1.ipynb');
    expect(contents.files.has('openbis/LAB/PROJ1/Untitled.ipynb')).toBe(false);
  });

  it('refuses a folder that is a file', async () => {
    const contents = fakeContents(['openbis']);
    contents.get.mockResolvedValueOnce({ path: 'openbis', type: 'file' });
    await expect(
      createNotebook(contents as any, 'openbis/LAB', ['X.ipynb'], {})
    ).rejects.toThrow('openbis');
    expect(contents.newUntitled).not.toHaveBeenCalled();
  });
});

describe('resolving a link', () => {
  function connections(names: string[], active: string | null) {
    return {
      changed: new Signal<unknown, void>({}),
      connections: names.map(name => ({ name }) as IConnection),
      activeName: active,
      active: null,
      instanceOf: (name: string) => name,
      refresh: jest.fn(async () => undefined),
      setActive: jest.fn(async () => undefined)
    } as IBridgeConnections;
  }

  const experimentHit = { ...EXP1, kind: 'experiment' };
  function api(overrides: Partial<IResolveApi> = {}): IResolveApi {
    return {
      search: jest.fn(async () => ({
        query: '',
        results: {
          experiment: { items: [experimentHit] },
          sample: { items: [] }
        }
      })) as any,
      getDataSet: jest.fn(async (_: string, permId: string) => {
        if (permId === P2) {
          throw new ApiError(`no data set '${permId}'`, 404, 'not_found');
        }
        return { permId } as IDataSetDetail;
      }) as any,
      ...overrides
    };
  }
  const parsed = (query: string) => {
    const result = parseDeepLink(query);
    if (result.kind !== 'link') {
      throw new Error(query);
    }
    return result.link;
  };

  it('resolves the entity and the data sets on the active connection', async () => {
    const calls = api();
    const resolver = new DeepLinkResolver(
      connections(['lab', 'other'], 'lab'),
      trans,
      calls
    );
    const answer = await resolver.resolve(
      parsed(`?openbis-entity=/lab/proj1/exp1&openbis-datasets=${P1}`)
    );
    expect(answer).toMatchObject({
      kind: 'resolved',
      link: { connection: 'lab', namedConnection: false, entity: EXP1 }
    });
    expect(calls.search).toHaveBeenCalledWith(
      'lab',
      '/LAB/PROJ1/EXP1',
      ['experiment', 'sample'],
      { limit: 2 }
    );
  });

  it('refuses a connection that is not one of the user’s', async () => {
    const calls = api();
    const resolver = new DeepLinkResolver(
      connections(['lab'], 'lab'),
      trans,
      calls
    );
    const answer = await resolver.resolve(
      parsed('?openbis-entity=/S/P/E&openbis-connection=foreign')
    );
    expect(answer.kind).toBe('refused');
    expect((answer as { message: string }).message).toContain('“foreign”');
    expect(calls.search).not.toHaveBeenCalled();
  });

  it('names the unknown permIds', async () => {
    const resolver = new DeepLinkResolver(
      connections(['lab'], null),
      trans,
      api()
    );
    const answer = await resolver.resolve(
      parsed(`?openbis-entity=/LAB/PROJ1/EXP1&openbis-datasets=${P1},${P2}`)
    );
    expect(answer).toEqual({
      kind: 'refused',
      message: `openBIS (lab) has no data set ${P2}. Nothing was created.`
    });
  });

  it('refuses an unknown entity and an ambiguous identifier', async () => {
    const none = api({
      search: jest.fn(async () => ({ query: '', results: {} })) as any
    });
    const resolver = new DeepLinkResolver(
      connections(['lab'], 'lab'),
      trans,
      none
    );
    expect(
      await resolver.resolve(parsed('?openbis-entity=/LAB/PROJ1/NOPE'))
    ).toEqual({
      kind: 'refused',
      message:
        'openBIS (lab) has no collection or object /LAB/PROJ1/NOPE. Nothing was created.'
    });
    const both = api({
      search: jest.fn(async () => ({
        query: '',
        results: {
          experiment: { items: [experimentHit] },
          sample: { items: [{ ...experimentHit, kind: 'sample' }] }
        }
      })) as any
    });
    const answer = await new DeepLinkResolver(
      connections(['lab'], 'lab'),
      trans,
      both
    ).resolve(parsed('?openbis-entity=/LAB/PROJ1/EXP1'));
    expect((answer as { message: string }).message).toContain('permId');
  });

  it('asks for a connection when several exist and none is active', async () => {
    const resolver = new DeepLinkResolver(
      connections(['a', 'b'], null),
      trans,
      api()
    );
    const answer = await resolver.resolve(parsed('?openbis-entity=/S/P/E'));
    expect(answer.kind).toBe('refused');
    expect((answer as { message: string }).message).toContain('a, b');
  });
});
