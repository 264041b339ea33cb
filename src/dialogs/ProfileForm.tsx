/**
 * The inline form to add or edit a connection profile (where an openBIS is and
 * how to trust it; never a secret). JupyterLab queues dialogs instead of
 * stacking them, so this lives inside the Connect dialog.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import React from 'react';

import { IConnection, IProfileFields } from '../types';
import { describedBy, ErrorBanner, Field } from './fields';

export interface IProfileValues {
  name: string;
  url: string;
  username: string;
  verifyCertificates: boolean;
  caBundle: string;
}

export function profileValues(existing: IConnection | null): IProfileValues {
  return {
    name: existing?.name ?? '',
    url: existing?.url ?? 'https://',
    username: existing?.username ?? '',
    verifyCertificates: existing?.verifyCertificates ?? true,
    caBundle: existing?.caBundle ?? ''
  };
}

/** Client-side checks; an empty object when the values can be sent. */
export function checkProfile(
  values: IProfileValues,
  creating: boolean,
  trans: TranslationBundle
): Record<string, string> {
  const problems: Record<string, string> = {};
  if (creating && !values.name.trim()) {
    problems.name = trans.__('Give the connection a name.');
  }
  if (!/^https?:\/\/\S+$/.test(values.url.trim())) {
    problems.url = trans.__('Enter the address, starting with https://');
  }
  return problems;
}

export function toProfileFields(
  values: IProfileValues,
  creating: boolean
): IProfileFields {
  const fields: IProfileFields = {
    url: values.url.trim(),
    username: values.username.trim() || null,
    verifyCertificates: values.verifyCertificates,
    caBundle: values.verifyCertificates ? values.caBundle.trim() || null : null
  };
  if (creating) {
    fields.name = values.name.trim();
  }
  return fields;
}

export interface IProfileFormProps {
  trans: TranslationBundle;
  /** Prefix of the inputs' DOM ids. */
  idPrefix: string;
  editing: boolean;
  values: IProfileValues;
  errors: Record<string, string>;
  message: string | null;
  onChange: (patch: Partial<IProfileValues>) => void;
  onSave: () => void;
  onCancel: () => void;
}

export function ProfileForm(props: IProfileFormProps): JSX.Element {
  const { trans, values: v, errors, idPrefix } = props;
  const id = (name: string) => `${idPrefix}-${name}`;
  return (
    <fieldset
      className="jp-OpenbisBridge-login jp-OpenbisBridge-profileForm"
      data-profile-form="true"
    >
      <legend>
        {props.editing
          ? trans.__('Edit connection %1', v.name)
          : trans.__('Add an openBIS connection')}
      </legend>
      <Field
        id={id('name')}
        label={trans.__('Name')}
        mandatory
        error={errors.name}
      >
        <input
          id={id('name')}
          className="jp-mod-styled"
          value={v.name}
          disabled={props.editing}
          placeholder={trans.__('e.g. lab-openbis')}
          onChange={e => props.onChange({ name: e.target.value })}
          {...describedBy(id('name'), errors.name)}
        />
      </Field>
      <Field
        id={id('url')}
        label={trans.__('openBIS URL')}
        mandatory
        error={errors.url}
      >
        <input
          id={id('url')}
          className="jp-mod-styled"
          type="url"
          value={v.url}
          placeholder="https://openbis.example.org"
          onChange={e => props.onChange({ url: e.target.value })}
          {...describedBy(id('url'), errors.url)}
        />
      </Field>
      <Field
        id={id('username')}
        label={trans.__('Default username')}
        error={errors.username}
      >
        <input
          id={id('username')}
          className="jp-mod-styled"
          value={v.username}
          autoComplete="username"
          onChange={e => props.onChange({ username: e.target.value })}
          {...describedBy(id('username'), errors.username)}
        />
      </Field>
      <div className="jp-OpenbisBridge-checkboxField">
        <input
          id={id('verify')}
          type="checkbox"
          checked={v.verifyCertificates}
          onChange={e =>
            props.onChange({ verifyCertificates: e.target.checked })
          }
        />
        <label htmlFor={id('verify')}>
          {trans.__('Verify the server certificate')}
        </label>
      </div>
      <Field
        id={id('ca')}
        label={trans.__('CA bundle (PEM file on the Jupyter server)')}
        error={errors.caBundle}
        hint={trans.__('Leave empty to use the system certificates.')}
      >
        <input
          id={id('ca')}
          className="jp-mod-styled"
          value={v.caBundle}
          disabled={!v.verifyCertificates}
          onChange={e => props.onChange({ caBundle: e.target.value })}
          {...describedBy(id('ca'), errors.caBundle)}
        />
      </Field>
      <ErrorBanner message={props.message} />
      <div className="jp-OpenbisBridge-actions">
        <button
          className="jp-mod-styled jp-mod-reject"
          onClick={props.onCancel}
        >
          {trans.__('Back')}
        </button>
        <button className="jp-mod-styled jp-mod-accept" onClick={props.onSave}>
          {props.editing
            ? trans.__('Save connection')
            : trans.__('Add connection')}
        </button>
      </div>
    </fieldset>
  );
}
