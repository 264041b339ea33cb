/**
 * What the notebook's openBIS records (src/metadata.ts) tell the dialogs: the
 * notebook's previous save on an instance, whether a data set's files were
 * downloaded next to it with the checksums openBIS reports, and the openBIS
 * page of a data set. Also the records a save and a download leave in the
 * notebook, and how they get there.
 */
import { getDataSet } from './api';
import {
  IDownloadRecord,
  IRecordedFile,
  IUploadRecord,
  MetadataHolder,
  readOpenbisMetadata,
  recordDownloads,
  recordUpload
} from './metadata';
import { IDataSetFile, IDownloadedDataSet, ISaveResult } from './types';

/** The notebook's latest save to `instance` (an openBIS URL), or null. */
export function previousSave(
  model: MetadataHolder,
  instance: string
): IUploadRecord | null {
  const same = (url: string) =>
    url.replace(/\/+$/, '') === instance.replace(/\/+$/, '');
  const saves = readOpenbisMetadata(model).uploads.filter(
    upload =>
      upload && typeof upload.permId === 'string' && same(upload.instance ?? '')
  );
  return saves.length ? saves[saves.length - 1] : null;
}

/** The notebook's download records of `instance`, by permId. */
export function downloadRecords(
  model: MetadataHolder,
  instance: string
): Map<string, IDownloadRecord> {
  const same = (url: string) =>
    url.replace(/\/+$/, '') === instance.replace(/\/+$/, '');
  return new Map(
    readOpenbisMetadata(model)
      .downloads.filter(d => d && same(d.instance ?? ''))
      .map(d => [d.permId, d])
  );
}

/**
 * Whether the record holds every file openBIS lists for the data set, each
 * with the size and CRC32 openBIS reports (checked when it was downloaded).
 * Recorded paths end with the data-set path, with or without `original/`.
 */
export function checksumsMatch(
  record: IDownloadRecord,
  files: readonly IDataSetFile[]
): boolean {
  const recorded = Array.isArray(record.files) ? record.files : [];
  // Folders carry no checksum.
  const wanted = files.filter(f => f.crc32 !== null);
  if (wanted.length === 0) {
    return false;
  }
  return wanted.every(file => {
    const bare = file.path.replace(/^original\//, '');
    const match = recorded.find(
      r =>
        typeof r.path === 'string' &&
        (r.path === file.path ||
          r.path.endsWith(`/${file.path}`) ||
          r.path === bare ||
          r.path.endsWith(`/${bare}`))
    );
    return match?.crc32 === file.crc32 && match.size === file.size;
  });
}

/** The data set's page in the openBIS ELN (the server's `eln_link` builds the same). */
export function dataSetLink(instanceUrl: string, permId: string): string {
  const base = instanceUrl.replace(/\/+$/, '');
  return `${base}/openbis/webapp/eln-lims/?menuUniqueId=null&viewName=showViewDataSetPageFromPermId&viewData=${encodeURIComponent(permId)}`;
}

/** A save's new data set, as the server's upload job reports it. */
export interface ISavedDataSet {
  /** The openBIS URL of the connection it was saved with. */
  instance: string;
  connection: string;
  result: ISaveResult;
}

/** The notebook's record of a save: the one shape every save is recorded in. */
export function uploadRecord(saved: ISavedDataSet): IUploadRecord {
  const { instance, connection, result } = saved;
  return {
    instance,
    connection,
    permId: result.permId,
    url: result.url,
    type: result.type,
    owner: result.owner.identifier,
    parents: result.parents,
    time: new Date().toISOString()
  };
}

/** What recording needs of an open notebook (a `NotebookPanel`). */
export interface IRecordingNotebook {
  readonly isDisposed: boolean;
  readonly model: MetadataHolder | null;
  readonly context: { save(): Promise<void> };
}

/**
 * Record a save in the open notebook and keep that on disk too: the save
 * flow and a save retried from the transfers view both end here.
 */
export async function recordSaveInNotebook(
  notebook: IRecordingNotebook,
  saved: ISavedDataSet
): Promise<void> {
  if (notebook.isDisposed || !notebook.model) {
    return;
  }
  recordUpload(notebook.model, uploadRecord(saved));
  await notebook.context.save();
}

/**
 * Record downloads in the open notebook and keep that on disk too (a
 * download retried from the transfers view ends here).
 */
export async function recordDownloadsInNotebook(
  notebook: IRecordingNotebook,
  records: IDownloadRecord[],
  notebookPath: string
): Promise<void> {
  if (notebook.isDisposed || !notebook.model) {
    return;
  }
  recordDownloads(notebook.model, records, notebookPath);
  await notebook.context.save();
}

type Checksums = Map<string, { size: number | null; crc32: number | null }>;

/** Size and CRC32 of each file as openBIS reports them, by path without `original/`. */
async function fileChecksums(
  connection: string,
  permId: string
): Promise<Checksums> {
  try {
    const detail = await getDataSet(connection, permId);
    return new Map(
      detail.files.map(f => [
        f.path.replace(/^original\//, ''),
        { size: f.size, crc32: f.crc32 }
      ])
    );
  } catch (error) {
    console.warn('openBIS bridge: no checksums for', permId, error);
    return new Map();
  }
}

/**
 * The notebook's record of a downloaded data set, with each file's size and
 * CRC32 as openBIS reported them: the one shape every download is recorded in
 * (the Download flow and a download retried from the transfers view).
 */
export async function downloadRecord(
  connection: string,
  instance: string,
  entry: IDownloadedDataSet
): Promise<IDownloadRecord> {
  const checksums = await fileChecksums(connection, entry.permId);
  const prefix = `${entry.path}/`;
  const fileRecord = (path: string): IRecordedFile => {
    const relative = path.startsWith(prefix) ? path.slice(prefix.length) : path;
    const known =
      checksums.get(relative) ??
      checksums.get(relative.replace(/^original\//, ''));
    return { path, size: known?.size ?? null, crc32: known?.crc32 ?? null };
  };
  return {
    instance,
    connection,
    permId: entry.permId,
    type: entry.type,
    path: entry.path,
    size: entry.size,
    time: new Date().toISOString(),
    files: entry.files.map(fileRecord)
  };
}
