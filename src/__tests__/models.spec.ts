/**
 * The models behind the dialogs, with the server companion's API mocked.
 */
import { nullTranslator } from '@jupyterlab/translation';

import * as api from '../api';
import { ConnectFormModel, loginRequest } from '../models/connectForm';
import { ConnectionModel } from '../models/connections';
import { DownloadModel } from '../models/download';
import { SaveFormModel } from '../models/saveForm';
import {
  IConnection,
  IDataSet,
  IDataSetType,
  IExperiment,
  IPage
} from '../types';

jest.mock('../api', () => ({
  ...jest.requireActual('../api'),
  createConnection: jest.fn(),
  deleteConnection: jest.fn(),
  getDataSet: jest.fn(),
  listConnections: jest.fn(),
  listDataSets: jest.fn(),
  listExperiments: jest.fn(),
  listProjects: jest.fn(),
  listSamples: jest.fn(),
  listSpaces: jest.fn(),
  login: jest.fn(),
  logout: jest.fn(),
  search: jest.fn(),
  updateConnection: jest.fn()
}));

const mocked = api as jest.Mocked<typeof api>;
const trans = nullTranslator.load('jupyterlab_openbis_bridge');

function connection(
  name: string,
  patch: Partial<IConnection> = {}
): IConnection {
  return {
    name,
    url: `https://${name}.example.org`,
    origin: 'user',
    editable: true,
    username: 'alice',
    verifyCertificates: true,
    caBundle: null,
    status: 'not_logged_in',
    message: null,
    authMethod: null,
    hasPassword: false,
    hasToken: false,
    ...patch
  };
}

function page<T>(items: T[], offset = 0): IPage<T> {
  return { items, totalCount: items.length, offset, limit: 10 };
}

function dataSet(permId: string): IDataSet {
  return { permId, kind: 'dataSet', status: 'AVAILABLE' } as IDataSet;
}

/** Let pending promise callbacks run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) {
    await Promise.resolve();
  }
}

async function modelWith(
  connections: IConnection[],
  active: string | null = null
): Promise<ConnectionModel> {
  mocked.listConnections.mockResolvedValueOnce(connections);
  const model = new ConnectionModel(null);
  await model.refresh(false);
  if (active) {
    await model.setActive(active);
  }
  return model;
}

beforeEach(() => {
  jest.resetAllMocks();
});

describe('ConnectionModel', () => {
  it('creates or updates a profile and keeps the answer', async () => {
    const model = await modelWith([connection('a')]);
    mocked.createConnection.mockResolvedValue(connection('b'));
    await model.saveProfile(null, { name: 'b', url: 'https://b' });
    expect(mocked.createConnection).toHaveBeenCalledWith({
      name: 'b',
      url: 'https://b'
    });
    mocked.updateConnection.mockResolvedValue(
      connection('a', { url: 'https://new.example.org' })
    );
    await model.saveProfile('a', { url: 'https://new.example.org' });
    expect(mocked.updateConnection).toHaveBeenCalledWith('a', {
      url: 'https://new.example.org'
    });
    expect(model.connections.map(c => [c.name, c.url])).toEqual([
      ['a', 'https://new.example.org'],
      ['b', 'https://b.example.org']
    ]);
    expect(model.instanceOf('a')).toBe('https://new.example.org');
    expect(model.instanceOf('unknown')).toBe('unknown');
  });

  it('deletes a profile and forgets it as the active one', async () => {
    const model = await modelWith([connection('a'), connection('b')], 'a');
    mocked.deleteConnection.mockResolvedValue(undefined);
    await model.deleteProfile('a');
    expect(mocked.deleteConnection).toHaveBeenCalledWith('a');
    expect(model.connections.map(c => c.name)).toEqual(['b']);
    expect(model.activeName).toBeNull();
  });

  it('logs in and out with the server answer', async () => {
    const model = await modelWith([connection('a')]);
    mocked.login.mockResolvedValue(connection('a', { status: 'connected' }));
    await model.logIn('a', { username: 'alice', password: 'secret' });
    expect(mocked.login).toHaveBeenCalledWith('a', {
      username: 'alice',
      password: 'secret'
    });
    expect(model.active?.status).toBe('connected');
    mocked.logout.mockResolvedValue(connection('a'));
    await model.logOut('a');
    expect(model.active?.status).toBe('not_logged_in');
  });
});

describe('ConnectFormModel', () => {
  it('builds the login request for each method', () => {
    expect(
      loginRequest({ method: 'password', username: ' bob ', secret: 'pw' })
    ).toEqual({ username: 'bob', password: 'pw' });
    expect(
      loginRequest({ method: 'password', username: ' ', secret: 'pw' })
    ).toEqual({ username: undefined, password: 'pw' });
    expect(
      loginRequest({ method: 'pat', username: 'bob', secret: ' $pat-1 ' })
    ).toEqual({ token: '$pat-1' });
  });

  it('selects a live session without a secret, but asks for one otherwise', async () => {
    const model = await modelWith([
      connection('a', { status: 'connected' }),
      connection('b')
    ]);
    const form = new ConnectFormModel(model, trans);
    expect(form.selected).toBe('a');
    expect(await form.submit()).toBe(true);
    expect(model.activeName).toBe('a');
    form.select('b');
    expect(form.credentials.username).toBe('alice');
    expect(await form.submit()).toBe(false);
    expect(form.fields).toEqual({ password: 'Required to log in.' });
    form.setMethod('pat');
    expect(await form.submit()).toBe(false);
    expect(form.fields).toEqual({ token: 'Required to log in.' });
    expect(mocked.login).not.toHaveBeenCalled();
  });

  it('logs in and makes the connection active', async () => {
    const model = await modelWith([connection('a')]);
    const form = new ConnectFormModel(model, trans);
    mocked.login.mockResolvedValue(connection('a', { status: 'connected' }));
    form.setSecret('secret');
    expect(await form.submit()).toBe(true);
    expect(mocked.login).toHaveBeenCalledWith('a', {
      username: 'alice',
      password: 'secret'
    });
    expect(model.activeName).toBe('a');
    expect(model.active?.status).toBe('connected');
  });

  it('shows a refused login, clears the secret and rereads the states', async () => {
    const model = await modelWith([connection('a')]);
    const form = new ConnectFormModel(model, trans);
    mocked.login.mockRejectedValue(
      new api.ApiError('Wrong password', 401, 'auth_failed', {
        password: 'Wrong password'
      })
    );
    mocked.listConnections.mockResolvedValue([connection('a')]);
    form.setSecret('wrong');
    expect(await form.submit()).toBe(false);
    expect(form.message).toBe('Login refused: Wrong password');
    expect(form.fields).toEqual({ password: 'Wrong password' });
    expect(form.credentials.secret).toBe('');
    expect(form.progress).toBeNull();
    expect(mocked.listConnections).toHaveBeenLastCalledWith(false);
  });

  it('checks the profile form, then saves it and selects the new profile', async () => {
    const model = await modelWith([connection('a')]);
    const form = new ConnectFormModel(model, trans);
    form.openProfile(null);
    form.changeProfile({ url: 'not a url' });
    await form.saveProfile();
    expect(Object.keys(form.profile!.errors).sort()).toEqual(['name', 'url']);
    expect(mocked.createConnection).not.toHaveBeenCalled();
    form.changeProfile({ name: ' b ', url: 'https://b.example.org' });
    mocked.createConnection.mockResolvedValue(connection('b'));
    expect(await form.submit()).toBe(false); // saves the form, stays open
    expect(mocked.createConnection).toHaveBeenCalledWith({
      name: 'b',
      url: 'https://b.example.org',
      username: null,
      verifyCertificates: true,
      caBundle: null
    });
    expect(form.profile).toBeNull();
    expect(form.selected).toBe('b');
  });

  it('keeps the profile form open with the server problem', async () => {
    const model = await modelWith([connection('a')]);
    const form = new ConnectFormModel(model, trans);
    form.openProfile(model.connections[0]);
    mocked.updateConnection.mockRejectedValue(
      new api.ApiError('Bad URL', 400, 'invalid', { url: 'Unreachable' })
    );
    await form.saveProfile();
    expect(form.profile?.errors).toEqual({ url: 'Unreachable' });
    expect(form.profile?.message).toBe('Bad URL');
  });

  it('reselects when the selected profile is removed', async () => {
    const model = await modelWith([connection('a'), connection('b')], 'b');
    const form = new ConnectFormModel(model, trans);
    form.select('a');
    form.askRemove('a');
    expect(form.confirmRemove?.name).toBe('a');
    mocked.deleteConnection.mockResolvedValue(undefined);
    await form.remove(form.confirmRemove!);
    expect(form.confirmRemove).toBeNull();
    expect(form.selected).toBe('b');
    form.dispose();
  });
});

describe('DownloadModel', () => {
  it('browses down to an experiment and lists its data sets', async () => {
    const model = new DownloadModel('demo', trans, 'data');
    mocked.listSpaces.mockResolvedValue(
      page([{ code: 'LAB' } as unknown as never])
    );
    await model.loadSpaces();
    expect(model.browse.spaces).toHaveLength(1);
    mocked.listProjects.mockResolvedValue(page([]));
    model.chooseSpace('LAB');
    await settle();
    expect(mocked.listProjects).toHaveBeenCalledWith('demo', 'LAB', {
      limit: 500
    });
    mocked.listSamples.mockResolvedValue(page([]));
    mocked.listDataSets.mockResolvedValue(page([dataSet('DS-1')]));
    model.chooseExperiment('/LAB/P/E');
    await settle();
    expect(model.source).toEqual({
      kind: 'owner',
      experiment: '/LAB/P/E',
      label: '/LAB/P/E'
    });
    expect(mocked.listDataSets).toHaveBeenCalledWith(
      'demo',
      { experiment: '/LAB/P/E', sample: undefined },
      { offset: 0, limit: 10 }
    );
    expect(model.page.items.map(ds => ds.permId)).toEqual(['DS-1']);
    expect(model.busy).toBe(false);
  });

  it('asks for a query before searching', async () => {
    const model = new DownloadModel('demo', trans, 'data');
    await model.runSearch();
    expect(model.fields).toEqual({ q: 'Type something to search for.' });
    expect(mocked.search).not.toHaveBeenCalled();
  });

  it('searches data sets and owners, and shows failures as the message', async () => {
    const model = new DownloadModel('demo', trans, 'data');
    const hit = { permId: 'E-1', kind: 'experiment', identifier: '/L/P/E1' };
    mocked.search.mockImplementation(async (_name, query, kinds) => ({
      query,
      results: kinds.includes('dataSet')
        ? { dataSet: page([dataSet('DS-2')]) }
        : { experiment: page([hit as IExperiment]) }
    }));
    model.setQuery(' absorbance ');
    await model.runSearch();
    await settle();
    expect(model.source).toEqual({ kind: 'search', query: 'absorbance' });
    expect(model.hits.map(h => h.permId)).toEqual(['E-1']);
    expect(model.page.items.map(ds => ds.permId)).toEqual(['DS-2']);
    mocked.listDataSets.mockRejectedValue(new Error('boom'));
    model.chooseHit(model.hits[0]);
    await settle();
    expect(model.hits).toEqual([]);
    expect(model.message).toBe('boom');
  });

  it('keeps the selection and the destination as the choice', () => {
    const model = new DownloadModel('demo', trans, 'nb/data');
    model.toggle(dataSet('DS-1'), true);
    model.toggle(dataSet('DS-2'), true);
    model.toggle(dataSet('DS-1'), false);
    model.setDestination(' out ');
    model.setOverwrite(true);
    expect(model.choice).toEqual({
      dataSets: [dataSet('DS-2')],
      destination: 'out',
      overwrite: true,
      link: false
    });
  });
});

describe('SaveFormModel', () => {
  const types: IDataSetType[] = [
    { code: 'ANALYSIS_NOTEBOOK', description: null, properties: [] },
    { code: 'RAW', description: null, properties: [] }
  ];

  function saveForm(initialType = 'RAW'): SaveFormModel {
    return new SaveFormModel({
      connection: 'demo',
      trans,
      notebookPath: 'work/analysis.ipynb',
      types,
      initialType,
      remembered: { RAW: { NOTES: 'kept' } },
      initialTarget: null,
      parentCandidates: ['DS-1'],
      environment: null
    });
  }

  it('starts from the remembered type and values', () => {
    const form = saveForm();
    expect(form.type?.code).toBe('RAW');
    expect(form.values).toEqual({ NOTES: 'kept' });
    expect(saveForm('GONE').typeCode).toBe('ANALYSIS_NOTEBOOK');
    expect(form.folder).toBe('work');
    expect([...form.exclude]).toEqual([
      'work/analysis.ipynb',
      'work/requirements.txt',
      'work/runtime.txt'
    ]);
  });

  it('drops a field error once the value changes', () => {
    const form = saveForm();
    form.showProblem('Please correct the marked fields.', {
      'properties.NOTES': 'Required.'
    });
    form.setValue('NOTES', 'new');
    expect(form.errors).toEqual({});
    expect(form.message).toBeNull();
  });

  it('finds targets and sends the chosen form', async () => {
    const form = saveForm();
    mocked.search.mockResolvedValue({
      query: 'EXP2',
      results: {
        experiment: page([
          { permId: 'E-2', kind: 'experiment', identifier: '/L/P/EXP2' }
        ] as IExperiment[])
      }
    });
    form.setTargetQuery(' EXP2 ');
    await form.searchTargets();
    expect(mocked.search).toHaveBeenCalledWith(
      'demo',
      'EXP2',
      ['experiment', 'sample'],
      { limit: 10 }
    );
    expect(form.searched).toBe(true);
    form.chooseTarget({ kind: 'experiment', identifier: '/L/P/EXP2' });
    form.toggleParent('DS-1', false);
    form.toggleFile('work/results.csv', true);
    expect(form.form).toEqual({
      type: 'RAW',
      values: { NOTES: 'kept' },
      target: { kind: 'experiment', identifier: '/L/P/EXP2' },
      parents: [],
      files: ['work/results.csv'],
      includeEnvironment: false,
      previous: null,
      saveAs: null,
      captureMode: 'imported',
      environment: null
    });
  });
});
