/**
 * Every HTTP call to the server companion goes through this module.
 */
import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

import { API_NAMESPACE, IStatus } from './tokens';
import {
  IConnection,
  IDataSet,
  IDataSetDetail,
  IDataSetType,
  IDownloadRequest,
  IEnvFilesRequest,
  IExperiment,
  IJob,
  ILoginRequest,
  IPage,
  IPaging,
  IPendingProvenance,
  IProfileFields,
  IProject,
  ISample,
  ISaveRequest,
  ISearchResult,
  ISpace,
  SearchKind
} from './types';

/** An error answered by the server companion, or a failure to reach it. */
export class ApiError extends Error {
  constructor(
    message: string,
    /** HTTP status, or 0 when the server could not be reached. */
    readonly status: number,
    /** Machine-readable reason from the server (e.g. `not_logged_in`). */
    readonly reason: string | null = null,
    /** Per-field messages for form validation errors. */
    readonly fields: Record<string, string> | null = null
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/**
 * The application's server settings (base URL, token, XSRF), set once at
 * activation from `app.serviceManager.serverSettings`; a default made from the
 * page's config is used only until then (and in tests).
 */
let serverSettings: ServerConnection.ISettings | null = null;

export function setServerSettings(settings: ServerConnection.ISettings): void {
  serverSettings = settings;
}

function currentSettings(): ServerConnection.ISettings {
  if (!serverSettings) {
    serverSettings = ServerConnection.makeSettings();
  }
  return serverSettings;
}

/** Longest server text we show: an HTML error page must not flood a dialog. */
const MAX_MESSAGE_LENGTH = 500;

function parseJson(text: string): any {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function messageFromBody(body: any, text: string, response: Response): string {
  if (body && typeof body.message === 'string' && body.message) {
    return body.message;
  }
  const plain = text
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  const fallback = plain || `${response.status} ${response.statusText}`.trim();
  return fallback.length > MAX_MESSAGE_LENGTH
    ? fallback.slice(0, MAX_MESSAGE_LENGTH) + '…'
    : fallback;
}

/** Whether the user has to log in (again) to connection before retrying. */
export function needsLogin(error: unknown): error is ApiError {
  return (
    error instanceof ApiError &&
    (error.reason === 'not_logged_in' || error.reason === 'session_expired')
  );
}

/**
 * Asks the user to log in to `connection` after `error`; resolves true once
 * logged in, false when the user gave up.
 */
export type LoginHandler = (
  connection: string,
  error: ApiError
) => Promise<boolean>;

let loginHandler: LoginHandler | null = null;
/** Login prompts being shown, by connection: concurrent failures share one. */
const pendingLogins = new Map<string, Promise<boolean>>();

/**
 * Install the login prompt (set once at activation). Every call on an openBIS
 * connection that fails with `not_logged_in` or `session_expired` then asks
 * the user to log in and is retried once after a successful login.
 */
export function setLoginHandler(handler: LoginHandler | null): void {
  loginHandler = handler;
}

/** The connection a `connections/<name>/<resource>` call works on (not login/logout). */
function connectionOfEndpoint(endpoint: string): string | null {
  const match = /^connections\/([^/?]+)\/([^/?]+)/.exec(endpoint);
  if (!match || match[2] === 'login' || match[2] === 'logout') {
    return null;
  }
  return decodeURIComponent(match[1]);
}

function askLogin(connection: string, error: ApiError): Promise<boolean> {
  let pending = pendingLogins.get(connection);
  if (!pending) {
    pending = (loginHandler ?? (() => Promise.resolve(false)))(
      connection,
      error
    )
      .catch(reason => {
        console.error('openBIS bridge: login prompt failed', reason);
        return false;
      })
      .finally(() => pendingLogins.delete(connection));
    pendingLogins.set(connection, pending);
  }
  return pending;
}

/**
 * Call `endpoint` under `/openbis-bridge/` and return the decoded JSON body.
 * A call on a connection whose session is missing or expired asks the user
 * to log in (see `setLoginHandler`) and is retried once.
 *
 * @throws {ApiError} carrying the server's message, reason and field errors.
 */
export async function requestAPI<T>(
  endpoint: string,
  init: RequestInit = {},
  settings: ServerConnection.ISettings = currentSettings()
): Promise<T> {
  try {
    return await sendRequest<T>(endpoint, init, settings);
  } catch (error) {
    const connection = connectionOfEndpoint(endpoint);
    if (
      connection === null ||
      loginHandler === null ||
      !needsLogin(error) ||
      !(await askLogin(connection, error))
    ) {
      throw error;
    }
    return sendRequest<T>(endpoint, init, settings);
  }
}

async function sendRequest<T>(
  endpoint: string,
  init: RequestInit,
  settings: ServerConnection.ISettings
): Promise<T> {
  const url = URLExt.join(settings.baseUrl, API_NAMESPACE, endpoint);
  let response: Response;
  try {
    response = await ServerConnection.makeRequest(url, init, settings);
  } catch (error) {
    // Shown as "The Jupyter server is unreachable: …" (translated in errors.ts).
    throw new ApiError((error as Error).message, 0);
  }
  const text = await response.text();
  const body = text ? parseJson(text) : null;
  if (!response.ok) {
    throw new ApiError(
      messageFromBody(body, text, response),
      response.status,
      typeof body?.reason === 'string' ? body.reason : null,
      body?.fields && typeof body.fields === 'object' ? body.fields : null
    );
  }
  if (body === undefined) {
    throw new ApiError(
      'The server answered with invalid JSON.',
      response.status,
      'invalid_json'
    );
  }
  return body as T;
}

/** Versions of the server companion and pybis, and the known connections. */
export function getStatus(
  settings?: ServerConnection.ISettings
): Promise<IStatus> {
  return requestAPI<IStatus>('status', { method: 'GET' }, settings);
}

type Settings = ServerConnection.ISettings | undefined;

/** `a/b?x=1&y=2`, leaving out undefined and empty values. */
function withQuery(
  path: string,
  query: Record<string, string | number | boolean | undefined | null>
): string {
  const parts = Object.entries(query)
    .filter(
      ([, value]) => value !== undefined && value !== null && value !== ''
    )
    .map(
      ([key, value]) =>
        `${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`
    );
  return parts.length ? `${path}?${parts.join('&')}` : path;
}

function connectionPath(name: string, ...rest: string[]): string {
  return ['connections', encodeURIComponent(name), ...rest].join('/');
}

function jsonInit(method: string, body?: unknown): RequestInit {
  return body === undefined
    ? { method }
    : { method, body: JSON.stringify(body) };
}

// --- connections -------------------------------------------------------------------------

/** All profiles; `live` asks each openBIS whether its session is still active. */
export async function listConnections(
  live = true,
  settings?: Settings
): Promise<IConnection[]> {
  const answer = await requestAPI<{ connections: IConnection[] }>(
    withQuery('connections', { live }),
    jsonInit('GET'),
    settings
  );
  return answer.connections;
}

export function getConnection(
  name: string,
  live = true,
  settings?: Settings
): Promise<IConnection> {
  return requestAPI<IConnection>(
    withQuery(connectionPath(name), { live }),
    jsonInit('GET'),
    settings
  );
}

export function createConnection(
  fields: IProfileFields,
  settings?: Settings
): Promise<IConnection> {
  return requestAPI<IConnection>(
    'connections',
    jsonInit('POST', fields),
    settings
  );
}

export function updateConnection(
  name: string,
  fields: IProfileFields,
  settings?: Settings
): Promise<IConnection> {
  return requestAPI<IConnection>(
    connectionPath(name),
    jsonInit('PATCH', fields),
    settings
  );
}

export async function deleteConnection(
  name: string,
  settings?: Settings
): Promise<void> {
  await requestAPI<null>(connectionPath(name), jsonInit('DELETE'), settings);
}

export function login(
  name: string,
  credentials: ILoginRequest,
  settings?: Settings
): Promise<IConnection> {
  return requestAPI<IConnection>(
    connectionPath(name, 'login'),
    jsonInit('POST', credentials),
    settings
  );
}

export function logout(
  name: string,
  settings?: Settings
): Promise<IConnection> {
  return requestAPI<IConnection>(
    connectionPath(name, 'logout'),
    jsonInit('POST', {}),
    settings
  );
}

// --- browse and search ---------------------------------------------------------------------

export function listSpaces(
  name: string,
  paging: IPaging = {},
  settings?: Settings
): Promise<IPage<ISpace>> {
  return requestAPI(
    withQuery(connectionPath(name, 'spaces'), { ...paging }),
    jsonInit('GET'),
    settings
  );
}

export function listProjects(
  name: string,
  space: string | null,
  paging: IPaging = {},
  settings?: Settings
): Promise<IPage<IProject>> {
  return requestAPI(
    withQuery(connectionPath(name, 'projects'), { space, ...paging }),
    jsonInit('GET'),
    settings
  );
}

export function listExperiments(
  name: string,
  project: string | null,
  paging: IPaging = {},
  settings?: Settings
): Promise<IPage<IExperiment>> {
  return requestAPI(
    withQuery(connectionPath(name, 'experiments'), { project, ...paging }),
    jsonInit('GET'),
    settings
  );
}

export interface ISampleFilter {
  experiment?: string | null;
  project?: string | null;
  space?: string | null;
}

export function listSamples(
  name: string,
  filter: ISampleFilter,
  paging: IPaging = {},
  settings?: Settings
): Promise<IPage<ISample>> {
  return requestAPI(
    withQuery(connectionPath(name, 'samples'), { ...filter, ...paging }),
    jsonInit('GET'),
    settings
  );
}

/** Data sets of an experiment or of a sample (one of them is required). */
export function listDataSets(
  name: string,
  owner: { experiment?: string | null; sample?: string | null },
  paging: IPaging = {},
  settings?: Settings
): Promise<IPage<IDataSet>> {
  return requestAPI(
    withQuery(connectionPath(name, 'datasets'), { ...owner, ...paging }),
    jsonInit('GET'),
    settings
  );
}

export function getDataSet(
  name: string,
  permId: string,
  settings?: Settings
): Promise<IDataSetDetail> {
  return requestAPI(
    connectionPath(name, 'datasets', encodeURIComponent(permId)),
    jsonInit('GET'),
    settings
  );
}

/** Text, code, identifier (`/SPACE/…`) or permId search, paged per kind by openBIS. */
export function search(
  name: string,
  query: string,
  kinds: SearchKind[],
  paging: IPaging = {},
  settings?: Settings
): Promise<ISearchResult> {
  return requestAPI(
    withQuery(connectionPath(name, 'search'), {
      q: query,
      kinds: kinds.join(','),
      ...paging
    }),
    jsonInit('GET'),
    settings
  );
}

export async function getDataSetTypes(
  name: string,
  refresh = false,
  settings?: Settings
): Promise<IDataSetType[]> {
  const answer = await requestAPI<{ dataSetTypes: IDataSetType[] }>(
    withQuery(connectionPath(name, 'dataset-types'), {
      refresh: refresh || undefined
    }),
    jsonInit('GET'),
    settings
  );
  return answer.dataSetTypes;
}

// --- jobs ------------------------------------------------------------------------------------

export function startDownload(
  name: string,
  request: IDownloadRequest,
  settings?: Settings
): Promise<IJob> {
  return requestAPI(
    connectionPath(name, 'downloads'),
    jsonInit('POST', request),
    settings
  );
}

/** Validates everything server-side first: a 400 carries per-field messages. */
export function startSave(
  name: string,
  request: ISaveRequest,
  settings?: Settings
): Promise<IJob> {
  return requestAPI(
    connectionPath(name, 'datasets'),
    jsonInit('POST', request),
    settings
  );
}

/** A job's progress; with `waitSeconds` the server answers as soon as the job ends (long poll). */
export function getJob<R>(
  id: string,
  waitSeconds?: number,
  settings?: Settings
): Promise<IJob<R>> {
  return requestAPI(
    withQuery(`jobs/${encodeURIComponent(id)}`, { wait: waitSeconds }),
    jsonInit('GET'),
    settings
  );
}

export function cancelJob(id: string, settings?: Settings): Promise<IJob> {
  return requestAPI(
    `jobs/${encodeURIComponent(id)}`,
    jsonInit('DELETE'),
    settings
  );
}

export async function listJobs(settings?: Settings): Promise<IJob[]> {
  return (await requestAPI<{ jobs: IJob[] }>('jobs', jsonInit('GET'), settings))
    .jobs;
}

// --- environment files -------------------------------------------------------------------------

/** Writes `requirements.txt` / `runtime.txt` beside the notebook. */
export function writeEnvFiles(
  request: IEnvFilesRequest,
  settings?: Settings
): Promise<{ written: string[] }> {
  return requestAPI('env-files', jsonInit('POST', request), settings);
}

// --- provenance queued by kernels ------------------------------------------------------------

/** Records kernels queued for the open notebook `path` (a contents path without drive). */
export function getPendingProvenance(
  path: string,
  settings?: Settings
): Promise<IPendingProvenance> {
  return requestAPI(
    withQuery('provenance', { path }),
    jsonInit('GET'),
    settings
  );
}

/** Tell the server these queued records are merged into the notebook. */
export function acknowledgeProvenance(
  path: string,
  ids: string[],
  settings?: Settings
): Promise<{ removed: number }> {
  return requestAPI(
    withQuery('provenance', { path, ids: ids.join(',') }),
    jsonInit('DELETE'),
    settings
  );
}

// --- data store mounts and links (docs/data-without-copying.md) -----------------------------

/** What a connection reports about its data store mount. */
export interface IMountState {
  mounted: boolean;
  /** The mount point, a contents path (`openbis-mounts/<connection>`), when mounted. */
  mountPath: string | null;
}

/** Body of `POST connections/<name>/links`: link instead of copy. */
export interface ILinkRequest {
  permId: string;
  /** Folder for the link (a contents path); the server's download folder by default. */
  destination?: string;
  /** The notebook whose provenance records the link. */
  notebookPath?: string;
}

export interface ILinkResult {
  /** The symlink, `<destination>/<permId>`. */
  path: string;
  /** The mounted data set folder it points to. */
  target: string;
  record: Record<string, unknown>;
}

/** Mount the connection's data store (its DSS's SFTP view) inside the Jupyter root. */
export function mountDataStore(
  name: string,
  port?: number,
  settings?: Settings
): Promise<IConnection & IMountState> {
  return requestAPI(
    connectionPath(name, 'mount'),
    jsonInit('POST', port === undefined ? {} : { port }),
    settings
  );
}

export function unmountDataStore(
  name: string,
  settings?: Settings
): Promise<IConnection & IMountState> {
  return requestAPI(
    connectionPath(name, 'mount'),
    jsonInit('DELETE'),
    settings
  );
}

/** Link `<destination>/<permId>` to the mounted data set instead of copying it. */
export function linkDataSet(
  name: string,
  request: ILinkRequest,
  settings?: Settings
): Promise<ILinkResult> {
  return requestAPI(
    connectionPath(name, 'links'),
    jsonInit('POST', request),
    settings
  );
}
