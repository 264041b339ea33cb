/**
 * What the notebook's openBIS records (src/metadata.ts) tell the dialogs: the
 * notebook's previous save on an instance, whether a data set's files were
 * downloaded next to it with the checksums openBIS reports, and the openBIS
 * page of a data set.
 */
import {
  IDownloadRecord,
  IUploadRecord,
  MetadataHolder,
  readOpenbisMetadata
} from './metadata';
import { IDataSetFile } from './types';

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
