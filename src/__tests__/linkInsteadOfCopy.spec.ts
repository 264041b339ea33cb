/**
 * Link instead of copy: the Download dialog's model and body offer it only
 * with a mounted data store, the links are made one by one (stopping at the
 * first failure), and a download through the bridge links when asked (API
 * mocked).
 */
import { Notification } from '@jupyterlab/apputils';
import { nullTranslator } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';

import * as api from '../api';
import { ApiError } from '../api';
import { ICommandDeps } from '../deps';
import { DownloadBody } from '../dialogs/DownloadDialog';
import { downloadDataSets } from '../flows/download';
import { isMounted, linkDataSets } from '../linkInsteadOfCopy';
import { DownloadModel } from '../models/download';
import { IConnection } from '../types';
import { dataSet } from './fakeApi';

jest.mock('../api', () =>
  jest.requireActual('./fakeApi').fakeApi('linkDataSet', 'startDownload')
);

const mocked = api as jest.Mocked<typeof api>;
const trans = nullTranslator.load('jupyterlab_openbis_bridge');

/** What the server answers for a link of `permId` in `destination`. */
function linkAnswer(permId: string, destination: string): api.ILinkResult {
  return {
    path: `${destination}/${permId}`,
    target: `openbis-mounts/demo/LAB/P/E/${permId}`,
    record: { permId, type: 'RAW_DATA', size: 42, linked: true, files: [] }
  };
}

beforeEach(() => {
  jest.resetAllMocks();
  mocked.linkDataSet.mockImplementation(async (_name, request) =>
    linkAnswer(request.permId, request.destination ?? '')
  );
});

describe('isMounted', () => {
  it('is true only when the server reports the mount', () => {
    const conn = { name: 'demo' } as IConnection;
    expect(isMounted(conn)).toBe(false);
    expect(isMounted({ ...conn, mounted: false, mountPath: null })).toBe(false);
    expect(isMounted({ ...conn, mounted: true, mountPath: 'm' })).toBe(true);
    expect(isMounted(null)).toBe(false);
  });
});

describe('DownloadModel link choice', () => {
  it('never links without a mount, and links when offered and checked', () => {
    const model = new DownloadModel('demo', trans, 'work/data');
    model.toggle(dataSet('DS-1'), true);
    expect(model.canLink).toBe(false);
    model.setLink(true);
    expect(model.link).toBe(false);
    expect(model.choice.link).toBe(false);

    model.setCanLink(true);
    expect(model.choice).toEqual(
      expect.objectContaining({ link: true, destination: 'work/data' })
    );
    model.setLink(false);
    expect(model.choice.link).toBe(false);
    model.setLink(true);
    model.setCanLink(false); // unmounted while the dialog was open
    expect(model.choice.link).toBe(false);
  });
});

describe('DownloadBody', () => {
  afterEach(() => {
    document.body.innerHTML = '';
  });

  /** Wait (a bounded number of turns) until `found` gives something. */
  async function until<T>(found: () => T | null): Promise<T | null> {
    for (let i = 0; i < 50 && !found(); i++) {
      await new Promise(resolve => setTimeout(resolve, 0));
    }
    return found();
  }

  async function rendered(model: DownloadModel): Promise<HTMLElement> {
    const body = new DownloadBody(model, trans);
    Widget.attach(body, document.body);
    body.update();
    await until(() => body.node.querySelector('input'));
    return body.node;
  }

  function checkbox(root: HTMLElement, label: string): HTMLInputElement | null {
    const found = Array.from(root.querySelectorAll('label')).find(
      l => l.textContent === label
    );
    return found
      ? (root.querySelector(`#${found.htmlFor}`) as HTMLInputElement)
      : null;
  }

  it('shows the checkbox only with a mount; checked, it turns the download into a link', async () => {
    const model = new DownloadModel('demo', trans, 'work/data');
    const root = await rendered(model);
    expect(checkbox(root, 'Link instead of copy')).toBeNull();

    model.setCanLink(true);
    const box = (await until(() => checkbox(root, 'Link instead of copy')))!;
    expect(box.checked).toBe(false);
    box.click();
    expect(model.choice.link).toBe(true);
    await until(() =>
      root.textContent!.includes('Link in folder') ? 1 : null
    );
    expect(root.textContent).toContain('Link in folder');
    // Replacing files means nothing for a link.
    expect(
      checkbox(root, 'Replace files that differ from openBIS')!.disabled
    ).toBe(true);
  });
});

describe('linkDataSets', () => {
  it('links each data set in the destination for the notebook', async () => {
    const outcome = await linkDataSets(
      'demo',
      ['DS-1', 'DS-2'],
      'work/data',
      'work/a.ipynb'
    );
    expect(mocked.linkDataSet.mock.calls).toEqual([
      [
        'demo',
        {
          permId: 'DS-1',
          destination: 'work/data',
          notebookPath: 'work/a.ipynb'
        }
      ],
      [
        'demo',
        {
          permId: 'DS-2',
          destination: 'work/data',
          notebookPath: 'work/a.ipynb'
        }
      ]
    ]);
    expect(outcome).toEqual({
      failed: null,
      linked: [
        {
          permId: 'DS-1',
          path: 'work/data/DS-1',
          type: 'RAW_DATA',
          size: 42,
          files: []
        },
        {
          permId: 'DS-2',
          path: 'work/data/DS-2',
          type: 'RAW_DATA',
          size: 42,
          files: []
        }
      ]
    });
  });

  it('stops at the first failure and keeps what was linked before it', async () => {
    const refused = new ApiError(
      'data set DS-2 is not in the mounted data store',
      409
    );
    mocked.linkDataSet
      .mockImplementationOnce(async (_n, r) => linkAnswer(r.permId, 'd'))
      .mockRejectedValueOnce(refused);
    const outcome = await linkDataSets('demo', ['DS-1', 'DS-2', 'DS-3'], 'd');
    expect(outcome.linked.map(l => l.permId)).toEqual(['DS-1']);
    expect(outcome.failed).toEqual({ permId: 'DS-2', error: refused });
    expect(mocked.linkDataSet).toHaveBeenCalledTimes(2);
  });
});

describe('downloadDataSets with link', () => {
  function deps(): ICommandDeps {
    return {
      trans,
      tracker: { currentWidget: null },
      fileBrowser: null,
      model: { connections: [], instanceOf: (n: string) => n },
      settings: {
        values: { downloadFolder: 'data', keepPartialDownloads: false }
      }
    } as unknown as ICommandDeps;
  }

  it('links instead of starting a download job, and says nothing was copied', async () => {
    const result = await downloadDataSets(deps(), ['DS-1'], {
      connection: 'demo',
      notebook: null,
      destination: 'work/data',
      link: true
    });
    expect(mocked.startDownload).not.toHaveBeenCalled();
    expect(mocked.linkDataSet).toHaveBeenCalledWith('demo', {
      permId: 'DS-1',
      destination: 'work/data',
      notebookPath: undefined
    });
    expect(result).toEqual({
      dataSets: [
        {
          permId: 'DS-1',
          path: 'work/data/DS-1',
          type: 'RAW_DATA',
          size: 42,
          files: []
        }
      ]
    });
    expect(Notification.manager.notifications[0].message).toBe(
      'Linked 1 data set in work/data to the mounted data store (nothing copied)'
    );
  });

  it('tells which data set could not be linked, and answers null', async () => {
    mocked.linkDataSet.mockRejectedValueOnce(
      new ApiError('the data store of "demo" is not mounted', 409)
    );
    const result = await downloadDataSets(deps(), ['DS-9'], {
      connection: 'demo',
      notebook: null,
      destination: 'work/data',
      link: true
    });
    expect(result).toBeNull();
    expect(Notification.manager.notifications[0].message).toContain(
      'Could not link DS-9'
    );
  });
});
