/**
 * The values of the add/edit connection form: from a profile, checked on the
 * client, and turned into the fields the server expects.
 */
import { TranslationBundle } from '@jupyterlab/translation';

import { IConnection, IProfileFields } from '../types';

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
