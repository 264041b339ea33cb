/**
 * Display names and CSS modifiers of connection states, shared by the
 * Connect dialog and the toolbar indicator.
 */
import { TranslationBundle } from '@jupyterlab/translation';

import { ConnectionStatus } from './types';

export function statusLabel(
  status: ConnectionStatus | null,
  trans: TranslationBundle
): string {
  switch (status) {
    case 'connected':
      return trans.__('Connected');
    case 'not_logged_in':
      return trans.__('Not logged in');
    case 'session_expired':
      return trans.__('Session expired');
    case 'unreachable':
      return trans.__('Unreachable');
    case 'auth_failed':
      return trans.__('Login failed');
    default:
      return trans.__('No connection');
  }
}

/** `jp-OpenbisBridge-status jp-mod-<state>`: the colour comes from theme variables. */
export function statusClass(status: ConnectionStatus | null): string {
  return `jp-OpenbisBridge-status jp-mod-${status ?? 'none'}`;
}
