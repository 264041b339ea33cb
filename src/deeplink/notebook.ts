/**
 * The notebook a deep link creates: where it goes, what its first cell says,
 * and creating it under a name no other file has (never overwriting one).
 */
import { Contents } from '@jupyterlab/services';
import { PartialJSONObject } from '@lumino/coreutils';

import { loadCode } from '../insertCode';
import { INotebookSaveTarget } from '../metadata';
import { IResolvedEntity, IResolvedLink } from './model';

/**
 * Top folder of notebooks made from links: the folder the ELN's own
 * integration service (jupyter-openbis-integration-service) writes to, so
 * notebooks started from openBIS are found in one place.
 */
export const LINK_FOLDER = 'openbis';

/** Candidate names tried before giving up (`EXP1`, `EXP1-1`, … `EXP1-99`). */
export const MAX_NAME_ATTEMPTS = 100;

/** A file-name-safe form of a code (`A:B`, a sample in a container, becomes `A_B`). */
function safeName(code: string): string {
  return code.replace(/[^A-Za-z0-9_.-]/g, '_').replace(/^\.+/, '_');
}

/**
 * `openbis/<SPACE>/<PROJECT>` for `/SPACE/PROJECT/CODE`, `openbis/<SPACE>`
 * for `/SPACE/CODE`: the folders mirror openBIS's tree.
 */
export function linkFolder(entity: IResolvedEntity): string {
  const parts = entity.identifier.split('/').filter(part => part);
  return [LINK_FOLDER, ...parts.slice(0, -1).map(safeName)].join('/');
}

/** The notebook names to try, in order: `<CODE>.ipynb`, `<CODE>-1.ipynb`, … */
export function candidateNames(entity: IResolvedEntity): string[] {
  const parts = entity.identifier.split('/').filter(part => part);
  const base = safeName(parts[parts.length - 1] ?? entity.code);
  return Array.from({ length: MAX_NAME_ATTEMPTS }, (_, index) =>
    index === 0 ? `${base}.ipynb` : `${base}-${index}.ipynb`
  );
}

/** A Python string literal (JSON's double-quoted escapes are valid Python). */
function pyString(text: string): string {
  return JSON.stringify(text);
}

/**
 * The first cell: load the data sets through the kernel's shared session
 * (docs/kernel-session.md); without data sets, fetch the entity itself.
 */
export function firstCellSource(
  link: IResolvedLink,
  severalConnections: boolean
): string {
  const { entity } = link;
  const named = link.namedConnection || severalConnections;
  const what = entity.kind === 'experiment' ? 'collection' : 'object';
  const header = `# openBIS ${what} ${entity.identifier}`;
  if (link.dataSets.length) {
    const permIds = link.dataSets.map(ds => ds.permId);
    return [header, loadCode(permIds, named ? link.connection : null)].join(
      '\n'
    );
  }
  const session = named ? `openbis(${pyString(link.connection)})` : 'openbis';
  const getter = entity.kind === 'experiment' ? 'get_experiment' : 'get_sample';
  return [
    header,
    'from jupyterlab_openbis_bridge import openbis',
    `entity = ${session}.${getter}(${pyString(entity.identifier)})`
  ].join('\n');
}

/** The notebook document (nbformat 4) with its first cell. */
export function notebookContent(
  source: string,
  kernelspec: { name: string; display_name: string } | null,
  saveTarget: INotebookSaveTarget
): PartialJSONObject {
  return {
    cells: [
      {
        cell_type: 'code',
        execution_count: null,
        metadata: {},
        outputs: [],
        source
      }
    ],
    metadata: {
      ...(kernelspec ? { kernelspec: { ...kernelspec } } : {}),
      openbis: { downloads: [], uploads: [], saveTarget: { ...saveTarget } }
    },
    nbformat: 4,
    nbformat_minor: 5
  };
}

/** Raised when no free name was found or the folder cannot be made. */
export class CreateError extends Error {}

/** Make `folder` and its parents (an existing folder is left as it is). */
async function makeFolders(
  contents: Contents.IManager,
  folder: string
): Promise<void> {
  const parts = folder.split('/');
  for (let depth = 1; depth <= parts.length; depth++) {
    const path = parts.slice(0, depth).join('/');
    let existing: Contents.IModel | null = null;
    try {
      existing = await contents.get(path, { content: false });
    } catch {
      existing = null;
    }
    if (existing && existing.type !== 'directory') {
      throw new CreateError(path);
    }
    if (!existing) {
      await contents.save(path, { type: 'directory' });
    }
  }
}

/** Whether a contents call failed because the target exists (409 Conflict). */
function isConflict(error: unknown): boolean {
  const status = (error as { response?: { status?: number } } | null)?.response
    ?.status;
  return status === 409;
}

/**
 * Create the notebook under the first free candidate name and return its
 * path. It is written as a fresh untitled file first and then renamed: the
 * server refuses a rename onto an existing file (409), so an existing
 * notebook is never overwritten, even when one appears meanwhile.
 */
export async function createNotebook(
  contents: Contents.IManager,
  folder: string,
  names: string[],
  content: PartialJSONObject
): Promise<string> {
  await makeFolders(contents, folder);
  const draft = await contents.newUntitled({ path: folder, type: 'notebook' });
  try {
    await contents.save(draft.path, {
      type: 'notebook',
      format: 'json',
      content
    });
    for (const name of names) {
      try {
        const renamed = await contents.rename(draft.path, `${folder}/${name}`);
        return renamed.path;
      } catch (error) {
        if (!isConflict(error)) {
          throw error;
        }
      }
    }
  } catch (error) {
    await contents.delete(draft.path).catch(() => undefined);
    throw error;
  }
  await contents.delete(draft.path).catch(() => undefined);
  throw new CreateError(`${folder}/${names[names.length - 1]}`);
}
