/**
 * The Save to openBIS form: data-set type, typed properties by section, the
 * target experiment or sample (found by search), parents from the notebook's
 * downloads, extra files, and the captured environment files for review.
 */
import { Dialog, ReactWidget } from '@jupyterlab/apputils';
import { Contents } from '@jupyterlab/services';
import { TranslationBundle } from '@jupyterlab/translation';
import React from 'react';

import { search } from '../api';
import { describeError } from '../errors';
import { IEnvironment, requirementsText } from '../kernel';
import { FormValue, propertyKey, sections } from '../properties';
import { IDataSetType, IExperiment, ISample } from '../types';
import { describedBy, ErrorBanner, Field, uniqueId } from './fields';
import { FilePicker } from './FilePicker';
import { PropertyField } from './PropertyField';
import { IEnterAware } from './submitDialog';

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

export interface ISaveDialogOptions {
  connection: string;
  trans: TranslationBundle;
  contents: Contents.IManager;
  notebookPath: string;
  types: IDataSetType[];
  initialType: string;
  /** Remembered form values per data-set type. */
  remembered: Record<string, Record<string, FormValue>>;
  initialTarget: ITarget | null;
  parentCandidates: string[];
  environment: IEnvironment | null;
}

type Hit = IExperiment | ISample;

export class SaveBody
  extends ReactWidget
  implements Dialog.IBodyWidget<ISaveForm>, IEnterAware
{
  constructor(private readonly _o: ISaveDialogOptions) {
    super();
    this.addClass('jp-OpenbisBridge-saveDialog');
    this._type = _o.types.some(t => t.code === _o.initialType)
      ? _o.initialType
      : (_o.types[0]?.code ?? '');
    this._values = { ..._o.remembered };
    this._target = _o.initialTarget;
    this._parents = new Set(_o.parentCandidates);
    const folder = _o.notebookPath.includes('/')
      ? _o.notebookPath.slice(0, _o.notebookPath.lastIndexOf('/'))
      : '';
    this._folder = folder;
    const inFolder = (name: string) => (folder ? `${folder}/${name}` : name);
    this._exclude = new Set([
      _o.notebookPath,
      inFolder('requirements.txt'),
      inFolder('runtime.txt')
    ]);
  }

  get type(): IDataSetType | null {
    return this._o.types.find(t => t.code === this._type) ?? null;
  }

  getValue(): ISaveForm {
    return {
      type: this._type,
      values: { ...(this._values[this._type] ?? {}) },
      target: this._target,
      parents: Array.from(this._parents),
      files: Array.from(this._files),
      includeEnvironment: this._includeEnv && this._o.environment !== null
    };
  }

  handleEnter(target: Element): boolean {
    if (target.id === this._ids.targetSearch) {
      void this._searchTargets();
      return true;
    }
    return false;
  }

  showProblem(
    message: string | null,
    fields: Record<string, string> = {}
  ): void {
    this._message = message;
    this._errors = fields;
    this.update();
    // Bring the first invalid field into view so the user sees why nothing happened.
    requestAnimationFrame(() =>
      this.node
        .querySelector('[aria-invalid="true"]')
        ?.scrollIntoView({ block: 'center' })
    );
  }

  private async _searchTargets(): Promise<void> {
    const query = this._targetQuery.trim();
    if (!query) {
      return;
    }
    try {
      const found = await search(
        this._o.connection,
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
      this._message = describeError(error, this._o.trans).message;
    }
    this.update();
  }

  private _setValue(code: string, value: FormValue): void {
    this._values = {
      ...this._values,
      [this._type]: { ...(this._values[this._type] ?? {}), [code]: value }
    };
    const { [propertyKey(code)]: _dropped, ...rest } = this._errors;
    this._errors = rest;
    if (Object.keys(rest).length === 0) {
      this._message = null; // "please correct…" no longer applies
    }
    this.update();
  }

  render(): JSX.Element {
    const trans = this._o.trans;
    const type = this.type;
    const values = this._values[this._type] ?? {};
    const errors = this._errors;
    const targetError =
      errors.owner ?? errors.sample ?? errors.experiment ?? errors.target;
    const env = this._o.environment;
    return (
      <div className="jp-OpenbisBridge-dialog jp-OpenbisBridge-scrollBody">
        <ErrorBanner message={this._message} />
        <div className="jp-OpenbisBridge-grid">
          <Field
            id={this._ids.type}
            label={trans.__('Data set type')}
            mandatory
            error={errors.type}
          >
            <select
              id={this._ids.type}
              className="jp-mod-styled"
              value={this._type}
              onChange={e => {
                this._type = e.target.value;
                this._errors = {};
                this.update();
              }}
              {...describedBy(this._ids.type, errors.type)}
            >
              {this._o.types.map(t => (
                <option key={t.code} value={t.code}>
                  {t.description ? `${t.code} – ${t.description}` : t.code}
                </option>
              ))}
            </select>
          </Field>
          <div className="jp-OpenbisBridge-field">
            <div className="jp-OpenbisBridge-label">{trans.__('Notebook')}</div>
            <div>{this._o.notebookPath}</div>
            <div className="jp-OpenbisBridge-hint">
              {trans.__('Saved before the upload; always included.')}
            </div>
          </div>
        </div>
        {type
          ? sections(type, trans.__('Properties')).map(
              ([section, properties]) => (
                <fieldset key={section} className="jp-OpenbisBridge-section">
                  <legend>{section}</legend>
                  <div className="jp-OpenbisBridge-grid">
                    {properties.map(property => (
                      <PropertyField
                        key={`${this._type}-${property.code}`}
                        trans={trans}
                        id={`${this._ids.prop}-${property.code.replace(/[^A-Za-z0-9_-]/g, '_')}`}
                        property={property}
                        value={values[property.code]}
                        error={errors[propertyKey(property.code)]}
                        onChange={value => this._setValue(property.code, value)}
                      />
                    ))}
                  </div>
                </fieldset>
              )
            )
          : null}
        <fieldset className="jp-OpenbisBridge-section">
          <legend>{trans.__('Attach to')}</legend>
          <div className="jp-OpenbisBridge-searchRow">
            <Field
              id={this._ids.targetSearch}
              label={trans.__(
                'Find the experiment or sample (text, code, identifier or permId)'
              )}
              mandatory
              error={targetError}
            >
              <input
                id={this._ids.targetSearch}
                className="jp-mod-styled"
                type="search"
                value={this._targetQuery}
                onChange={e => {
                  this._targetQuery = e.target.value;
                  this.update();
                }}
                {...describedBy(this._ids.targetSearch, targetError)}
              />
            </Field>
            <button
              className="jp-mod-styled jp-mod-accept"
              onClick={() => void this._searchTargets()}
            >
              {trans.__('Find')}
            </button>
          </div>
          <div className="jp-OpenbisBridge-targetChoice" aria-live="polite">
            {this._target
              ? this._target.kind === 'sample'
                ? trans.__('Selected sample: %1', this._target.identifier)
                : trans.__('Selected experiment: %1', this._target.identifier)
              : trans.__('Nothing selected yet.')}
          </div>
          {this._hits.length ? (
            <div
              role="radiogroup"
              aria-label={trans.__('Search results')}
              className="jp-OpenbisBridge-hits"
            >
              {this._hits.map(hit => {
                const id = `${this._ids.hit}-${hit.permId}`;
                const identifier = hit.identifier ?? hit.permId;
                return (
                  <span
                    key={hit.permId}
                    className="jp-OpenbisBridge-checkboxField"
                  >
                    <input
                      id={id}
                      type="radio"
                      name={this._ids.hit}
                      checked={this._target?.identifier === identifier}
                      onChange={() => {
                        this._target = { kind: hit.kind, identifier };
                        this._errors = {};
                        this.update();
                      }}
                    />
                    <label htmlFor={id}>
                      {identifier}
                      {hit.name ? ` (${hit.name})` : ''}
                      <span className="jp-OpenbisBridge-muted">
                        {' '}
                        {hit.kind === 'sample'
                          ? trans.__('sample')
                          : trans.__('experiment')}
                      </span>
                    </label>
                  </span>
                );
              })}
            </div>
          ) : this._searched ? (
            <div className="jp-OpenbisBridge-muted">
              {trans.__('No experiment or sample matches.')}
            </div>
          ) : null}
        </fieldset>
        <fieldset className="jp-OpenbisBridge-section">
          <legend>{trans.__('Parent data sets')}</legend>
          {this._o.parentCandidates.length === 0 ? (
            <div className="jp-OpenbisBridge-muted">
              {trans.__('This notebook has not downloaded any data set.')}
            </div>
          ) : (
            this._o.parentCandidates.map(permId => {
              const id = `${this._ids.parent}-${permId}`;
              return (
                <div key={permId} className="jp-OpenbisBridge-checkboxField">
                  <input
                    id={id}
                    type="checkbox"
                    checked={this._parents.has(permId)}
                    onChange={e => {
                      if (e.target.checked) {
                        this._parents.add(permId);
                      } else {
                        this._parents.delete(permId);
                      }
                      this.update();
                    }}
                  />
                  <label htmlFor={id}>{permId}</label>
                </div>
              );
            })
          )}
          {errors.parents ? (
            <div className="jp-OpenbisBridge-fieldError">{errors.parents}</div>
          ) : null}
        </fieldset>
        <fieldset className="jp-OpenbisBridge-section">
          <legend>{trans.__('Environment files')}</legend>
          {env ? (
            <>
              <div className="jp-OpenbisBridge-checkboxField">
                <input
                  id={this._ids.env}
                  type="checkbox"
                  checked={this._includeEnv}
                  onChange={e => {
                    this._includeEnv = e.target.checked;
                    this.update();
                  }}
                />
                <label htmlFor={this._ids.env}>
                  {trans.__(
                    'Write and include requirements.txt (%1 packages) and runtime.txt (%2)',
                    env.requirements.length,
                    env.runtime
                  )}
                </label>
              </div>
              <pre
                className="jp-OpenbisBridge-pre"
                aria-label={trans.__('requirements.txt')}
              >
                {requirementsText(env)}
              </pre>
            </>
          ) : (
            <div className="jp-OpenbisBridge-muted">
              {trans.__('No environment was captured from the kernel.')}
            </div>
          )}
        </fieldset>
        <fieldset className="jp-OpenbisBridge-section">
          <legend>{trans.__('Extra files and folders')}</legend>
          <FilePicker
            trans={trans}
            contents={this._o.contents}
            startFolder={this._folder}
            exclude={this._exclude}
            selected={this._files}
            onToggle={(path, checked) => {
              if (checked) {
                this._files.add(path);
              } else {
                this._files.delete(path);
              }
              this.update();
            }}
          />
          {Object.entries(errors)
            .filter(([key]) => key.startsWith('files'))
            .map(([key, text]) => (
              <div key={key} className="jp-OpenbisBridge-fieldError">
                {text}
              </div>
            ))}
        </fieldset>
      </div>
    );
  }

  private _type: string;
  private _values: Record<string, Record<string, FormValue>>;
  private _target: ITarget | null;
  private _targetQuery = '';
  private _hits: Hit[] = [];
  private _searched = false;
  private _parents: Set<string>;
  private _files = new Set<string>();
  private _includeEnv = true;
  private _folder: string;
  private _exclude: Set<string>;
  private _message: string | null = null;
  private _errors: Record<string, string> = {};
  private _ids = {
    type: uniqueId('save-type'),
    prop: uniqueId('save-prop'),
    targetSearch: uniqueId('save-target'),
    hit: uniqueId('save-hit'),
    parent: uniqueId('save-parent'),
    env: uniqueId('save-env')
  };
}
