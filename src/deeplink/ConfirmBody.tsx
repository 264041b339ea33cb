/**
 * The question a deep link asks once: what will be created, where, with
 * which data sets, and what becomes the default save target.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import React from 'react';

import { IResolvedLink } from './model';

export interface IConfirmProps {
  link: IResolvedLink;
  /** Where the notebook goes (folder relative to the Jupyter root). */
  folder: string;
  /** The name it gets when it is free. */
  name: string;
  trans: TranslationBundle;
}

export function ConfirmBody(props: IConfirmProps): JSX.Element {
  const { link, folder, name, trans } = props;
  const { entity, dataSets } = link;
  const what =
    entity.kind === 'experiment'
      ? trans.__('Collection (experiment)')
      : trans.__('Object (sample)');
  return (
    <div className="jp-OpenbisBridge-dialog jp-OpenbisBridge-deepLink">
      <p>
        {what}: <strong>{entity.identifier}</strong>
        {entity.name ? ` — ${entity.name}` : ''}
        {entity.type ? ` (${entity.type})` : ''}
      </p>
      {dataSets.length > 0 && (
        <table className="jp-OpenbisBridge-table">
          <thead>
            <tr>
              <th>{trans.__('permId')}</th>
              <th>{trans.__('Type')}</th>
              <th>{trans.__('Name')}</th>
              <th>{trans.__('Belongs to')}</th>
            </tr>
          </thead>
          <tbody>
            {dataSets.map(ds => (
              <tr key={ds.permId} data-permid={ds.permId}>
                <td>{ds.permId}</td>
                <td>{ds.type ?? ''}</td>
                <td>{ds.name ?? ''}</td>
                <td>{ds.sample ?? ds.experiment ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p className="jp-OpenbisBridge-hint">
        {trans.__(
          'The notebook is created as %1 (with a number added if that name is taken) on the connection %2.',
          `${folder}/${name}`,
          link.connection
        )}{' '}
        {dataSets.length > 0
          ? trans.__(
              'Its first cell loads the data sets; they are downloaded beside it now and recorded in its metadata.'
            )
          : trans.__('Its first cell fetches this entity.')}{' '}
        {trans.__(
          'Save to openBIS will offer %1 as the target.',
          entity.identifier
        )}
      </p>
    </div>
  );
}
