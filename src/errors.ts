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
    default:
      message =
        error.status === 0
          ? trans.__('The Jupyter server is unreachable: %1', detail)
          : detail;
  }
  return { message, fields: error.fields ?? {}, reason: error.reason };
}

/** Whether the user has to log in (again) before retrying. */
export function needsLogin(error: unknown): boolean {
  return (
    error instanceof ApiError &&
    (error.reason === 'not_logged_in' || error.reason === 'session_expired')
  );
}
