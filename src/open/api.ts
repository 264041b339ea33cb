/**
 * The open routes (`/openbis-bridge/connections/<name>/notebooks…`), typed;
 * through `requestAPI`, so an expired session is handled as for every call.
 * Beside `src/api.ts`, which is full.
 */
import { ServerConnection } from '@jupyterlab/services';

import { requestAPI } from '../api';
import { IJob } from '../types';
import {
  INotebookPage,
  INotebookPlan,
  IOpenRequest,
  IOpenResult
} from './types';

function base(connection: string): string {
  return `connections/${encodeURIComponent(connection)}/notebooks`;
}

/** A page of the saved notebooks; `query` filters by code or name (a permId matches exactly). */
export function listNotebooks(
  connection: string,
  query: string,
  offset: number,
  limit: number,
  settings?: ServerConnection.ISettings
): Promise<INotebookPage> {
  const params = new URLSearchParams({
    offset: String(offset),
    limit: String(limit)
  });
  if (query.trim()) {
    params.set('q', query.trim());
  }
  return requestAPI(`${base(connection)}?${params}`, {}, settings);
}

export function getOpenPlan(
  connection: string,
  permId: string,
  settings?: ServerConnection.ISettings
): Promise<INotebookPlan> {
  return requestAPI(
    `${base(connection)}/${encodeURIComponent(permId)}`,
    {},
    settings
  );
}

export function startOpen(
  connection: string,
  request: IOpenRequest,
  settings?: ServerConnection.ISettings
): Promise<IJob<IOpenResult>> {
  return requestAPI(
    `${base(connection)}/open`,
    { method: 'POST', body: JSON.stringify(request) },
    settings
  );
}
