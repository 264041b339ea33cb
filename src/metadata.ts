/**
 * Provenance in the notebook's metadata.
 *
 * `metadata.openbis` is ours: downloads (instance, permId, path, files with
 * checksums, time) and saved data sets. `metadata.datasets[permId]` repeats
 * each download in the shape the earlier openBIS extensions wrote, so their
 * notebooks and ours read the same way.
 */
import { INotebookModel } from '@jupyterlab/notebook';
import { PartialJSONObject } from '@lumino/coreutils';

export interface IRecordedFile {
  path: string;
  size: number | null;
  crc32: number | null;
}

export interface IDownloadRecord {
  instance: string;
  connection: string;
  permId: string;
  type: string | null;
  /** Folder (relative to the Jupyter root) holding the files. */
  path: string;
  files: IRecordedFile[];
  size: number;
  time: string;
}

export interface IUploadRecord {
  instance: string;
  connection: string;
  permId: string;
  url: string;
  type: string;
  owner: string;
  parents: string[];
  time: string;
}

export interface IOpenbisMetadata {
  downloads: IDownloadRecord[];
  uploads: IUploadRecord[];
}

export type MetadataHolder = Pick<
  INotebookModel,
  'getMetadata' | 'setMetadata'
>;

export function readOpenbisMetadata(model: MetadataHolder): IOpenbisMetadata {
  const raw = model.getMetadata('openbis') as
    Partial<IOpenbisMetadata> | undefined;
  return {
    downloads: Array.isArray(raw?.downloads) ? raw!.downloads : [],
    uploads: Array.isArray(raw?.uploads) ? raw!.uploads : []
  };
}

/** Add downloads; a data set downloaded again replaces its earlier record. */
export function recordDownloads(
  model: MetadataHolder,
  records: IDownloadRecord[]
): void {
  const current = readOpenbisMetadata(model);
  const replaced = new Set(records.map(r => r.permId));
  const downloads = [
    ...current.downloads.filter(d => !replaced.has(d.permId)),
    ...records
  ];
  model.setMetadata('openbis', {
    ...current,
    downloads
  } as unknown as PartialJSONObject);

  const legacy = {
    ...((model.getMetadata('datasets') as
      Record<string, unknown> | undefined) ?? {})
  };
  for (const record of records) {
    legacy[record.permId] = {
      permId: record.permId,
      path: record.path,
      url: record.instance,
      size: record.size,
      files: record.files.map(f => f.path),
      status: 'downloaded'
    };
  }
  model.setMetadata('datasets', legacy as PartialJSONObject);
}

export function recordUpload(
  model: MetadataHolder,
  record: IUploadRecord
): void {
  const current = readOpenbisMetadata(model);
  model.setMetadata('openbis', {
    ...current,
    uploads: [...current.uploads, record]
  } as unknown as PartialJSONObject);
}

/** permIds of data sets this notebook downloaded (from both metadata keys), newest last. */
export function downloadedPermIds(model: MetadataHolder): string[] {
  const ours = readOpenbisMetadata(model).downloads.map(d => d.permId);
  const legacy = Object.keys(
    (model.getMetadata('datasets') as Record<string, unknown> | undefined) ?? {}
  );
  return Array.from(new Set([...legacy, ...ours]));
}
