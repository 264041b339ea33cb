/**
 * Identifiers shared by the plugins, commands and settings schema.
 */
import { IConnection } from './types';

/** The npm package name, also the prefix of every plugin id. */
export const PACKAGE_NAME = 'jupyterlab-openbis-bridge';

/** Path segment under the server's base URL where the server companion answers. */
export const API_NAMESPACE = 'openbis-bridge';

export namespace CommandIDs {
  export const connect = 'openbis-bridge:connect';
  export const download = 'openbis-bridge:download';
  export const save = 'openbis-bridge:save';
  export const insertCode = 'openbis-bridge:insert-code';
}

/** `GET /openbis-bridge/status` */
export interface IStatus {
  version: string;
  pybis_version: string | null;
  connections: IConnection[];
}
