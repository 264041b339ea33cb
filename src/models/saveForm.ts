/**
 * State of the Save to openBIS form: the data-set type and its property values
 * (remembered per type), the target experiment or sample found by search, the
 * parents, extra files, whether to include the environment files, and the
 * problems shown. The dialog renders this and forwards user input to it.
 *
 * It fills itself where it can: Name from the notebook's title, Kernel from
 * the session, the target from the previous save or the parents' common
 * owner, the parents' names, types and owners; a single search hit is
 * chosen, and values move along when the type changes. A notebook saved
 * before must say whether this save is a new version (the previous data set
 * becomes a parent) or a separate data set: never a silent duplicate.
 * The capture mode (imported or full) can be changed in the form: the
 * environment is then captured again from the kernel.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import { ISignal, Signal } from '@lumino/signaling';

import { getDataSet, search } from '../api';
import { describeError } from '../errors';
import { CaptureMode, captureErrorText, IEnvironment } from '../kernel';
import { IUploadRecord } from '../metadata';
import { FormValue, propertyKey } from '../properties';
import {
  IDataSetDetail,
  IDataSetType,
  IExperiment,
  IPropertyType,
  ISample
} from '../types';

/** The property holding the data set's name, filled from the notebook's title. */
export const NAME_PROPERTY = '$NAME';

/** How a notebook saved before is saved again. */
export type SaveAs = 'version' | 'new';

/** Where the suggested target came from. */
export type TargetSuggestion = 'previous' | 'parents' | null;

/** The notebook's kernel, as the session knows it. */
export interface IKernelInfo {
  name: string | null;
  language: string | null;
}

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
  /** permId of the notebook's previous save, if any. */
  previous: string | null;
  /** Required when `previous` is set. */
  saveAs: SaveAs | null;
  /** How the environment was captured. */
  captureMode: CaptureMode;
  /** The environment files' content, as shown in the form (null: none captured). */
  environment: IEnvironment | null;
}

/** The capture mode the form remembers, with the setting it was chosen under. */
export interface IRememberedCapture {
  captureMode?: CaptureMode;
  /** The `environmentCapture` setting when the mode was chosen. */
  captureSetting?: CaptureMode;
}

/**
 * The mode the form starts with: the one chosen last time, unless the setting
 * changed since (then the setting, the user's newer wish).
 */
export function initialCaptureMode(
  setting: CaptureMode,
  remembered: IRememberedCapture | null | undefined
): CaptureMode {
  const mode = remembered?.captureMode;
  return (mode === 'full' || mode === 'imported') &&
    remembered?.captureSetting === setting
    ? mode
    : setting;
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
  /** The mode `environment` was captured with; default `imported`. */
  captureMode?: CaptureMode;
  /** Capture the kernel's environment again, in another mode; absent: the mode cannot change. */
  recapture?: (mode: CaptureMode) => Promise<IEnvironment>;
  /** Whether "include the environment" starts checked (the setting); default true. */
  includeEnvironment?: boolean;
  /** The openBIS URL of the connection, for links to data sets. */
  instanceUrl?: string;
  /** The notebook's title, the default Name. */
  notebookTitle?: string;
  kernel?: IKernelInfo | null;
  /** The notebook's latest save to this openBIS. */
  previous?: IUploadRecord | null;
}

/** The vocabulary term of a kernel property matching the kernel, or null. */
export function kernelTerm(
  property: IPropertyType,
  kernel: IKernelInfo | null | undefined
): string | null {
  const names = [kernel?.name, kernel?.language]
    .filter((n): n is string => !!n)
    .map(n => n.toLowerCase());
  const term = property.terms.find(t =>
    names.some(
      n => t.code.toLowerCase() === n || (t.label ?? '').toLowerCase() === n
    )
  );
  return term?.code ?? null;
}

/** The one owner all `details` share (sample first, else experiment), or null. */
export function commonOwner(details: IDataSetDetail[]): ITarget | null {
  if (details.length === 0) {
    return null;
  }
  for (const kind of ['sample', 'experiment'] as const) {
    const owners = new Set(details.map(d => d[kind]));
    const [only] = Array.from(owners);
    if (owners.size === 1 && only) {
      return { kind, identifier: only };
    }
  }
  return null;
}

export type TargetHit = IExperiment | ISample;

export class SaveFormModel {
  constructor(readonly options: ISaveFormOptions) {
    const { types, initialType, notebookPath } = options;
    this._type = types.some(t => t.code === initialType)
      ? initialType
      : (types[0]?.code ?? '');
    // Names belong to one notebook: a name remembered from another one is not offered.
    this._values = {};
    for (const [code, values] of Object.entries(options.remembered)) {
      const rest = { ...values };
      delete rest[NAME_PROPERTY];
      this._values[code] = rest;
    }
    this._fillDefaults();
    // The previous save's or the parents' owner wins over one remembered from elsewhere.
    const suggestable = !!options.previous || options.parentCandidates.length;
    this._target = suggestable ? null : options.initialTarget;
    this._parents = new Set(options.parentCandidates);
    // A notebook opened from openBIS continues its data set; after its own save
    // (a record without `opened`) the user chooses again.
    this._saveAs = options.previous?.opened ? 'version' : null;
    this._includeEnv = options.includeEnvironment ?? true;
    this._environment = options.environment;
    this._captureMode = options.captureMode ?? 'imported';
    this._shownMode = this._captureMode;
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
  /** The captured environment shown and saved (null: none). */
  get environment(): IEnvironment | null {
    return this._environment;
  }
  get captureMode(): CaptureMode {
    return this._captureMode;
  }
  /** Whether the environment is being captured again. */
  get capturing(): boolean {
    return this._capturing !== null;
  }
  /** Why the last capture in the form failed, or null. */
  get captureError(): string | null {
    return this._captureError;
  }
  /** Resolves once no capture is running (the Save button waits for it). */
  async captured(): Promise<void> {
    while (this._capturing) {
      await this._capturing;
    }
  }
  get message(): string | null {
    return this._message;
  }
  /** Per-field messages, keyed as the server sends them (`properties.NOTES`, `owner`, …). */
  get errors(): Record<string, string> {
    return this._errors;
  }
  get previous(): IUploadRecord | null {
    return this.options.previous ?? null;
  }
  get saveAs(): SaveAs | null {
    return this._saveAs;
  }
  /** Where the current target was suggested from (null once the user chose one). */
  get suggestion(): TargetSuggestion {
    return this._suggestion;
  }
  /** What openBIS says about each parent candidate (name, type, owner), once loaded. */
  get parentDetails(): ReadonlyMap<string, IDataSetDetail> {
    return this._parentDetails;
  }

  /** The form as the Save button sends it. */
  get form(): ISaveForm {
    const previous = this.previous?.permId ?? null;
    const parents = Array.from(this._parents).filter(p => p !== previous);
    if (previous && this._saveAs === 'version') {
      parents.unshift(previous);
    }
    return {
      type: this._type,
      values: { ...(this._values[this._type] ?? {}) },
      target: this._target,
      parents,
      files: Array.from(this._files),
      includeEnvironment: this._includeEnv && this._environment !== null,
      previous,
      saveAs: this._saveAs,
      captureMode: this._captureMode,
      environment: this._environment
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

  /** Change the type; values of properties both types have move along. */
  setType(code: string): void {
    const before = this.values;
    this._type = code;
    const kept: Record<string, FormValue> = {};
    for (const property of this.type?.properties ?? []) {
      if (!isBlank(before[property.code])) {
        kept[property.code] = before[property.code];
      }
    }
    this._values = {
      ...this._values,
      [code]: { ...(this._values[code] ?? {}), ...kept }
    };
    this._fillDefaults();
    this._errors = {};
    this._changed.emit();
  }

  setSaveAs(mode: SaveAs): void {
    this._saveAs = mode;
    const rest = { ...this._errors };
    delete rest.saveAs;
    this._errors = rest;
    this._changed.emit();
  }

  /**
   * Ask openBIS about the parent candidates and the previous save, then
   * suggest the target: the previous save's owner, else the parents' common
   * one, else the remembered one. Never replaces a target the user chose.
   */
  async loadContext(): Promise<void> {
    const previous = this.previous?.permId;
    const wanted = [
      ...this.options.parentCandidates,
      ...(previous ? [previous] : [])
    ];
    const details = await Promise.all(
      Array.from(new Set(wanted)).map(permId =>
        getDataSet(this.options.connection, permId).catch(() => null)
      )
    );
    for (const detail of details) {
      if (detail) {
        this._parentDetails.set(detail.permId, detail);
      }
    }
    if (!this._targetChosen) {
      const before = previous ? this._parentDetails.get(previous) : undefined;
      const parents = this.options.parentCandidates
        .map(p => this._parentDetails.get(p))
        .filter((d): d is IDataSetDetail => !!d);
      const fromParents = commonOwner(parents);
      if (before?.owner.identifier) {
        this._target = {
          kind: before.owner.kind,
          identifier: before.owner.identifier
        };
        this._suggestion = 'previous';
      } else if (fromParents) {
        this._target = fromParents;
        this._suggestion = 'parents';
      } else {
        this._target = this._target ?? this.options.initialTarget;
      }
    }
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
      if (this._hits.length === 1) {
        const [hit] = this._hits;
        this.chooseTarget({
          kind: hit.kind,
          identifier: hit.identifier ?? hit.permId
        });
      }
    } catch (error) {
      this._message = describeError(error, this.options.trans).message;
    }
    this._changed.emit();
  }

  chooseTarget(target: ITarget): void {
    this._target = target;
    this._targetChosen = true;
    this._suggestion = null;
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

  /**
   * Capture the environment again in `mode`. The latest choice wins when the
   * user switches while a capture runs; a failed capture keeps the previous
   * mode and files and says why.
   */
  async setCaptureMode(mode: CaptureMode): Promise<void> {
    const recapture = this.options.recapture;
    if (!recapture || mode === this._captureMode) {
      return;
    }
    const request = ++this._captureRequest;
    this._captureMode = mode;
    this._captureError = null;
    const running = recapture(mode).then(
      env => {
        if (request === this._captureRequest) {
          this._environment = env;
          this._shownMode = mode;
        }
      },
      error => {
        if (request === this._captureRequest) {
          this._captureMode = this._shownMode;
          this._captureError = captureErrorText(error, this.options.trans);
        }
      }
    );
    this._capturing = running;
    this._changed.emit();
    await running;
    if (request === this._captureRequest) {
      this._capturing = null;
      this._changed.emit();
    }
  }

  /** Name from the title and Kernel from the session, where still empty. */
  private _fillDefaults(): void {
    const values = { ...(this._values[this._type] ?? {}) };
    for (const property of this.type?.properties ?? []) {
      if (!isBlank(values[property.code])) {
        continue;
      }
      if (property.code === NAME_PROPERTY && this.options.notebookTitle) {
        values[property.code] = this.options.notebookTitle;
      } else if (/KERNEL/i.test(property.code) && property.terms.length) {
        const term = kernelTerm(property, this.options.kernel);
        if (term) {
          values[property.code] = term;
        }
      }
    }
    this._values = { ...this._values, [this._type]: values };
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
  private _environment: IEnvironment | null;
  private _captureMode: CaptureMode;
  /** The mode of the environment shown (the chosen one, unless its capture failed). */
  private _shownMode: CaptureMode;
  private _capturing: Promise<void> | null = null;
  private _captureRequest = 0;
  private _captureError: string | null = null;
  private _message: string | null = null;
  private _errors: Record<string, string> = {};
  private _saveAs: SaveAs | null = null;
  private _suggestion: TargetSuggestion = null;
  private _targetChosen = false;
  private _parentDetails = new Map<string, IDataSetDetail>();
  private _changed = new Signal<this, void>(this);
}

function isBlank(value: FormValue | undefined): boolean {
  return value === undefined || value === null || value === '';
}
