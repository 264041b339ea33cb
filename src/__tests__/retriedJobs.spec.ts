/**
 * A save or download retried from the transfers view (a job found in the
 * server's list, e.g. after a page reload) is recorded in its notebook with
 * the same records the flows write (records.ts `recordSaveInNotebook`,
 * `downloadRecord`).
 */
import { Event } from '@jupyterlab/services';
import { nullTranslator } from '@jupyterlab/translation';
import { Stream } from '@lumino/signaling';

import * as api from '../api';
import {
  IDownloadRecord,
  IUploadRecord,
  readOpenbisMetadata,
  recordDownloads
} from '../metadata';
import {
  IRetriedJob,
  JOB_EVENT_SCHEMA,
  TransfersModel
} from '../models/transfers';
import { downloadRecord, recordSaveInNotebook } from '../records';
import { retriedJobRecorder } from '../retriedJobs';
import { IDataSetDetail, IDownloadResult, IJob, ISaveResult } from '../types';

jest.mock('../api');

const mocked = api as jest.Mocked<typeof api>;
const trans = nullTranslator.load('test');

const BODY = { notebookPath: 'work/a.ipynb', type: 'NB', sample: '/S/P/O' };

const RESULT: ISaveResult = {
  permId: '20260101000000000-7',
  url: 'https://openbis.example/ds/7',
  type: 'NB',
  owner: { kind: 'sample', identifier: '/S/P/O' },
  parents: ['20250101000000000-1'],
  files: ['a.ipynb']
};

function upload(patch: Partial<IJob> = {}): IJob {
  return {
    id: 'failed',
    kind: 'upload',
    connection: 'lab',
    state: 'failed',
    bytesDone: 0,
    bytesTotal: 10,
    filesDone: 0,
    filesSkipped: 0,
    filesTotal: 1,
    currentFile: null,
    request: { owner: '/S/P/O', body: BODY },
    result: null,
    error: { message: 'disk full', reason: 'openbis_error' },
    created: 0,
    finished: 1,
    ...patch
  };
}

class FakeEvents {
  readonly stream = new Stream<Event.IManager, Event.Emission>(
    this as unknown as Event.IManager
  );
  emit(id: string, state: string): void {
    this.stream.emit({
      schema_id: JOB_EVENT_SCHEMA,
      id,
      state
    } as unknown as Event.Emission);
  }
  get manager(): Event.IManager {
    return this as unknown as Event.IManager;
  }
}

/** Resolves once `check` holds (the model reacts to events asynchronously). */
async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) {
    await new Promise(resolve => setTimeout(resolve, 5));
  }
  expect(check()).toBe(true);
}

/** An open notebook as recording sees it: metadata and a save that counts. */
function openNotebook() {
  const notebook: any = {
    isDisposed: false,
    saves: 0,
    metadata: {} as Record<string, unknown>
  };
  notebook.model = {
    getMetadata: (key: string) => notebook.metadata[key],
    setMetadata: (key: string, value: unknown) => {
      notebook.metadata[key] = value;
    }
  };
  notebook.context = {
    save: async () => {
      notebook.saves++;
    }
  };
  return notebook;
}

describe('a save retried from the job list', () => {
  beforeEach(() => jest.resetAllMocks());

  async function retryFailedSave(
    finished: IJob
  ): Promise<{ recorded: IRetriedJob[]; model: TransfersModel }> {
    const events = new FakeEvents();
    mocked.listJobs.mockResolvedValue([upload()]);
    const model = new TransfersModel(trans, { events: events.manager });
    const recorded: IRetriedJob[] = [];
    model.setJobRecorder(async job => {
      recorded.push(job);
    });
    await model.restore();
    mocked.startSave.mockResolvedValue(
      upload({ id: 'again', state: 'running', error: null, finished: null })
    );
    mocked.getJob.mockResolvedValue(finished);
    await model.retry('failed');
    expect(mocked.startSave).toHaveBeenCalledWith('lab', BODY);
    events.emit('again', finished.state);
    await until(() => model.get('again')?.job.state === finished.state);
    return { recorded, model };
  }

  it('hands the new data set to the recorder once it succeeded', async () => {
    const { recorded, model } = await retryFailedSave(
      upload({ id: 'again', state: 'succeeded', result: RESULT, error: null })
    );
    await until(() => recorded.length === 1);
    expect(recorded).toEqual([
      {
        kind: 'upload',
        connection: 'lab',
        notebookPath: 'work/a.ipynb',
        result: RESULT
      }
    ]);
    model.dispose();
  });

  it('records nothing when the retried save fails again', async () => {
    const { recorded, model } = await retryFailedSave(upload({ id: 'again' }));
    expect(recorded).toEqual([]);
    model.dispose();
  });
});

describe('retriedJobRecorder, for a save', () => {
  const contents = {
    get: jest.fn(),
    save: jest.fn()
  };

  beforeEach(() => {
    contents.get.mockReset();
    contents.save.mockReset();
  });

  function recorder(open: any) {
    return retriedJobRecorder({
      contents: contents as any,
      instanceOf: name => `https://openbis.example/${name}`,
      openNotebook: path => (path === 'work/a.ipynb' ? open : null)
    });
  }

  it('records in the open notebook exactly what the save flow records', async () => {
    const viaFlow = openNotebook();
    await recordSaveInNotebook(viaFlow, {
      instance: 'https://openbis.example/lab',
      connection: 'lab',
      result: RESULT
    });
    const viaRetry = openNotebook();
    await recorder(viaRetry)({
      kind: 'upload',
      connection: 'lab',
      notebookPath: 'work/a.ipynb',
      result: RESULT
    });
    const uploads = (n: any): IUploadRecord[] =>
      readOpenbisMetadata(n.model).uploads.map(u => ({ ...u, time: 'T' }));
    expect(uploads(viaRetry)).toEqual(uploads(viaFlow));
    expect(uploads(viaRetry)).toEqual([
      {
        instance: 'https://openbis.example/lab',
        connection: 'lab',
        permId: RESULT.permId,
        url: RESULT.url,
        type: 'NB',
        owner: '/S/P/O',
        parents: RESULT.parents,
        time: 'T'
      }
    ]);
    expect(viaRetry.saves).toBe(1);
    expect(contents.get).not.toHaveBeenCalled();
  });

  it('writes the same record into a notebook no editor has open', async () => {
    const earlier = { permId: '1-1', parents: [] };
    contents.get.mockResolvedValue({
      type: 'notebook',
      content: {
        cells: [],
        nbformat: 4,
        metadata: {
          kernelspec: { name: 'python3' },
          openbis: { uploads: [earlier] }
        }
      }
    });
    await recorder(null)({
      kind: 'upload',
      connection: 'lab',
      notebookPath: 'work/a.ipynb',
      result: RESULT
    });
    expect(contents.get).toHaveBeenCalledWith('work/a.ipynb', {
      content: true
    });
    const [path, saved] = contents.save.mock.calls[0];
    expect(path).toBe('work/a.ipynb');
    expect(saved.content.cells).toEqual([]);
    expect(saved.content.metadata.kernelspec).toEqual({ name: 'python3' });
    const uploads = saved.content.metadata.openbis.uploads;
    expect(uploads).toHaveLength(2);
    expect(uploads[0]).toEqual(earlier);
    expect(uploads[1]).toMatchObject({
      instance: 'https://openbis.example/lab',
      permId: RESULT.permId,
      owner: '/S/P/O'
    });
  });
});

const DOWNLOAD_BODY = {
  permIds: ['20260101000000000-3'],
  destination: 'work/data',
  notebookPath: 'work/a.ipynb',
  keepPartial: false
};

const DOWNLOADED: IDownloadResult = {
  dataSets: [
    {
      permId: '20260101000000000-3',
      type: 'RAW',
      path: 'work/data/20260101000000000-3',
      files: ['work/data/20260101000000000-3/original/plate.csv'],
      size: 12
    }
  ]
};

function download(patch: Partial<IJob> = {}): IJob {
  return upload({
    kind: 'download',
    request: { permIds: DOWNLOAD_BODY.permIds, body: DOWNLOAD_BODY },
    ...patch
  });
}

/** What openBIS lists for the data set: the checksums a record keeps. */
function dataSetDetail(): IDataSetDetail {
  return {
    files: [
      {
        path: 'original/plate.csv',
        size: 12,
        crc32: 1234,
        checksum: null,
        checksumType: null
      }
    ]
  } as unknown as IDataSetDetail;
}

describe('a download retried from the job list', () => {
  beforeEach(() => jest.resetAllMocks());

  async function retryFailedDownload(
    failed: IJob,
    finished: IJob
  ): Promise<{ recorded: IRetriedJob[]; model: TransfersModel }> {
    const events = new FakeEvents();
    mocked.listJobs.mockResolvedValue([failed]);
    const model = new TransfersModel(trans, { events: events.manager });
    const recorded: IRetriedJob[] = [];
    model.setJobRecorder(async job => {
      recorded.push(job);
    });
    await model.restore();
    mocked.startDownload.mockResolvedValue(
      download({ id: 'again', state: 'running', error: null, finished: null })
    );
    mocked.getJob.mockResolvedValue(finished);
    await model.retry('failed');
    events.emit('again', finished.state);
    await until(() => model.get('again')?.job.state === finished.state);
    return { recorded, model };
  }

  it('hands the downloaded data sets and their notebook to the recorder', async () => {
    const { recorded, model } = await retryFailedDownload(
      download(),
      download({
        id: 'again',
        state: 'succeeded',
        result: DOWNLOADED,
        error: null
      })
    );
    expect(mocked.startDownload).toHaveBeenCalledWith('lab', DOWNLOAD_BODY);
    expect(recorded).toEqual([
      {
        kind: 'download',
        connection: 'lab',
        notebookPath: 'work/a.ipynb',
        result: DOWNLOADED
      }
    ]);
    model.dispose();
  });

  it('records nothing for a download that names no notebook', async () => {
    const withoutNotebook: Record<string, unknown> = { ...DOWNLOAD_BODY };
    delete withoutNotebook.notebookPath;
    const { recorded, model } = await retryFailedDownload(
      download({ request: { body: withoutNotebook } }),
      download({
        id: 'again',
        state: 'succeeded',
        result: DOWNLOADED,
        error: null,
        request: { body: withoutNotebook }
      })
    );
    expect(mocked.startDownload).toHaveBeenCalledWith('lab', withoutNotebook);
    // The job's end is handed to the recorder in the same turn it is seen
    // (the test above finds its record at this point).
    expect(recorded).toEqual([]);
    model.dispose();
  });
});

describe('retriedJobRecorder, for a download', () => {
  const contents = {
    get: jest.fn(),
    save: jest.fn()
  };

  beforeEach(() => {
    jest.resetAllMocks();
    mocked.getDataSet.mockResolvedValue(dataSetDetail());
  });

  function recorder(open: any) {
    return retriedJobRecorder({
      contents: contents as any,
      instanceOf: name => `https://openbis.example/${name}`,
      openNotebook: path => (path === 'work/a.ipynb' ? open : null)
    });
  }

  const retried: IRetriedJob = {
    kind: 'download',
    connection: 'lab',
    notebookPath: 'work/a.ipynb',
    result: DOWNLOADED
  };

  const untimed = (downloads: IDownloadRecord[]) =>
    downloads.map(d => ({ ...d, time: 'T' }));

  it('records in the open notebook exactly what the Download flow records', async () => {
    // The Download flow: `downloadRecord`, then `recordDownloads` with the notebook's path.
    const viaFlow = openNotebook();
    const records = await Promise.all(
      DOWNLOADED.dataSets.map(entry =>
        downloadRecord('lab', 'https://openbis.example/lab', entry)
      )
    );
    recordDownloads(viaFlow.model, records, 'work/a.ipynb');
    const viaRetry = openNotebook();
    await recorder(viaRetry)(retried);
    const downloads = (n: any) =>
      untimed(readOpenbisMetadata(n.model).downloads);
    expect(downloads(viaRetry)).toEqual(downloads(viaFlow));
    expect(downloads(viaRetry)).toEqual([
      {
        instance: 'https://openbis.example/lab',
        connection: 'lab',
        permId: '20260101000000000-3',
        type: 'RAW',
        path: 'data/20260101000000000-3',
        pathBase: 'notebook',
        size: 12,
        time: 'T',
        files: [
          {
            path: 'data/20260101000000000-3/original/plate.csv',
            size: 12,
            crc32: 1234
          }
        ]
      }
    ]);
    expect(viaRetry.saves).toBe(1);
    expect(contents.get).not.toHaveBeenCalled();
  });

  it('writes the same records into a notebook no editor has open', async () => {
    const other = {
      instance: 'https://openbis.example/lab',
      permId: '1-1',
      path: 'old',
      pathBase: 'notebook',
      files: []
    };
    const replaced = { ...other, permId: '20260101000000000-3' };
    contents.get.mockResolvedValue({
      type: 'notebook',
      content: {
        cells: [],
        nbformat: 4,
        metadata: {
          kernelspec: { name: 'python3' },
          openbis: { downloads: [other, replaced], uploads: [] }
        }
      }
    });
    const open = openNotebook();
    await recorder(open)(retried);
    await recorder(null)(retried);
    expect(contents.get).toHaveBeenCalledWith('work/a.ipynb', {
      content: true
    });
    const [path, saved] = contents.save.mock.calls[0];
    expect(path).toBe('work/a.ipynb');
    expect(saved.content.cells).toEqual([]);
    expect(saved.content.metadata.kernelspec).toEqual({ name: 'python3' });
    // Downloaded again: its earlier record is replaced, the other one kept.
    const downloads = saved.content.metadata.openbis.downloads;
    expect(downloads[0]).toEqual(other);
    expect(untimed(downloads.slice(1))).toEqual(
      untimed(readOpenbisMetadata(open.model).downloads)
    );
  });
});
