/**
 * The sections of the Save to openBIS form, each rendering part of a
 * SaveFormModel: type and notebook, properties, target, parents, environment
 * files and extra files.
 */
import { Contents } from '@jupyterlab/services';
import { TranslationBundle } from '@jupyterlab/translation';
import React from 'react';

import { formatDate } from '../format';
import { CaptureMode, requirementsText } from '../kernel';
import { dataSetLink } from '../records';
import { SaveFormModel, TargetHit } from '../models/saveForm';
import { propertyKey, sections } from '../properties';
import { describedBy, Field } from './fields';
import { FilePicker } from './FilePicker';
import { PropertyField } from './PropertyField';

export interface ISectionProps {
  model: SaveFormModel;
  trans: TranslationBundle;
  /** DOM ids (or id prefixes) of the form's inputs. */
  ids: {
    type: string;
    prop: string;
    targetSearch: string;
    hit: string;
    parent: string;
    env: string;
    saveAs: string;
    captureMode: string;
  };
}

/**
 * "Saved before as … on …": a new version (the previous data set becomes a
 * parent) or a separate data set. Nothing is chosen for the user, so a
 * stray Enter cannot upload a duplicate.
 */
export function SaveAgainSection(props: ISectionProps): JSX.Element | null {
  const { model, trans, ids } = props;
  const previous = model.previous;
  if (!previous) {
    return null;
  }
  const error = model.errors.saveAs;
  const choice = (mode: 'version' | 'new', label: string) => (
    <div className="jp-OpenbisBridge-checkboxField">
      <input
        id={`${ids.saveAs}-${mode}`}
        type="radio"
        name={ids.saveAs}
        checked={model.saveAs === mode}
        aria-required="true"
        onChange={() => model.setSaveAs(mode)}
        {...describedBy(ids.saveAs, error)}
        {...(mode === 'version' && !model.saveAs
          ? { 'data-initial-focus': 'true' }
          : {})}
      />
      <label htmlFor={`${ids.saveAs}-${mode}`}>{label}</label>
    </div>
  );
  return (
    <fieldset
      className="jp-OpenbisBridge-section jp-OpenbisBridge-saveAgain"
      role="radiogroup"
      aria-label={trans.__('Saved before')}
    >
      <legend>{trans.__('Saved before')}</legend>
      <div className="jp-OpenbisBridge-savedBefore">
        {trans.__('Saved before as')}{' '}
        <a href={previous.url} target="_blank" rel="noopener noreferrer">
          {previous.permId}
        </a>{' '}
        {trans.__('on %1', formatDate(previous.time))}
      </div>
      {choice(
        'version',
        trans.__('Save as new version (%1 becomes its parent)', previous.permId)
      )}
      {choice('new', trans.__('Save as a separate new data set'))}
      {error ? (
        <div
          id={`${ids.saveAs}-error`}
          className="jp-OpenbisBridge-fieldError"
          role="alert"
        >
          {error}
        </div>
      ) : null}
    </fieldset>
  );
}

/** The data-set type select and the (always included) notebook. */
export function TypeRow(props: ISectionProps): JSX.Element {
  const { model, trans, ids } = props;
  const error = model.errors.type;
  return (
    <div className="jp-OpenbisBridge-grid">
      <Field
        id={ids.type}
        label={trans.__('Data set type')}
        mandatory
        error={error}
      >
        <select
          id={ids.type}
          className="jp-mod-styled"
          value={model.typeCode}
          onChange={e => model.setType(e.target.value)}
          {...describedBy(ids.type, error)}
        >
          {model.options.types.map(t => (
            <option key={t.code} value={t.code}>
              {t.description ? `${t.code} – ${t.description}` : t.code}
            </option>
          ))}
        </select>
      </Field>
      <div className="jp-OpenbisBridge-field">
        <div className="jp-OpenbisBridge-label">{trans.__('Notebook')}</div>
        <div>{model.options.notebookPath}</div>
        <div className="jp-OpenbisBridge-hint">
          {trans.__('Saved before the upload; always included.')}
        </div>
      </div>
    </div>
  );
}

/** One fieldset per section of the type's properties. */
export function PropertiesSection(props: ISectionProps): JSX.Element | null {
  const { model, trans, ids } = props;
  const type = model.type;
  if (!type) {
    return null;
  }
  const values = model.values;
  return (
    <>
      {sections(type, trans.__('Properties')).map(([section, properties]) => (
        <fieldset key={section} className="jp-OpenbisBridge-section">
          <legend>{section}</legend>
          <div className="jp-OpenbisBridge-grid">
            {properties.map(property => (
              <PropertyField
                key={`${model.typeCode}-${property.code}`}
                trans={trans}
                id={`${ids.prop}-${property.code.replace(/[^A-Za-z0-9_-]/g, '_')}`}
                property={property}
                value={values[property.code]}
                error={model.errors[propertyKey(property.code)]}
                onChange={value => model.setValue(property.code, value)}
              />
            ))}
          </div>
        </fieldset>
      ))}
    </>
  );
}

/** "Attach to": search for the experiment or sample, then pick one. */
export function TargetSection(props: ISectionProps): JSX.Element {
  const { model, trans, ids } = props;
  const { errors, target } = model;
  const targetError =
    errors.owner ?? errors.sample ?? errors.experiment ?? errors.target;
  return (
    <fieldset className="jp-OpenbisBridge-section">
      <legend>{trans.__('Attach to')}</legend>
      <div className="jp-OpenbisBridge-searchRow">
        <Field
          id={ids.targetSearch}
          label={trans.__(
            'Find the experiment or sample (text, code, identifier or permId)'
          )}
          mandatory
          error={targetError}
        >
          <input
            id={ids.targetSearch}
            className="jp-mod-styled"
            type="search"
            value={model.targetQuery}
            aria-required={target === null}
            onChange={e => model.setTargetQuery(e.target.value)}
            {...describedBy(ids.targetSearch, targetError)}
          />
        </Field>
        <button
          className="jp-mod-styled jp-mod-accept"
          onClick={() => void model.searchTargets()}
        >
          {trans.__('Find')}
        </button>
      </div>
      <div className="jp-OpenbisBridge-targetChoice" aria-live="polite">
        {target
          ? target.kind === 'sample'
            ? trans.__('Selected sample: %1', target.identifier)
            : trans.__('Selected experiment: %1', target.identifier)
          : trans.__('Nothing selected yet.')}
        {target && model.suggestion ? (
          <span className="jp-OpenbisBridge-muted">
            {' '}
            {model.suggestion === 'previous'
              ? trans.__('(where the previous save went)')
              : trans.__('(the parents’ common owner)')}
          </span>
        ) : null}
      </div>
      <TargetHits {...props} />
    </fieldset>
  );
}

/** The search's results as radios, or "no match" once a search answered. */
function TargetHits(props: ISectionProps): JSX.Element | null {
  const { model, trans } = props;
  if (!model.hits.length) {
    return model.searched ? (
      <div className="jp-OpenbisBridge-muted">
        {trans.__('No experiment or sample matches.')}
      </div>
    ) : null;
  }
  return (
    <div
      role="radiogroup"
      aria-label={trans.__('Search results')}
      className="jp-OpenbisBridge-hits"
    >
      {model.hits.map(hit => (
        <TargetHitRadio key={hit.permId} {...props} hit={hit} />
      ))}
    </div>
  );
}

function TargetHitRadio(
  props: ISectionProps & { hit: TargetHit }
): JSX.Element {
  const { model, trans, ids, hit } = props;
  const id = `${ids.hit}-${hit.permId}`;
  const identifier = hit.identifier ?? hit.permId;
  return (
    <span className="jp-OpenbisBridge-checkboxField">
      <input
        id={id}
        type="radio"
        name={ids.hit}
        checked={model.target?.identifier === identifier}
        onChange={() => model.chooseTarget({ kind: hit.kind, identifier })}
      />
      <label htmlFor={id}>
        {identifier}
        {hit.name ? ` (${hit.name})` : ''}
        <span className="jp-OpenbisBridge-muted">
          {' '}
          {hit.kind === 'sample' ? trans.__('sample') : trans.__('experiment')}
        </span>
      </label>
    </span>
  );
}

/** Data sets this notebook downloaded, offered as parents. */
export function ParentsSection(props: ISectionProps): JSX.Element {
  const { model, trans } = props;
  const candidates = model.options.parentCandidates;
  return (
    <fieldset className="jp-OpenbisBridge-section">
      <legend>{trans.__('Parent data sets')}</legend>
      {candidates.length === 0 ? (
        <div className="jp-OpenbisBridge-muted">
          {trans.__('This notebook has not downloaded any data set.')}
        </div>
      ) : (
        <ul className="jp-OpenbisBridge-parentList">
          {candidates.map(permId => (
            <ParentRow key={permId} {...props} permId={permId} />
          ))}
        </ul>
      )}
      {model.errors.parents ? (
        <div className="jp-OpenbisBridge-fieldError">
          {model.errors.parents}
        </div>
      ) : null}
    </fieldset>
  );
}

/** A parent candidate: checkbox, name, type, owner and its openBIS page. */
function ParentRow(props: ISectionProps & { permId: string }): JSX.Element {
  const { model, trans, ids, permId } = props;
  const id = `${ids.parent}-${permId}`;
  const detail = model.parentDetails.get(permId);
  const instance = model.options.instanceUrl;
  return (
    <li className="jp-OpenbisBridge-checkboxField jp-OpenbisBridge-parent">
      <input
        id={id}
        type="checkbox"
        checked={model.parents.has(permId)}
        onChange={e => model.toggleParent(permId, e.target.checked)}
      />
      <label htmlFor={id}>
        {detail?.name ? `${detail.name} (${permId})` : permId}
      </label>
      {detail ? (
        <span className="jp-OpenbisBridge-muted">
          {' '}
          {[detail.type, detail.owner.identifier].filter(Boolean).join(' · ')}
        </span>
      ) : null}
      {instance ? (
        <a
          className="jp-OpenbisBridge-link"
          href={dataSetLink(instance, permId)}
          target="_blank"
          rel="noopener noreferrer"
          aria-label={trans.__('Open %1 in openBIS', permId)}
        >
          {trans.__('open')}
        </a>
      ) : null}
    </li>
  );
}

/**
 * Which packages requirements.txt pins: imported (what the notebook needs) or
 * full (everything installed). Changing it captures the environment again.
 */
function CaptureModePicker(props: ISectionProps): JSX.Element {
  const { model, trans, ids } = props;
  const choice = (mode: CaptureMode, label: string, hint: string) => (
    <div className="jp-OpenbisBridge-checkboxField">
      <input
        id={`${ids.captureMode}-${mode}`}
        type="radio"
        name={ids.captureMode}
        checked={model.captureMode === mode}
        aria-describedby={`${ids.captureMode}-${mode}-hint`}
        onChange={() => void model.setCaptureMode(mode)}
      />
      <label htmlFor={`${ids.captureMode}-${mode}`}>{label}</label>
      <span
        id={`${ids.captureMode}-${mode}-hint`}
        className="jp-OpenbisBridge-muted"
      >
        {' '}
        {hint}
      </span>
    </div>
  );
  return (
    <div
      role="radiogroup"
      aria-labelledby={`${ids.captureMode}-label`}
      className="jp-OpenbisBridge-captureModes"
    >
      <div id={`${ids.captureMode}-label`} className="jp-OpenbisBridge-label">
        {trans.__('Packages to pin')}
      </div>
      {choice(
        'imported',
        trans.__('Imported'),
        trans.__(
          'what the kernel has imported and what those need: enough to re-run this notebook'
        )
      )}
      {choice(
        'full',
        trans.__('Full'),
        trans.__('every package installed in the kernel’s environment')
      )}
      <div className="jp-OpenbisBridge-hint" aria-live="polite">
        {model.capturing
          ? trans.__('Capturing the kernel environment…')
          : (model.captureError ?? '')}
      </div>
    </div>
  );
}

/** The captured requirements.txt and runtime.txt, for review. */
export function EnvironmentSection(props: ISectionProps): JSX.Element {
  const { model, trans, ids } = props;
  const env = model.environment;
  return (
    <fieldset className="jp-OpenbisBridge-section">
      <legend>{trans.__('Environment files')}</legend>
      {env && model.options.recapture ? <CaptureModePicker {...props} /> : null}
      {env ? (
        <>
          <div className="jp-OpenbisBridge-checkboxField">
            <input
              id={ids.env}
              type="checkbox"
              checked={model.includeEnvironment}
              onChange={e => model.setIncludeEnvironment(e.target.checked)}
            />
            <label htmlFor={ids.env}>
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
  );
}

/** Extra files and folders picked next to the notebook. */
export function FilesSection(
  props: ISectionProps & { contents: Contents.IManager }
): JSX.Element {
  const { model, trans } = props;
  return (
    <fieldset className="jp-OpenbisBridge-section">
      <legend>{trans.__('Extra files and folders')}</legend>
      <FilePicker
        trans={trans}
        contents={props.contents}
        startFolder={model.folder}
        exclude={model.exclude}
        selected={model.files}
        onToggle={(path, checked) => model.toggleFile(path, checked)}
      />
      {Object.entries(model.errors)
        .filter(([key]) => key.startsWith('files'))
        .map(([key, text]) => (
          <div key={key} className="jp-OpenbisBridge-fieldError">
            {text}
          </div>
        ))}
    </fieldset>
  );
}
