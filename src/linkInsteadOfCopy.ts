/**
 * **Link instead of copy**: `<destination>/<permId>` becomes a symlink to the
 * data set's folder in the mounted data store, made by the server
 * (`POST connections/<name>/links`, docs/data-without-copying.md). The link
 * command, the Download dialog and the side panel all link through here.
 */
import { ILinkResult, IMountState, linkDataSet } from './api';
import { IConnection, IDownloadedDataSet } from './types';

/** Whether the server reported the connection's data store as mounted. */
export function isMounted(
  connection: (IConnection & Partial<IMountState>) | null | undefined
): boolean {
  return connection?.mounted === true;
}

/** A data set linked into `destination`, and the one it failed at, if any. */
export interface ILinkOutcome {
  /** As a download describes its data sets: `path` is the link, `files` is empty. */
  linked: IDownloadedDataSet[];
  /** The first permId that could not be linked, and why (the server's error). */
  failed: { permId: string; error: unknown } | null;
}

/**
 * Link each of `permIds` in turn; stops at the first failure, keeping the
 * links made before it (linking again is a no-op, so retrying is safe).
 * With `notebookPath`, the server queues each provenance record (marked
 * `linked`) for that notebook, whose open editor merges it.
 */
export async function linkDataSets(
  connection: string,
  permIds: readonly string[],
  destination: string,
  notebookPath?: string
): Promise<ILinkOutcome> {
  const linked: IDownloadedDataSet[] = [];
  for (const permId of permIds) {
    try {
      const result = await linkDataSet(connection, {
        permId,
        destination,
        notebookPath
      });
      linked.push(linkedDataSet(permId, result));
    } catch (error) {
      return { linked, failed: { permId, error } };
    }
  }
  return { linked, failed: null };
}

/** A link as the download API describes a data set (no files: nothing was copied). */
function linkedDataSet(
  permId: string,
  result: ILinkResult
): IDownloadedDataSet {
  const record = result.record as { type?: string | null; size?: number };
  return {
    permId,
    path: result.path,
    type: record.type ?? null,
    size: record.size ?? 0,
    files: []
  };
}
