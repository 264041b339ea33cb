/**
 * Provenance in the notebook's metadata.
 *
 * `metadata.openbis` is ours: one record per downloaded data set (instance,
 * permId, folder and files with checksums, time) and the saved data sets.
 * Paths are relative to the notebook's folder (`pathBase: 'notebook'`), so
 * they stay right when the notebook moves with its data; records written
 * before that are relative to the Jupyter root and are migrated when read or
 * written with the notebook's path. `metadata.datasets` (the shape earlier
 * openBIS extensions wrote) is read as a legacy view and no longer written.
 * The server mirrors these rules (`provenance_paths.py`, `server/provenance.py`).
 */
import { INotebookModel } from '@jupyterlab/notebook';
import { PartialJSONObject } from '@lumino/coreutils';

/** Marks a record whose paths are relative to the notebook's folder. */
export const PATH_BASE = 'notebook';

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
  /** Folder holding the files: relative to the notebook when `pathBase` is `notebook`, else to the Jupyter root (old records). */
  path: string;
  pathBase?: typeof PATH_BASE;
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
  /** Written by "Open from openBIS": the notebook continues this data set. */
  opened?: boolean;
}

/**
 * The environment the notebook was last saved with (requirements.txt lines
 * and the runtime.txt line), so the drift notice works offline.
 */
export interface IRecordedEnvironment {
  language: 'python' | 'r';
  requirements: string[];
  runtime: string;
  /** How it was captured (`imported` or `full`). */
  mode: string;
  time: string;
}

/** The experiment or object a notebook is saved under by default. */
export interface INotebookSaveTarget {
  kind: 'experiment' | 'sample';
  identifier: string;
}

export interface IOpenbisMetadata {
  downloads: IDownloadRecord[];
  uploads: IUploadRecord[];
  environment?: IRecordedEnvironment;
  /**
   * Written when the notebook is made for an entity (an ELN link): it travels
   * with the notebook, so every tab and page (Notebook 7 keeps no shared
   * state between its tabs) starts Save on that entity.
   */
  saveTarget?: INotebookSaveTarget;
}

export type MetadataHolder = Pick<
  INotebookModel,
  'getMetadata' | 'setMetadata'
> &
  Partial<Pick<INotebookModel, 'deleteMetadata'>>;

/** Normalise a `/`-separated path: no empty or `.` parts, `..` resolved where possible. */
function normalise(path: string): string[] {
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') {
      continue;
    }
    if (part === '..' && parts.length && parts[parts.length - 1] !== '..') {
      parts.pop();
    } else {
      parts.push(part);
    }
  }
  return parts;
}

/** A path from the Jupyter root, seen from the folder of the notebook at `notebookPath`. */
export function relativeToNotebook(
  rootRelative: string,
  notebookPath: string
): string {
  const target = normalise(rootRelative);
  const folder = normalise(notebookPath).slice(0, -1);
  let common = 0;
  while (
    common < folder.length &&
    common < target.length &&
    folder[common] === target[common]
  ) {
    common += 1;
  }
  const up = folder.slice(common).map(() => '..');
  const parts = [...up, ...target.slice(common)];
  return parts.length ? parts.join('/') : '.';
}

/** The record with notebook-relative paths (the same object when it has them already). */
export function migrateDownload(
  record: IDownloadRecord,
  notebookPath: string
): IDownloadRecord {
  if (record.pathBase === PATH_BASE) {
    return record;
  }
  return {
    ...record,
    path: relativeToNotebook(record.path, notebookPath),
    pathBase: PATH_BASE,
    files: (record.files ?? []).map(f => ({
      ...f,
      path: relativeToNotebook(f.path, notebookPath)
    }))
  };
}

/**
 * The notebook's records; with `notebookPath`, old root-relative download
 * records are returned relative to the notebook (the model is not changed).
 */
export function readOpenbisMetadata(
  model: MetadataHolder,
  notebookPath?: string
): IOpenbisMetadata {
  const raw = model.getMetadata('openbis') as
    Partial<IOpenbisMetadata> | undefined;
  const downloads = Array.isArray(raw?.downloads) ? raw!.downloads : [];
  return {
    downloads:
      notebookPath === undefined
        ? downloads
        : downloads.map(d => migrateDownload(d, notebookPath)),
    uploads: Array.isArray(raw?.uploads) ? raw!.uploads : [],
    ...(raw?.environment && Array.isArray(raw.environment.requirements)
      ? { environment: raw.environment }
      : {}),
    ...(isSaveTarget(raw?.saveTarget) ? { saveTarget: raw!.saveTarget } : {})
  };
}

function isSaveTarget(value: unknown): value is INotebookSaveTarget {
  const target = value as Partial<INotebookSaveTarget> | undefined;
  return (
    (target?.kind === 'experiment' || target?.kind === 'sample') &&
    typeof target.identifier === 'string' &&
    target.identifier.length > 0
  );
}

/**
 * Add downloads, one record per data set: a data set downloaded again
 * replaces its earlier record, and its `metadata.datasets` entry (written by
 * earlier versions or other extensions) is removed. With `notebookPath`, every
 * record is stored relative to the notebook (records of the server already are).
 */
export function recordDownloads(
  model: MetadataHolder,
  records: IDownloadRecord[],
  notebookPath?: string
): void {
  const current = readOpenbisMetadata(model, notebookPath);
  const added =
    notebookPath === undefined
      ? records
      : records.map(r => migrateDownload(r, notebookPath));
  const replaced = new Set(added.map(r => r.permId));
  const downloads = [
    ...current.downloads.filter(d => !replaced.has(d.permId)),
    ...added
  ];
  model.setMetadata('openbis', {
    ...current,
    downloads
  } as unknown as PartialJSONObject);

  const legacy = model.getMetadata('datasets') as
    Record<string, unknown> | undefined;
  if (legacy && typeof legacy === 'object') {
    const recorded = new Set(downloads.map(d => d.permId));
    const remaining: Record<string, unknown> = {};
    for (const [permId, entry] of Object.entries(legacy)) {
      if (!recorded.has(permId)) {
        remaining[permId] = entry;
      }
    }
    if (Object.keys(remaining).length === Object.keys(legacy).length) {
      return; // nothing of ours in the legacy view
    }
    if (Object.keys(remaining).length) {
      model.setMetadata('datasets', remaining as PartialJSONObject);
    } else if (model.deleteMetadata) {
      model.deleteMetadata('datasets');
    } else {
      model.setMetadata('datasets', {} as PartialJSONObject);
    }
  }
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

/** Keep the environment the notebook is being saved with (replaces the earlier one). */
export function recordEnvironment(
  model: MetadataHolder,
  environment: IRecordedEnvironment
): void {
  const current = readOpenbisMetadata(model);
  model.setMetadata('openbis', {
    ...current,
    environment
  } as unknown as PartialJSONObject);
}
