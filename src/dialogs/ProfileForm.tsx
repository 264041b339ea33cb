/**
 * The inline form to add or edit a connection profile (where an openBIS is and
 * how to trust it; never a secret). JupyterLab queues dialogs instead of
 * stacking them, so this lives inside the Connect dialog.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import React from 'react';

import { IProfileValues } from '../models/profile';
import { describedBy, ErrorBanner, Field } from './fields';

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

/** The form's props plus the DOM id of each input by name. */
interface IPartProps extends IProfileFormProps {
  id: (name: string) => string;
}

export function ProfileForm(props: IProfileFormProps): JSX.Element {
  const { trans, values: v, idPrefix } = props;
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
      <LocationFields {...props} id={id} />
      <TrustFields {...props} id={id} />
      <ErrorBanner message={props.message} />
      <ProfileButtons {...props} />
    </fieldset>
  );
}

/** Name, URL and default username. */
function LocationFields(props: IPartProps): JSX.Element {
  const { trans, values: v, errors, id } = props;
  return (
    <>
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
    </>
  );
}

/** Certificate verification and the CA bundle. */
function TrustFields(props: IPartProps): JSX.Element {
  const { trans, values: v, errors, id } = props;
  return (
    <>
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
    </>
  );
}

function ProfileButtons(props: IProfileFormProps): JSX.Element {
  const { trans } = props;
  return (
    <div className="jp-OpenbisBridge-actions">
      <button className="jp-mod-styled jp-mod-reject" onClick={props.onCancel}>
        {trans.__('Back')}
      </button>
      <button className="jp-mod-styled jp-mod-accept" onClick={props.onSave}>
        {props.editing
          ? trans.__('Save connection')
          : trans.__('Add connection')}
      </button>
    </div>
  );
}
