/**
 * Pick extra files and folders to upload, starting in the notebook's folder.
 */
import { Contents } from '@jupyterlab/services';
import { TranslationBundle } from '@jupyterlab/translation';
import { folderIcon, fileIcon } from '@jupyterlab/ui-components';
import React from 'react';

import { formatBytes } from '../format';
import { useFolderListing } from '../models/folderListing';

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
  const { items, error } = useFolderListing(props.contents, folder);
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
          .map(item => (
            <FileItem
              key={item.path}
              {...props}
              item={item}
              onOpen={() => setFolder(item.path)}
            />
          ))}
      </ul>
    </div>
  );
}

interface IFileItemProps extends IFilePickerProps {
  item: Contents.IModel;
  /** Show this folder's content instead. */
  onOpen: () => void;
}

function FileItem(props: IFileItemProps): JSX.Element {
  const { trans, item } = props;
  const id = `jp-OpenbisBridge-pick-${item.path}`;
  const isFolder = item.type === 'directory';
  return (
    <li>
      <span className="jp-OpenbisBridge-checkboxField">
        <input
          id={id}
          type="checkbox"
          checked={props.selected.has(item.path)}
          onChange={e => props.onToggle(item.path, e.target.checked)}
        />
        {isFolder ? (
          <folderIcon.react tag="span" className="jp-OpenbisBridge-icon" />
        ) : (
          <fileIcon.react tag="span" className="jp-OpenbisBridge-icon" />
        )}
        <label htmlFor={id}>{item.name}</label>
        {isFolder ? (
          <button
            className="jp-OpenbisBridge-chip"
            aria-label={trans.__('Open folder %1', item.name)}
            onClick={props.onOpen}
          >
            {trans.__('open')}
          </button>
        ) : null}
      </span>
      <span className="jp-OpenbisBridge-muted">
        {isFolder ? trans.__('folder') : formatBytes(item.size ?? null)}
      </span>
    </li>
  );
}
