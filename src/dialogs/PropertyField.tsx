/**
 * One typed property widget: vocabulary select, number, checkbox, date,
 * date-time, multi-line text, link or text, with its label and error.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import React from 'react';

import { FormValue, InputKind, inputKind } from '../properties';
import { IPropertyType } from '../types';
import { describedBy, Field } from './fields';

export interface IPropertyFieldProps {
  trans: TranslationBundle;
  id: string;
  property: IPropertyType;
  value: FormValue | undefined;
  error?: string;
  onChange: (value: FormValue) => void;
}

export function PropertyField(props: IPropertyFieldProps): JSX.Element {
  const { property, id, error } = props;
  const label = property.label || property.code;
  const kind = inputKind(property);
  if (kind === 'checkbox') {
    return <CheckboxProperty {...props} label={label} />;
  }
  return (
    <Field
      id={id}
      label={label}
      mandatory={property.mandatory}
      error={error}
      hint={property.description !== label ? property.description : null}
    >
      {textControl(props, kind)}
    </Field>
  );
}

/** A checkbox carries its own label and error (the label follows the box). */
function CheckboxProperty(
  props: IPropertyFieldProps & { label: string }
): JSX.Element {
  const { property, id, error } = props;
  return (
    <div
      className={`jp-OpenbisBridge-field jp-OpenbisBridge-checkboxField${error ? ' jp-mod-invalid' : ''}`}
    >
      <input
        id={id}
        type="checkbox"
        data-property={property.code}
        checked={props.value === true || props.value === 'true'}
        onChange={e => props.onChange(e.target.checked)}
        {...describedBy(id, error)}
      />
      <label htmlFor={id}>{props.label}</label>
      {error ? (
        <div
          id={`${id}-error`}
          className="jp-OpenbisBridge-fieldError"
          role="alert"
        >
          {error}
        </div>
      ) : null}
    </div>
  );
}

/** The control of every kind but the checkbox, editing the value as text. */
function textControl(
  props: IPropertyFieldProps,
  kind: Exclude<InputKind, 'checkbox'>
): JSX.Element {
  const { property, id, error, trans } = props;
  const common = {
    id,
    className: 'jp-mod-styled',
    'data-property': property.code,
    'aria-required': property.mandatory,
    ...describedBy(id, error),
    value: typeof props.value === 'string' ? props.value : '',
    onChange: (e: { target: { value: string } }) =>
      props.onChange(e.target.value)
  };
  switch (kind) {
    case 'select':
      return (
        <select {...common}>
          <option value="">
            {property.mandatory ? trans.__('Choose…') : trans.__('(none)')}
          </option>
          {property.terms.map(term => (
            <option
              key={term.code}
              value={term.code}
              title={term.description ?? undefined}
            >
              {term.label || term.code}
            </option>
          ))}
        </select>
      );
    case 'integer':
    case 'real':
      // Text with a numeric keyboard: native number inputs are `:invalid` on a step
      // mismatch, which makes JupyterLab disable the dialog's button without a message.
      return (
        <input
          {...common}
          type="text"
          inputMode={kind === 'integer' ? 'numeric' : 'decimal'}
          autoComplete="off"
          placeholder={
            kind === 'integer' ? trans.__('whole number') : trans.__('number')
          }
        />
      );
    case 'date':
      return <input {...common} type="date" />;
    case 'datetime':
      return <input {...common} type="datetime-local" />;
    case 'textarea':
      return <textarea {...common} rows={3} />;
    case 'url':
      return <input {...common} type="text" inputMode="url" />;
    default:
      return <input {...common} type="text" />;
  }
}
