/**
 * Resolve a parsed deep link against the server: which connection it means,
 * which experiment or sample its entity is, and whether every data set
 * exists. Only reads (GET requests); nothing is created here.
 */
import { TranslationBundle } from '@jupyterlab/translation';

import { ApiError, getDataSet, search } from '../api';
import { describeError } from '../errors';
import { IBridgeConnections } from '../tokens';
import { IDataSetDetail, IExperiment, ISample, SearchKind } from '../types';
import { IDeepLink, IEntityRef } from './parse';

/** The experiment (collection) or sample (object) a link is about. */
export interface IResolvedEntity {
  kind: 'experiment' | 'sample';
  identifier: string;
  permId: string;
  code: string;
  type: string | null;
  name: string | null;
}

export interface IResolvedLink {
  connection: string;
  /** Whether the link named its connection (then the notebook names it too). */
  namedConnection: boolean;
  entity: IResolvedEntity;
  dataSets: IDataSetDetail[];
}

export type Resolution =
  | { kind: 'resolved'; link: IResolvedLink }
  | { kind: 'refused'; message: string };

/** The API calls the resolution uses (replaced in unit tests). */
export interface IResolveApi {
  search: typeof search;
  getDataSet: typeof getDataSet;
}

const REAL_API: IResolveApi = { search, getDataSet };

export class DeepLinkResolver {
  constructor(
    private readonly _connections: IBridgeConnections,
    private readonly _trans: TranslationBundle,
    private readonly _api: IResolveApi = REAL_API
  ) {}

  async resolve(link: IDeepLink): Promise<Resolution> {
    const connection = await this._connection(link.connection);
    if ('refused' in connection) {
      return { kind: 'refused', message: connection.refused };
    }
    const name = connection.name;
    try {
      const entity = await this._entity(name, link.entity);
      if ('refused' in entity) {
        return { kind: 'refused', message: entity.refused };
      }
      const dataSets = await this._dataSets(name, link.dataSets);
      if ('refused' in dataSets) {
        return { kind: 'refused', message: dataSets.refused };
      }
      return {
        kind: 'resolved',
        link: {
          connection: name,
          namedConnection: link.connection !== null,
          entity: entity.found,
          dataSets: dataSets.found
        }
      };
    } catch (error) {
      return {
        kind: 'refused',
        message: this._trans.__(
          'Could not look up the link in openBIS (%1): %2',
          name,
          describeError(error, this._trans).message
        )
      };
    }
  }

  /** The named profile, else the active connection, else the only one. */
  private async _connection(
    named: string | null
  ): Promise<{ name: string } | { refused: string }> {
    const trans = this._trans;
    await this._connections.refresh(false);
    const names = this._connections.connections.map(c => c.name);
    if (named !== null) {
      return names.includes(named)
        ? { name: named }
        : {
            refused: trans.__(
              'The link names the openBIS connection “%1”, which is not one of yours (%2). Nothing was created.',
              named,
              names.join(', ') || trans.__('none')
            )
          };
    }
    const chosen =
      this._connections.activeName ?? (names.length === 1 ? names[0] : null);
    if (chosen === null) {
      return {
        refused: names.length
          ? trans.__(
              'The link does not say which openBIS connection to use, and none is active. Connect to one (%1) and open the link again.',
              names.join(', ')
            )
          : trans.__(
              'The link needs an openBIS connection, and none is set up. Add one with Connect and open the link again.'
            )
      };
    }
    return { name: chosen };
  }

  /** The one experiment or sample the reference names. */
  private async _entity(
    connection: string,
    ref: IEntityRef
  ): Promise<{ found: IResolvedEntity } | { refused: string }> {
    const kinds: SearchKind[] =
      ref.form === 'sample' ? ['sample'] : ['experiment', 'sample'];
    const answer = await this._api.search(connection, ref.value, kinds, {
      limit: 2
    });
    const hits: (IExperiment | ISample)[] = [
      ...(answer.results.experiment?.items ?? []),
      ...(answer.results.sample?.items ?? [])
    ].filter(hit =>
      ref.form === 'permId'
        ? hit.permId === ref.value
        : (hit.identifier ?? '').toUpperCase() === ref.value
    );
    if (hits.length === 0) {
      return {
        refused: this._trans.__(
          'openBIS (%1) has no collection or object %2. Nothing was created.',
          connection,
          ref.value
        )
      };
    }
    if (hits.length > 1) {
      return {
        refused: this._trans.__(
          'Both a collection and an object are called %1; link to one of them by its permId. Nothing was created.',
          ref.value
        )
      };
    }
    const hit = hits[0];
    return {
      found: {
        kind: hit.kind,
        identifier: hit.identifier ?? hit.permId,
        permId: hit.permId,
        code: hit.code ?? hit.permId,
        type: hit.type,
        name: hit.name
      }
    };
  }

  /** Every data set, or a message naming the unknown permIds. */
  private async _dataSets(
    connection: string,
    permIds: string[]
  ): Promise<{ found: IDataSetDetail[] } | { refused: string }> {
    const answers = await Promise.all(
      permIds.map(permId =>
        this._api.getDataSet(connection, permId).catch((error: unknown) => {
          if (error instanceof ApiError && error.status === 404) {
            return null;
          }
          throw error;
        })
      )
    );
    const unknown = permIds.filter((_, index) => answers[index] === null);
    if (unknown.length) {
      return {
        refused: this._trans._n(
          'openBIS (%2) has no data set %3. Nothing was created.',
          'openBIS (%2) has no data sets %3. Nothing was created.',
          unknown.length,
          connection,
          unknown.join(', ')
        )
      };
    }
    return { found: answers as IDataSetDetail[] };
  }
}
