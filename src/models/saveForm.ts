/**
 * State of the Save to openBIS form: the data-set type and its property values
 * (remembered per type), the target experiment or sample found by search, the
 * parents, extra files, whether to include the environment files, and the
 * problems shown. The dialog renders this and forwards user input to it.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import { ISignal, Signal } from '@lumino/signaling';

import { search } from '../api';
import { describeError } from '../errors';
import { IEnvironment } from '../kernel';
import { FormValue, propertyKey } from '../properties';
import { IDataSetType, IExperiment, ISample } from '../types';

export interface ITarget {
  kind: 'experiment' | 'sample';
  identifier: string;
}

export interface ISaveForm {
  type: string;
  values: Record<string, FormValue>;
  target: ITarget | null;
  parents: string[];
  files: string[];
  includeEnvironment: boolean;
}

export interface ISaveFormOptions {
  connection: string;
  trans: TranslationBundle;
  notebookPath: string;
  types: IDataSetType[];
  initialType: string;
  /** Remembered form values per data-set type. */
  remembered: Record<string, Record<string, FormValue>>;
  initialTarget: ITarget | null;
  parentCandidates: string[];
  environment: IEnvironment | null;
  /** Whether "include the environment" starts checked (the setting); default true. */
  includeEnvironment?: boolean;
}

export type TargetHit = IExperiment | ISample;

export class SaveFormModel {
  constructor(readonly options: ISaveFormOptions) {
    const { types, initialType, notebookPath } = options;
    this._type = types.some(t => t.code === initialType)
      ? initialType
      : (types[0]?.code ?? '');
    this._values = { ...options.remembered };
    this._target = options.initialTarget;
    this._parents = new Set(options.parentCandidates);
    this._includeEnv = options.includeEnvironment ?? true;
    const folder = notebookPath.includes('/')
      ? notebookPath.slice(0, notebookPath.lastIndexOf('/'))
      : '';
    this.folder = folder;
    const inFolder = (name: string) => (folder ? `${folder}/${name}` : name);
    this.exclude = new Set([
      notebookPath,
      inFolder('requirements.txt'),
      inFolder('runtime.txt')
    ]);
  }

  /** The notebook's folder, where the file picker starts. */
  readonly folder: string;
  /** Files always included, so never offered as extra files. */
  readonly exclude: ReadonlySet<string>;

  /** Emitted whenever anything the dialog shows changes. */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  dispose(): void {
    Signal.clearData(this);
  }

  /** The chosen data-set type's code. */
  get typeCode(): string {
    return this._type;
  }

  get type(): IDataSetType | null {
    return this.options.types.find(t => t.code === this._type) ?? null;
  }

  /** Property values of the chosen type. */
  get values(): Record<string, FormValue> {
    return this._values[this._type] ?? {};
  }

  get target(): ITarget | null {
    return this._target;
  }
  get targetQuery(): string {
    return this._targetQuery;
  }
  get hits(): readonly TargetHit[] {
    return this._hits;
  }
  /** Whether a target search has answered (so "no match" can be shown). */
  get searched(): boolean {
    return this._searched;
  }
  get parents(): ReadonlySet<string> {
    return this._parents;
  }
  get files(): ReadonlySet<string> {
    return this._files;
  }
  get includeEnvironment(): boolean {
    return this._includeEnv;
  }
  get message(): string | null {
    return this._message;
  }
  /** Per-field messages, keyed as the server sends them (`properties.NOTES`, `owner`, …). */
  get errors(): Record<string, string> {
    return this._errors;
  }

  /** The form as the Save button sends it. */
  get form(): ISaveForm {
    return {
      type: this._type,
      values: { ...(this._values[this._type] ?? {}) },
      target: this._target,
      parents: Array.from(this._parents),
      files: Array.from(this._files),
      includeEnvironment: this._includeEnv && this.options.environment !== null
    };
  }

  showProblem(
    message: string | null,
    fields: Record<string, string> = {}
  ): void {
    this._message = message;
    this._errors = fields;
    this._changed.emit();
  }

  setType(code: string): void {
    this._type = code;
    this._errors = {};
    this._changed.emit();
  }

  setValue(code: string, value: FormValue): void {
    this._values = {
      ...this._values,
      [this._type]: { ...(this._values[this._type] ?? {}), [code]: value }
    };
    const rest = { ...this._errors };
    delete rest[propertyKey(code)];
    this._errors = rest;
    if (Object.keys(rest).length === 0) {
      this._message = null; // "please correct…" no longer applies
    }
    this._changed.emit();
  }

  setTargetQuery(query: string): void {
    this._targetQuery = query;
    this._changed.emit();
  }

  /** Experiments and samples matching the target query. */
  async searchTargets(): Promise<void> {
    const query = this._targetQuery.trim();
    if (!query) {
      return;
    }
    try {
      const found = await search(
        this.options.connection,
        query,
        ['experiment', 'sample'],
        { limit: 10 }
      );
      this._hits = [
        ...(found.results.experiment?.items ?? []),
        ...(found.results.sample?.items ?? [])
      ];
      this._searched = true;
      this._message = null;
    } catch (error) {
      this._message = describeError(error, this.options.trans).message;
    }
    this._changed.emit();
  }

  chooseTarget(target: ITarget): void {
    this._target = target;
    this._errors = {};
    this._changed.emit();
  }

  toggleParent(permId: string, checked: boolean): void {
    if (checked) {
      this._parents.add(permId);
    } else {
      this._parents.delete(permId);
    }
    this._changed.emit();
  }

  toggleFile(path: string, checked: boolean): void {
    if (checked) {
      this._files.add(path);
    } else {
      this._files.delete(path);
    }
    this._changed.emit();
  }

  setIncludeEnvironment(include: boolean): void {
    this._includeEnv = include;
    this._changed.emit();
  }

  private _type: string;
  private _values: Record<string, Record<string, FormValue>>;
  private _target: ITarget | null;
  private _targetQuery = '';
  private _hits: TargetHit[] = [];
  private _searched = false;
  private _parents: Set<string>;
  private _files = new Set<string>();
  private _includeEnv = true;
  private _message: string | null = null;
  private _errors: Record<string, string> = {};
  private _changed = new Signal<this, void>(this);
}
