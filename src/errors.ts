/**
 * Turn failures into sentences a user can act on, keyed by the server's reason.
 */
import { TranslationBundle } from '@jupyterlab/translation';

import { ApiError } from './api';

export interface IProblem {
  /** The sentence shown to the user. */
  message: string;
  /** Per-field messages (keys as the server sends them, e.g. `properties.NOTES`). */
  fields: Record<string, string>;
  reason: string | null;
}

export function describeError(
  error: unknown,
  trans: TranslationBundle
): IProblem {
  if (!(error instanceof ApiError)) {
    return {
      message: error instanceof Error ? error.message : String(error),
      fields: {},
      reason: null
    };
  }
  const detail = error.message;
  let message: string;
  switch (error.reason) {
    case 'auth_failed':
      message = trans.__('Login refused: %1', detail);
      break;
    case 'tls_verification_failed':
      message = trans.__(
        'Certificate problem: %1. Check the CA bundle of this connection.',
        detail
      );
      break;
    case 'upstream_unreachable':
      message = trans.__(
        'openBIS is unreachable: %1. Check the URL and your network.',
        detail
      );
      break;
    case 'upstream_timeout':
      message = trans.__('openBIS did not answer in time: %1', detail);
      break;
    case 'not_logged_in':
    case 'session_expired':
      message = trans.__('Not logged in: %1. Use Connect to log in.', detail);
      break;
    case 'not_found':
      message = trans.__('Not found: %1', detail);
      break;
    case 'invalid_json':
      message = trans.__('The server answered with invalid JSON.');
      break;
    default:
      message =
        error.status === 0
          ? trans.__('The Jupyter server is unreachable: %1', detail)
          : detail;
  }
  return {
    message,
    fields: translateFields(error.fields ?? {}, trans),
    reason: error.reason
  };
}

/**
 * The server's per-field codes (`required`, `invalid`, …) in the user's
 * language; a message without a known code is shown as the server wrote it.
 */
export function translateFields(
  fields: Record<string, string>,
  trans: TranslationBundle
): Record<string, string> {
  const known = fieldTexts(trans);
  const translated: Record<string, string> = {};
  for (const [key, code] of Object.entries(fields)) {
    translated[key] = known[code] ?? code;
  }
  return translated;
}

function fieldTexts(trans: TranslationBundle): Record<string, string> {
  return {
    required: trans.__('Required.'),
    invalid: trans.__('Invalid value.'),
    'unknown field': trans.__('Unknown field.'),
    'not found': trans.__('Not found.'),
    'must be a string': trans.__('Must be text.'),
    'must be a boolean': trans.__('Must be true or false.'),
    'must be an object': trans.__('Must be an object.'),
    'must be a list of strings': trans.__('Must be a list of texts.'),
    'too many values': trans.__('Too many values.'),
    'too many entries': trans.__('Too many entries.'),
    'too many files': trans.__('Too many files.'),
    'single data set only': trans.__('Only for a single data set.'),
    'out of range': trans.__('Out of range.'),
    'not a notebook': trans.__('Not a notebook.'),
    'not a file': trans.__('Not a file.'),
    'not a folder': trans.__('Not a folder.'),
    'no such folder': trans.__('No such folder.'),
    'not a path': trans.__('Not a path.'),
    'invalid path': trans.__('Invalid path.'),
    'empty path': trans.__('Empty path.'),
    'absolute path': trans.__('Must be a relative path.'),
    'hidden path': trans.__('Hidden paths are not allowed.'),
    'outside root': trans.__('Outside the Jupyter root folder.'),
    'is the root': trans.__('Cannot be the root folder.'),
    'parent reference': trans.__('Must not contain "..".'),
    'symbolic link or changed': trans.__(
      'A symbolic link, or changed while being read.'
    ),
    'control characters': trans.__('Must not contain control characters.'),
    'one line': trans.__('Must be a single line.'),
    'invalid character': trans.__('Contains an invalid character.'),
    'invalid code': trans.__('Invalid code.'),
    'invalid encoding': trans.__('Invalid text encoding.'),
    'unknown data-set type': trans.__('Unknown data set type.'),
    'not with password': trans.__('Not together with a password.'),
    'not a readable PEM file': trans.__('Not a readable PEM file.'),
    'file exists': trans.__('A file with this name exists.'),
    'name too long': trans.__('Name too long.'),
    'blank name': trans.__('The name is blank.'),
    'duplicate name': trans.__('Duplicate name.'),
    'experiment or sample': trans.__('Choose an experiment or a sample.'),
    'required (or sample)': trans.__('Required (or a sample).'),
    'cannot be changed': trans.__('Cannot be changed.'),
    conflict: trans.__('Conflicts with existing data.'),
    'bad length': trans.__('Wrong length.')
  };
}
