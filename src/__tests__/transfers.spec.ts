import { Event } from '@jupyterlab/services';
import { nullTranslator } from '@jupyterlab/translation';
import { Stream } from '@lumino/signaling';

import * as api from '../api';
import { JOB_EVENT_SCHEMA, TransfersModel } from '../models/transfers';
import { IJob } from '../types';

jest.mock('../api');

const mocked = api as jest.Mocked<typeof api>;
const trans = nullTranslator.load('test');

function job(patch: Partial<IJob> = {}): IJob {
  return {
    id: 'j1',
    kind: 'download',
    connection: 'lab',
    state: 'running',
    bytesDone: 0,
    bytesTotal: 1000,
    filesDone: 0,
    filesSkipped: 0,
    filesTotal: 2,
    currentFile: null,
    request: { permIds: ['P1', 'P2'], destination: 'data' },
    result: null,
    error: null,
    created: 0,
    finished: null,
    ...patch
  };
}

/** The server's event bus as the model sees it. */
class FakeEvents {
  readonly stream = new Stream<Event.IManager, Event.Emission>(
    this as unknown as Event.IManager
  );
  emitJob(patch: Partial<IJob>): void {
    const { request, result, ...progress } = job(patch);
    void request;
    void result;
    this.stream.emit({
      schema_id: JOB_EVENT_SCHEMA,
      ...progress
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

describe('TransfersModel', () => {
  beforeEach(() => jest.resetAllMocks());

  it('follows a job through pushed progress events, without polling', async () => {
    const events = new FakeEvents();
    mocked.listJobs.mockResolvedValue([job()]);
    mocked.getJob.mockResolvedValue(
      job({ state: 'succeeded', bytesDone: 1000, result: { dataSets: [] } })
    );
    const model = new TransfersModel(trans, { events: events.manager });
    const seen: number[] = [];
    model.changed.connect((_, t) => t && seen.push(t.job.bytesDone));
    const finished = model.follow(job(), { title: 'Downloading' });
    events.emitJob({ bytesDone: 500, filesDone: 1 });
    expect(seen).toEqual([500]);
    expect(model.get('j1')?.job.request).toEqual(job().request);
    // The end: the finished job (with its result) is read once.
    events.emitJob({ state: 'succeeded', bytesDone: 1000 });
    const done = await finished;
    expect(done.state).toBe('succeeded');
    expect(done.result).toEqual({ dataSets: [] });
    expect(mocked.getJob).toHaveBeenCalledTimes(1);
    expect(mocked.getJob).toHaveBeenCalledWith('j1');
    expect(mocked.listJobs).not.toHaveBeenCalled();
    expect(model.running).toHaveLength(0);
    expect(model.transfers[0].title).toBe('Downloading');
    model.dispose();
  });

  it('shows a job it did not start (kernel code) when its first event arrives', async () => {
    const events = new FakeEvents();
    mocked.getJob.mockResolvedValue(
      job({ id: 'kernel', request: { permIds: ['P1'], destination: 'x' } })
    );
    mocked.listJobs.mockResolvedValue([]);
    const model = new TransfersModel(trans, { events: events.manager });
    events.emitJob({ id: 'kernel', bytesDone: 10 });
    events.emitJob({ id: 'kernel', bytesDone: 20 });
    await until(() => model.get('kernel') !== null);
    expect(mocked.getJob).toHaveBeenCalledTimes(1);
    expect(model.get('kernel')?.title).toBe('Downloading 1 data set');
    events.emitJob({ id: 'kernel', bytesDone: 30 });
    expect(model.get('kernel')?.job.bytesDone).toBe(30);
    // Dismissed jobs stay away.
    mocked.getJob.mockResolvedValue(job({ id: 'kernel', state: 'failed' }));
    events.emitJob({ id: 'kernel', state: 'failed' });
    await until(() => model.get('kernel')?.job.state === 'failed');
    model.dismiss('kernel');
    events.emitJob({ id: 'kernel', state: 'failed' });
    await new Promise(resolve => setTimeout(resolve, 20));
    expect(model.get('kernel')).toBeNull();
    model.dispose();
  });

  it('polls the job list where the page has no event bus', async () => {
    mocked.listJobs.mockResolvedValue([
      job({ state: 'succeeded', bytesDone: 1000 })
    ]);
    const model = new TransfersModel(trans);
    const finished = await model.follow(job(), { title: 'Downloading' });
    expect(finished.state).toBe('succeeded');
    expect(mocked.getJob).not.toHaveBeenCalled();
    model.dispose();
  });

  it('says so when the server no longer knows a followed job', async () => {
    mocked.listJobs.mockResolvedValue([]);
    const model = new TransfersModel(trans);
    await expect(model.follow(job(), { title: 'Downloading' })).rejects.toThrow(
      'no longer knows'
    );
    expect(model.get('j1')?.lost).toBe('the server no longer knows this job');
    model.dispose();
  });

  it('retries jobs found in the server list with their kept request body', async () => {
    const saveBody = { notebookPath: 'a.ipynb', type: 'NB', sample: '/S/P/O' };
    mocked.listJobs.mockResolvedValue([
      job({ id: 'old', state: 'failed' }),
      job({
        id: 'save',
        kind: 'upload',
        state: 'failed',
        request: { owner: '/S/P/O', body: saveBody }
      }),
      job({ id: 'new', kind: 'upload', state: 'cancelled', request: {} })
    ]);
    const model = new TransfersModel(trans);
    await model.restore();
    const [upload, save, download] = model.transfers;
    expect(download.title).toBe('Downloading 2 data sets');
    expect(download.canRetry).toBe(true);
    expect(save.title).toBe('Saving to openBIS (/S/P/O)');
    expect(save.canRetry).toBe(true);
    expect(upload.canRetry).toBe(false);

    mocked.startDownload.mockResolvedValue(job({ id: 'again' }));
    mocked.listJobs.mockResolvedValue([
      job({ id: 'again', state: 'succeeded' })
    ]);
    await model.retry('old');
    expect(mocked.startDownload).toHaveBeenCalledWith('lab', {
      permIds: ['P1', 'P2'],
      destination: 'data'
    });
    expect(model.get('old')).toBeNull();
    expect(model.get('again')).not.toBeNull();

    mocked.startSave.mockResolvedValue(
      job({ id: 'saved', kind: 'upload', state: 'succeeded' })
    );
    await model.retry('save');
    expect(mocked.startSave).toHaveBeenCalledWith('lab', saveBody);
    expect(model.get('save')).toBeNull();
    expect(model.get('saved')).not.toBeNull();
    model.dispose();
  });

  it('cancels a running job and dismisses finished ones', async () => {
    const events = new FakeEvents();
    mocked.listJobs.mockResolvedValue([job({ state: 'succeeded' })]);
    const model = new TransfersModel(trans, { events: events.manager });
    await model.restore();
    model.dismiss('j1');
    expect(model.transfers).toHaveLength(0);

    mocked.listJobs.mockResolvedValue([job({ id: 'j2' })]);
    mocked.cancelJob.mockResolvedValue(job({ id: 'j2', state: 'running' }));
    const done = model.follow(job({ id: 'j2' }), { title: 'Downloading' });
    await model.cancel('j2');
    expect(mocked.cancelJob).toHaveBeenCalledWith('j2');
    mocked.getJob.mockResolvedValue(job({ id: 'j2', state: 'cancelled' }));
    events.emitJob({ id: 'j2', state: 'cancelled' });
    expect((await done).state).toBe('cancelled');
    model.dispose();
  });
});
