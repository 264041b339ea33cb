/**
 * A React hook listing one folder of the Jupyter server's contents: visible
 * entries, folders first, then by name.
 */
import { Contents } from '@jupyterlab/services';
import React from 'react';

export interface IFolderListing {
  items: Contents.IModel[];
  error: string | null;
}

/** Hidden entries dropped; folders first, then case-insensitively by name. */
export function sortListing(items: Contents.IModel[]): Contents.IModel[] {
  const listing = items.filter(item => !item.name.startsWith('.'));
  listing.sort((a, b) =>
    a.type === b.type
      ? a.name.localeCompare(b.name, undefined, { sensitivity: 'base' })
      : a.type === 'directory'
        ? -1
        : 1
  );
  return listing;
}

/** The entries of `folder`, reloaded whenever it changes; answers for an older folder are dropped. */
export function useFolderListing(
  contents: Contents.IManager,
  folder: string
): IFolderListing {
  const [items, setItems] = React.useState<Contents.IModel[]>([]);
  const [error, setError] = React.useState<string | null>(null);
  React.useEffect(() => {
    let current = true;
    contents
      .get(folder, { content: true })
      .then(model => {
        if (current) {
          setItems(sortListing(model.content as Contents.IModel[]));
          setError(null);
        }
      })
      .catch(reason => current && setError(String(reason?.message ?? reason)));
    return () => {
      current = false;
    };
  }, [contents, folder]);
  return { items, error };
}
