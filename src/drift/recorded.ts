/**
 * Where a notebook's recorded environment comes from, without openBIS (so it
 * works offline): the copy the Save flow keeps in the notebook's metadata
 * (`metadata.openbis.environment`), else requirements.txt and runtime.txt
 * beside a notebook that was saved to or opened from openBIS (the folder
 * `openbis/<permId>/`). Any other notebook has no recorded environment: a
 * project's own requirements.txt is not a promise about a notebook.
 */
import { kernelLanguage } from '../kernel';
import { MetadataHolder, readOpenbisMetadata } from '../metadata';
import { DriftLanguage, IEnvironmentLines } from './compare';

export interface IRecordedSource extends IEnvironmentLines {
  language: DriftLanguage;
  origin: 'metadata' | 'files';
  /** The saved data set to re-run, when known. */
  permId: string | null;
  /** The connection that data set was saved with, when known. */
  connection: string | null;
}

/** Reads a text file by its path from the Jupyter root; null when it does not exist. */
export type ReadText = (path: string) => Promise<string | null>;

/** The permId of the `openbis/<permId>/` folder the notebook lies in, if any. */
export function openedFromPermId(notebookPath: string): string | null {
  const match = /(?:^|\/)openbis\/(\d{1,30}-\d{1,10})\/(?:[^/]+\/)*[^/]+$/.exec(
    notebookPath
  );
  return match ? match[1] : null;
}

function folderOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}

/**
 * `r-…` runtimes are R's, other runtimes Python's. Without a runtime.txt the
 * notebook's kernelspec says which language the requirements pin (an R
 * notebook's must not be compared as Python's); Python when it does not.
 */
function languageOf(runtime: string, model: MetadataHolder): DriftLanguage {
  if (runtime.trim()) {
    return /^\s*r-/i.test(runtime) ? 'r' : 'python';
  }
  const spec = model.getMetadata('kernelspec') as
    { language?: string } | undefined;
  return kernelLanguage(spec?.language) === 'r' ? 'r' : 'python';
}

function lines(text: string): string[] {
  return text.split(/\r?\n/).filter(line => line.trim() !== '');
}

/** The recorded environment of the notebook at `notebookPath`, or null when it has none. */
export async function findRecordedEnvironment(
  model: MetadataHolder,
  notebookPath: string,
  readText: ReadText
): Promise<IRecordedSource | null> {
  const meta = readOpenbisMetadata(model);
  const lastUpload = meta.uploads.length
    ? meta.uploads[meta.uploads.length - 1]
    : null;
  // A notebook opened from openBIS is that data set, whatever it saved before.
  const folderPermId = openedFromPermId(notebookPath);
  const permId = folderPermId ?? lastUpload?.permId ?? null;
  const connection =
    lastUpload && lastUpload.permId === permId
      ? (lastUpload.connection ?? null)
      : null;
  const recorded = meta.environment;
  if (recorded) {
    return {
      language: recorded.language === 'r' ? 'r' : 'python',
      requirements: recorded.requirements,
      runtime: recorded.runtime ?? '',
      origin: 'metadata',
      permId,
      connection
    };
  }
  if (!permId) {
    return null;
  }
  const folder = folderOf(notebookPath);
  const inFolder = (name: string) => (folder ? `${folder}/${name}` : name);
  const requirements = await readText(inFolder('requirements.txt'));
  if (requirements === null) {
    return null;
  }
  const runtime =
    lines((await readText(inFolder('runtime.txt'))) ?? '')[0] ?? '';
  return {
    language: languageOf(runtime, model),
    requirements: lines(requirements),
    runtime: runtime.trim(),
    origin: 'files',
    permId,
    connection
  };
}
