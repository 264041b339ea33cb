/**
 * JSON shapes of the server companion's routes (python_pkg/.../server/handlers.py).
 * Field names are kept identical to the server's.
 */

/** Connection state as the server reports it. */
export type ConnectionStatus =
  | 'connected'
  | 'not_logged_in'
  | 'session_expired'
  | 'unreachable'
  | 'auth_failed';

export type AuthMethod = 'password' | 'sessionToken' | 'pat';

export interface IConnection {
  name: string;
  url: string;
  /** `user` profiles are editable; `config`, `legacy` and `env` ones are read-only. */
  origin: string;
  editable: boolean;
  username: string | null;
  verifyCertificates: boolean;
  caBundle: string | null;
  status: ConnectionStatus;
  message: string | null;
  authMethod: AuthMethod | null;
  hasPassword: boolean;
  hasToken: boolean;
}

/** Body of `POST connections` and `PATCH connections/<name>`. */
export interface IProfileFields {
  name?: string;
  url?: string;
  username?: string | null;
  verifyCertificates?: boolean;
  caBundle?: string | null;
}

export interface ILoginRequest {
  username?: string;
  password?: string;
  /** A session token or a personal access token (`$pat-…`). */
  token?: string;
}

export interface IPage<T> {
  items: T[];
  totalCount: number;
  offset: number;
  limit: number;
}

export interface IPaging {
  offset?: number;
  limit?: number;
}

export interface ISpace {
  code: string;
  permId: string | null;
  description: string | null;
  registrationDate: string | null;
  registrator: string | null;
}

export interface IProject extends ISpace {
  identifier: string | null;
  space: string | null;
}

interface IEntityCommon {
  permId: string;
  code: string | null;
  identifier: string | null;
  type: string | null;
  name: string | null;
  properties: Record<string, unknown>;
  registrationDate: string | null;
  modificationDate: string | null;
  registrator: string | null;
}

export interface IExperiment extends IEntityCommon {
  kind: 'experiment';
  project: string | null;
}

export interface ISample extends IEntityCommon {
  kind: 'sample';
  space: string | null;
  project: string | null;
  experiment: string | null;
}

export interface IDataSet extends IEntityCommon {
  kind: 'dataSet';
  dataSetKind: string | null;
  experiment: string | null;
  sample: string | null;
  size: number | null;
  /** Physical status: AVAILABLE, ARCHIVED, LOCKED, … */
  status: string | null;
  presentInArchive: boolean | null;
}

export interface IDataSetFile {
  path: string;
  size: number | null;
  crc32: number | null;
  checksum: string | null;
  checksumType: string | null;
}

export interface IDataSetDetail extends IDataSet {
  owner: { kind: 'sample' | 'experiment'; identifier: string | null };
  parents: { permId: string; type: string | null }[];
  children: { permId: string; type: string | null }[];
  files: IDataSetFile[];
}

export type SearchKind = 'experiment' | 'sample' | 'dataSet';

export interface ISearchResult {
  query: string;
  results: {
    experiment?: IPage<IExperiment>;
    sample?: IPage<ISample>;
    dataSet?: IPage<IDataSet>;
  };
}

export interface IVocabularyTerm {
  code: string;
  label: string | null;
  description: string | null;
  ordinal: number | null;
  official: boolean;
}

export interface IPropertyType {
  code: string;
  label: string | null;
  description: string | null;
  dataType: string;
  mandatory: boolean;
  section: string | null;
  ordinal: number | null;
  multiValue: boolean;
  vocabulary: string | null;
  terms: IVocabularyTerm[];
}

export interface IDataSetType {
  code: string;
  description: string | null;
  properties: IPropertyType[];
}

export type JobState =
  'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

export interface IJobError {
  message: string;
  reason: string;
  fields?: Record<string, string>;
}

export interface IJob<R = unknown> {
  id: string;
  kind: 'download' | 'upload' | 'rerun' | 'open';
  connection: string;
  state: JobState;
  bytesDone: number;
  bytesTotal: number | null;
  filesDone: number;
  filesSkipped: number;
  filesTotal: number | null;
  currentFile: string | null;
  request: Record<string, unknown>;
  result: R | null;
  error: IJobError | null;
  created: number;
  finished: number | null;
}

export interface IDownloadRequest {
  permIds: string[];
  /** Folder relative to the Jupyter root; each data set lands in `<destination>/<permId>/`. */
  destination?: string;
  notebookPath?: string;
  overwrite?: boolean;
  /** Only these paths of the data set (a file or a folder prefix); one data set only. */
  files?: string[];
  /** A cancelled job keeps the files it verified (a retry resumes); else it removes them. */
  keepPartial?: boolean;
}

export interface IDownloadedDataSet {
  permId: string;
  type: string | null;
  /** Folder (contents-API path) holding the data set's files. */
  path: string;
  /** Contents-API paths of the files written. */
  files: string[];
  size: number;
}

export interface IDownloadResult {
  dataSets: IDownloadedDataSet[];
}

export interface ISaveRequest {
  notebookPath: string;
  type: string;
  experiment?: string;
  sample?: string;
  parents: string[];
  properties: Record<string, unknown>;
  files: string[];
  includeEnvironment: boolean;
  /** The captured environment, uploaded as requirements.txt / runtime.txt. */
  environment?: { requirements?: string; runtime?: string };
}

export interface ISaveResult {
  permId: string;
  url: string;
  type: string;
  owner: { kind: string; identifier: string };
  parents: string[];
  files: string[];
}

export interface IEnvFilesRequest {
  notebookPath: string;
  requirements?: string;
  runtime?: string;
}

/** One record a kernel queued for an open notebook (`GET /provenance`). */
export interface IPendingRecord<R> {
  id: string;
  created?: number;
  record: R;
}

/**
 * `GET /provenance?path=…`; the records have the shapes of `src/metadata.ts`
 * (kept as plain JSON here so this module does not depend on the notebook).
 */
export interface IPendingProvenance {
  path: string;
  downloads: IPendingRecord<unknown>[];
  uploads: IPendingRecord<unknown>[];
}
