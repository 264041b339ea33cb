/**
 * One typed property widget: vocabulary select, number, checkbox, date,
 * date-time, multi-line text, link or text, with its label and error.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import React from 'react';

import { FormValue, inputKind } from '../properties';
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
  const { property, id, error, trans } = props;
  const label = property.label || property.code;
  const text = typeof props.value === 'string' ? props.value : '';
  const aria = describedBy(id, error);
  const common = {
    id,
    className: 'jp-mod-styled',
    'data-property': property.code,
    ...aria
  };
  const kind = inputKind(property);
  let control: JSX.Element;
  switch (kind) {
    case 'select':
      control = (
        <select
          {...common}
          value={text}
          onChange={e => props.onChange(e.target.value)}
        >
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
      break;
    case 'checkbox':
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
            {...aria}
          />
          <label htmlFor={id}>{label}</label>
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
    case 'integer':
    case 'real':
      // Text with a numeric keyboard: native number inputs are `:invalid` on a step
      // mismatch, which makes JupyterLab disable the dialog's button without a message.
      control = (
        <input
          {...common}
          type="text"
          inputMode={kind === 'integer' ? 'numeric' : 'decimal'}
          autoComplete="off"
          placeholder={
            kind === 'integer' ? trans.__('whole number') : trans.__('number')
          }
          value={text}
          onChange={e => props.onChange(e.target.value)}
        />
      );
      break;
    case 'date':
      control = (
        <input
          {...common}
          type="date"
          value={text}
          onChange={e => props.onChange(e.target.value)}
        />
      );
      break;
    case 'datetime':
      control = (
        <input
          {...common}
          type="datetime-local"
          value={text}
          onChange={e => props.onChange(e.target.value)}
        />
      );
      break;
    case 'textarea':
      control = (
        <textarea
          {...common}
          rows={3}
          value={text}
          onChange={e => props.onChange(e.target.value)}
        />
      );
      break;
    case 'url':
      control = (
        <input
          {...common}
          type="text"
          inputMode="url"
          value={text}
          onChange={e => props.onChange(e.target.value)}
        />
      );
      break;
    default:
      control = (
        <input
          {...common}
          type="text"
          value={text}
          onChange={e => props.onChange(e.target.value)}
        />
      );
  }
  return (
    <Field
      id={id}
      label={label}
      mandatory={property.mandatory}
      error={error}
      hint={property.description !== label ? property.description : null}
    >
      {control}
    </Field>
  );
}
