/** The open routes' answers (server/open_notebook.py, docs/open.md). */
import { IDataSet } from '../types';

export interface IOpenParent {
  permId: string;
  type: string | null;
  /** Bytes, as openBIS reports them; null when unknown. */
  size: number | null;
  name: string | null;
}

/** `GET connections/<name>/notebooks/<permId>`: what opening it would do. */
export interface INotebookPlan {
  permId: string;
  type: string;
  name: string | null;
  /** The notebook's file name. */
  notebookFile: string;
  owner: { kind: 'experiment' | 'sample'; identifier: string };
  registered: string | null;
  parents: IOpenParent[];
  parentsSize: number;
  /** `openbis/<permId>`, relative to the Jupyter root. */
  folder: string;
  /** The notebook's path when it is open there already, else null. */
  opened: string | null;
}

/** `POST connections/<name>/notebooks/open` */
export interface IOpenRequest {
  permId: string;
  /** Also fetch the parent data sets (default off). */
  parents?: boolean;
}

/** The `open` job's result. */
export interface IOpenResult {
  permId: string;
  folder: string;
  /** The notebook to open, relative to the Jupyter root. */
  notebook: string;
  /** It was there already: nothing was replaced. */
  alreadyOpen: boolean;
  written: number;
  parents?: string[];
  notes: string[];
}

export interface INotebookPage {
  items: IDataSet[];
  totalCount: number;
  offset: number;
  limit: number;
}
