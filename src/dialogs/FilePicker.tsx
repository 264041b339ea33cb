/**
 * Pick extra files and folders to upload, starting in the notebook's folder.
 */
import { Contents } from '@jupyterlab/services';
import { TranslationBundle } from '@jupyterlab/translation';
import { folderIcon, fileIcon } from '@jupyterlab/ui-components';
import React from 'react';

import { formatBytes } from '../format';

export interface IFilePickerProps {
  trans: TranslationBundle;
  contents: Contents.IManager;
  startFolder: string;
  /** Paths never offered (the notebook and its environment files are always included). */
  exclude: ReadonlySet<string>;
  selected: ReadonlySet<string>;
  onToggle: (path: string, checked: boolean) => void;
}

export function FilePicker(props: IFilePickerProps): JSX.Element {
  const { trans } = props;
  const [folder, setFolder] = React.useState(props.startFolder);
  const [items, setItems] = React.useState<Contents.IModel[]>([]);
  const [error, setError] = React.useState<string | null>(null);

  React.useEffect(() => {
    let current = true;
    props.contents
      .get(folder, { content: true })
      .then(model => {
        if (current) {
          const listing = (model.content as Contents.IModel[]).filter(
            item => !item.name.startsWith('.')
          );
          listing.sort((a, b) =>
            a.type === b.type
              ? a.name.localeCompare(b.name, undefined, { sensitivity: 'base' })
              : a.type === 'directory'
                ? -1
                : 1
          );
          setItems(listing);
          setError(null);
        }
      })
      .catch(reason => current && setError(String(reason?.message ?? reason)));
    return () => {
      current = false;
    };
  }, [folder]);

  const parent = folder.includes('/')
    ? folder.slice(0, folder.lastIndexOf('/'))
    : '';
  return (
    <div className="jp-OpenbisBridge-filePicker">
      <div className="jp-OpenbisBridge-actions">
        <span className="jp-OpenbisBridge-muted">
          {trans.__('Folder: %1', folder || '/')}
        </span>
        <button
          className="jp-mod-styled jp-mod-reject"
          disabled={folder === ''}
          onClick={() => setFolder(parent)}
        >
          {trans.__('Up')}
        </button>
      </div>
      {error ? (
        <div className="jp-OpenbisBridge-fieldError">{error}</div>
      ) : null}
      <ul className="jp-OpenbisBridge-fileList">
        {items
          .filter(item => !props.exclude.has(item.path))
          .map(item => {
            const id = `jp-OpenbisBridge-pick-${item.path}`;
            return (
              <li key={item.path}>
                <span className="jp-OpenbisBridge-checkboxField">
                  <input
                    id={id}
                    type="checkbox"
                    checked={props.selected.has(item.path)}
                    onChange={e => props.onToggle(item.path, e.target.checked)}
                  />
                  {item.type === 'directory' ? (
                    <folderIcon.react
                      tag="span"
                      className="jp-OpenbisBridge-icon"
                    />
                  ) : (
                    <fileIcon.react
                      tag="span"
                      className="jp-OpenbisBridge-icon"
                    />
                  )}
                  <label htmlFor={id}>{item.name}</label>
                  {item.type === 'directory' ? (
                    <button
                      className="jp-OpenbisBridge-chip"
                      aria-label={trans.__('Open folder %1', item.name)}
                      onClick={() => setFolder(item.path)}
                    >
                      {trans.__('open')}
                    </button>
                  ) : null}
                </span>
                <span className="jp-OpenbisBridge-muted">
                  {item.type === 'directory'
                    ? trans.__('folder')
                    : formatBytes(item.size ?? null)}
                </span>
              </li>
            );
          })}
      </ul>
    </div>
  );
}
