/**
 * The user settings are read live: a change in the Settings Editor reaches
 * the code that uses them without a reload.
 */
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { Signal } from '@lumino/signaling';

import * as api from '../api';
import { defaultDestination } from '../flows/download';
import { checkMessage, checkServer, normalizeVersion } from '../handshake';
import { ConnectionModel } from '../models/connections';
import { BridgeSettings, DEFAULT_SETTINGS, parseSettings } from '../settings';
import { IConnection } from '../types';
import { nullTranslator } from '@jupyterlab/translation';

jest.mock('../api', () => ({
  ...jest.requireActual('../api'),
  getStatus: jest.fn(),
  listConnections: jest.fn()
}));

const mocked = api as jest.Mocked<typeof api>;
const trans = nullTranslator.load('jupyterlab_openbis_bridge');

/** A stand-in for the registry's settings object of our plugin. */
class FakeSettings {
  constructor(public composite: Record<string, unknown>) {}
  changed = new Signal<FakeSettings, void>(this);
  set(values: Record<string, unknown>): void {
    this.composite = { ...this.composite, ...values };
    this.changed.emit();
  }
}

function follow(values: Record<string, unknown>) {
  const fake = new FakeSettings(values);
  const settings = new BridgeSettings();
  settings.follow(fake as unknown as ISettingRegistry.ISettings);
  return { fake, settings };
}

function connection(name: string): IConnection {
  return { name, url: `https://${name}`, status: 'connected' } as IConnection;
}

describe('BridgeSettings', () => {
  it('starts with the defaults and checks hand-edited values', () => {
    expect(new BridgeSettings().values).toEqual(DEFAULT_SETTINGS);
    expect(
      parseSettings({
        pageSize: 9999,
        downloadFolder: '/../raw//data/',
        includeEnvironment: 'yes',
        defaultConnection: ' lab ',
        statusRefreshSeconds: -3,
        keepPartialDownloads: 'yes',
        environmentCapture: 'everything',
        environmentDriftNotice: 'no'
      })
    ).toEqual({
      pageSize: 500,
      downloadFolder: 'raw/data',
      includeEnvironment: true,
      environmentCapture: 'imported',
      defaultConnection: 'lab',
      statusRefreshSeconds: 0,
      keepPartialDownloads: false,
      environmentDriftNotice: true
    });
    expect(
      parseSettings({ environmentDriftNotice: false }).environmentDriftNotice
    ).toBe(false);
  });

  it('takes either capture mode', () => {
    expect(
      parseSettings({ environmentCapture: 'full' }).environmentCapture
    ).toBe('full');
    expect(DEFAULT_SETTINGS.environmentCapture).toBe('imported');
  });

  it('follows changes made in the Settings Editor', () => {
    const { fake, settings } = follow({ pageSize: 5 });
    expect(settings.values.pageSize).toBe(5);
    const seen: number[] = [];
    settings.changed.connect((_, values) => seen.push(values.pageSize));
    fake.set({ pageSize: 7, downloadFolder: 'inputs' });
    expect(settings.values.pageSize).toBe(7);
    expect(settings.values.downloadFolder).toBe('inputs');
    expect(seen).toEqual([7]);
  });

  it('gives downloads the folder of the moment, beside the notebook or the browser folder', () => {
    const { fake, settings } = follow({});
    const deps = {
      app: {
        serviceManager: {
          contents: { localPath: (p: string) => p.replace(/^RTC:/, '') }
        }
      },
      fileBrowser: { model: { path: 'RTC:work' } },
      settings
    } as any;
    expect(defaultDestination(deps, null)).toBe('work/data');
    fake.set({ downloadFolder: 'inputs/raw' });
    expect(defaultDestination(deps, null)).toBe('work/inputs/raw');
    fake.set({ downloadFolder: '' });
    expect(defaultDestination(deps, null)).toBe('work');
  });

  it('makes the default connection active when none was chosen', async () => {
    const { fake, settings } = follow({ defaultConnection: 'b' });
    mocked.listConnections.mockResolvedValue([
      connection('a'),
      connection('b')
    ]);
    const model = new ConnectionModel(null, settings);
    await model.restore();
    expect(model.activeName).toBe('b');

    fake.set({ defaultConnection: 'a' });
    const other = new ConnectionModel(null, settings);
    await other.restore();
    expect(other.activeName).toBe('a');
    model.dispose();
    other.dispose();
  });

  it('changes the status poll interval at once', async () => {
    const { fake, settings } = follow({ statusRefreshSeconds: 30 });
    mocked.listConnections.mockResolvedValue([]);
    const model = new ConnectionModel(null, settings);
    model.startPolling();
    const poll = (model as any)._poll;
    expect(poll.frequency.interval).toBe(30000);
    expect(poll.frequency.backoff).toBe(true);
    fake.set({ statusRefreshSeconds: 120 });
    expect(poll.frequency.interval).toBe(120000);
    model.dispose();
    expect(poll.isDisposed).toBe(true);
  });
});

describe('handshake', () => {
  beforeEach(() => jest.resetAllMocks());

  it('compares normalized versions', () => {
    expect(normalizeVersion('0.2.0-alpha.1')).toBe(normalizeVersion('0.2.0a1'));
    expect(normalizeVersion('v1.0.0')).toBe('1.0.0');
  });

  it('reports a missing server extension with the fix', async () => {
    mocked.getStatus.mockRejectedValueOnce(new api.ApiError('Not Found', 404));
    const check = await checkServer('0.1.0');
    expect(check.kind).toBe('missing');
    expect(checkMessage(check, trans)).toContain(
      'jupyter server extension enable jupyterlab_openbis_bridge'
    );
  });

  it('reports a version mismatch with the pip command', async () => {
    mocked.getStatus.mockResolvedValueOnce({
      version: '0.0.9',
      pybis_version: null,
      connections: []
    });
    const check = await checkServer('0.1.0');
    expect(check).toEqual({
      kind: 'mismatch',
      server: '0.0.9',
      frontend: '0.1.0'
    });
    expect(checkMessage(check, trans)).toContain(
      'pip install jupyterlab-openbis-bridge==0.1.0'
    );
  });

  it('accepts the same version and a development server', async () => {
    mocked.getStatus.mockResolvedValue({
      version: '0.1.0',
      pybis_version: null,
      connections: []
    });
    expect((await checkServer('0.1.0')).kind).toBe('ok');
    mocked.getStatus.mockResolvedValue({
      version: 'dev',
      pybis_version: null,
      connections: []
    });
    expect((await checkServer('0.1.0')).kind).toBe('ok');
  });
});
