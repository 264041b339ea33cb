/** The re-run job's request and report (server/rerun_job.py, docs/rerun.md). */

export interface IRerunRequest {
  permId: string;
  reuseSitePackages?: boolean;
  installer?: 'auto' | 'uv' | 'pip';
  save?: boolean;
}

export type Verdict = 'identical' | 'different' | 'error' | 'skipped';

export interface IRerunCell {
  index: number;
  cellId: string | null;
  verdict: Verdict;
  firstLine: string;
  diff: string[];
}

export interface IRerunReport {
  permId: string;
  /** The re-executed notebook, relative to the Jupyter root. */
  notebook: string;
  folder: string;
  exitCode: number;
  summary: string;
  cells: IRerunCell[];
  environment: {
    recordedPython: string | null;
    usedPython: string;
    pythonDiffers: boolean;
    installer: string;
    requirements: number;
    notes: string[];
  };
  timings: Record<string, number>;
  parents: string[];
  savedAs: string | null;
  notes: string[];
}
