/**
 * Client-side coercion and validation of property values against a data-set
 * type's masterdata, mirroring the server's rules so most mistakes are shown
 * before anything is sent. The server validates again.
 */
import { TranslationBundle } from '@jupyterlab/translation';

import { IDataSetType, IPropertyType } from './types';

/** A form value: text from inputs, or a boolean from a checkbox. */
export type FormValue = string | boolean;

/** Error keys use the server's field names, e.g. `properties.NOTES`. */
export function propertyKey(code: string): string {
  return `properties.${code}`;
}

export type InputKind =
  | 'select'
  | 'integer'
  | 'real'
  | 'checkbox'
  | 'date'
  | 'datetime'
  | 'textarea'
  | 'url'
  | 'text';

/** Which widget shows a property of this data type. */
export function inputKind(property: IPropertyType): InputKind {
  switch (property.dataType) {
    case 'CONTROLLEDVOCABULARY':
      return 'select';
    case 'INTEGER':
      return 'integer';
    case 'REAL':
      return 'real';
    case 'BOOLEAN':
      return 'checkbox';
    case 'DATE':
      return 'date';
    case 'TIMESTAMP':
      return 'datetime';
    case 'MULTILINE_VARCHAR':
    case 'XML':
    case 'JSON':
      return 'textarea';
    case 'HYPERLINK':
      return 'url';
    default:
      return 'text';
  }
}

export interface ICoerced {
  /** The value to send, or undefined when the field is empty. */
  value?: string | number | boolean;
  error?: string;
}

const INTEGER_RE = /^[+-]?\d+$/;
const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
const TIMESTAMP_RE = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2})?$/;

export function coerceValue(
  property: IPropertyType,
  raw: FormValue | undefined,
  trans: TranslationBundle
): ICoerced {
  const kind = inputKind(property);
  if (kind === 'checkbox') {
    if (raw === true || raw === 'true') {
      return { value: true };
    }
    // An unticked box means "false" only when a value is required.
    return property.mandatory ? { value: false } : {};
  }
  const text = typeof raw === 'string' ? raw.trim() : '';
  if (!text) {
    return property.mandatory ? { error: trans.__('Required.') } : {};
  }
  switch (kind) {
    case 'integer':
      return INTEGER_RE.test(text) && Number.isSafeInteger(Number(text))
        ? { value: Number(text) }
        : { error: trans.__('Enter a whole number.') };
    case 'real': {
      const number = Number(text);
      return text !== '' && Number.isFinite(number)
        ? { value: number }
        : { error: trans.__('Enter a number.') };
    }
    case 'date':
      return DATE_RE.test(text) && !Number.isNaN(Date.parse(text))
        ? { value: text }
        : { error: trans.__('Enter a date (YYYY-MM-DD).') };
    case 'datetime':
      return TIMESTAMP_RE.test(text)
        ? { value: text.replace('T', ' ') }
        : { error: trans.__('Enter a date and time.') };
    case 'select': {
      const term = property.terms.find(t => t.code === text.toUpperCase());
      return term
        ? { value: term.code }
        : { error: trans.__('Choose one of the listed terms.') };
    }
    case 'url':
      return /^(https?|ftp):\/\/\S+$/.test(text)
        ? { value: text }
        : { error: trans.__('Enter an http(s) link.') };
    default:
      return { value: typeof raw === 'string' ? raw : text };
  }
}

export interface IValidation {
  properties: Record<string, string | number | boolean>;
  errors: Record<string, string>;
}

/** Coerce every property of `type`; errors are keyed like the server's. */
export function validateProperties(
  type: IDataSetType,
  values: Record<string, FormValue>,
  trans: TranslationBundle
): IValidation {
  const properties: Record<string, string | number | boolean> = {};
  const errors: Record<string, string> = {};
  for (const property of type.properties) {
    const result = coerceValue(property, values[property.code], trans);
    if (result.error) {
      errors[propertyKey(property.code)] = result.error;
    } else if (result.value !== undefined) {
      properties[property.code] = result.value;
    }
  }
  return { properties, errors };
}

/** Properties grouped by their assignment's section, in masterdata order. */
export function sections(
  type: IDataSetType,
  fallback: string
): [string, IPropertyType[]][] {
  const groups = new Map<string, IPropertyType[]>();
  for (const property of type.properties) {
    const name = property.section || fallback;
    groups.set(name, [...(groups.get(name) ?? []), property]);
  }
  return Array.from(groups.entries());
}
