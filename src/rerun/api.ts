/**
 * The re-run route (`POST /openbis-bridge/connections/<name>/rerun`), typed;
 * it goes through `requestAPI`, so a session that expired is handled as for
 * every other call. Beside `src/api.ts`, which is full.
 */
import { ServerConnection } from '@jupyterlab/services';

import { requestAPI } from '../api';
import { IJob } from '../types';
import { IRerunReport, IRerunRequest } from './types';

export function startRerun(
  connection: string,
  request: IRerunRequest,
  settings?: ServerConnection.ISettings
): Promise<IJob<IRerunReport>> {
  return requestAPI(
    `connections/${encodeURIComponent(connection)}/rerun`,
    { method: 'POST', body: JSON.stringify(request) },
    settings
  );
}
