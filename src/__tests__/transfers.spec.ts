import { nullTranslator } from '@jupyterlab/translation';

import * as api from '../api';
import { TransfersModel } from '../models/transfers';
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

describe('TransfersModel', () => {
  beforeEach(() => jest.resetAllMocks());

  it('follows a job until it ends, emitting its progress', async () => {
    mocked.getJob
      .mockResolvedValueOnce(job({ bytesDone: 500, filesDone: 1 }))
      .mockResolvedValueOnce(job({ state: 'succeeded', bytesDone: 1000 }));
    const model = new TransfersModel(trans);
    const seen: number[] = [];
    model.changed.connect((_, t) => t && seen.push(t.job.bytesDone));
    const finished = await model.follow(job(), { title: 'Downloading' });
    expect(finished.state).toBe('succeeded');
    expect(seen).toEqual([500, 1000]);
    expect(model.running).toHaveLength(0);
    expect(model.transfers[0].title).toBe('Downloading');
  });

  it('finds running jobs again from the server list, with a title and retry', async () => {
    mocked.listJobs.mockResolvedValue([
      job({ id: 'old', state: 'failed' }),
      job({ id: 'new', kind: 'upload', state: 'cancelled', request: {} })
    ]);
    const model = new TransfersModel(trans);
    await model.restore();
    const [upload, download] = model.transfers;
    expect(download.title).toBe('Downloading 2 data sets');
    expect(download.canRetry).toBe(true);
    expect(upload.canRetry).toBe(false);

    mocked.startDownload.mockResolvedValue(job({ id: 'again' }));
    mocked.getJob.mockResolvedValue(job({ id: 'again', state: 'succeeded' }));
    await model.retry('old');
    expect(mocked.startDownload).toHaveBeenCalledWith('lab', {
      permIds: ['P1', 'P2'],
      destination: 'data'
    });
    expect(model.get('old')).toBeNull();
    expect(model.get('again')).not.toBeNull();
  });

  it('cancels a running job and dismisses finished ones', async () => {
    mocked.listJobs.mockResolvedValue([job({ state: 'succeeded' })]);
    const model = new TransfersModel(trans);
    await model.restore();
    model.dismiss('j1');
    expect(model.transfers).toHaveLength(0);

    let release: (j: IJob) => void = () => undefined;
    mocked.getJob.mockImplementation(
      () => new Promise<IJob>(resolve => (release = resolve))
    );
    mocked.cancelJob.mockResolvedValue(job({ state: 'running' }));
    const done = model.follow(job(), { title: 'Downloading' });
    await model.cancel('j1');
    expect(mocked.cancelJob).toHaveBeenCalledWith('j1');
    release(job({ state: 'cancelled' }));
    expect((await done).state).toBe('cancelled');
    model.dispose();
  });
});
