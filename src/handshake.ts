/**
 * The one-time check that the server extension is there and has this
 * frontend's version. A missing or mismatched server is said once, with the
 * fix; nothing else is held up by it.
 */
import { Notification } from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';

import { ApiError, getStatus } from './api';
import { IStatus } from './tokens';

/** The outcome of the handshake. */
export type ServerCheck =
  | { kind: 'ok'; status: IStatus }
  | { kind: 'missing' }
  | { kind: 'mismatch'; server: string; frontend: string }
  | { kind: 'unreachable'; message: string };

/** `0.1.0`, `0.1.0a1` and `0.1.0-alpha.1` name comparable versions. */
export function normalizeVersion(version: string): string {
  return version
    .trim()
    .toLowerCase()
    .replace(/^v/, '')
    .replace(/-?alpha\.?/, 'a')
    .replace(/-?beta\.?/, 'b')
    .replace(/-?rc\.?/, 'rc');
}

/** Ask `GET /openbis-bridge/status` and compare its version with `frontend`. */
export async function checkServer(frontend: string): Promise<ServerCheck> {
  try {
    const status = await getStatus();
    const server = String(status.version ?? '');
    // A source checkout without a build reports "dev": nothing to compare.
    if (server && server !== 'dev' && frontend) {
      if (normalizeVersion(server) !== normalizeVersion(frontend)) {
        return { kind: 'mismatch', server, frontend };
      }
    }
    return { kind: 'ok', status };
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) {
      return { kind: 'missing' };
    }
    return {
      kind: 'unreachable',
      message: error instanceof Error ? error.message : String(error)
    };
  }
}

/** The sentence the user sees, with the fix; null when all is well. */
export function checkMessage(
  check: ServerCheck,
  trans: TranslationBundle
): string | null {
  switch (check.kind) {
    case 'missing':
      return trans.__(
        'The openBIS bridge server extension is not running, so openBIS cannot be reached. Install it with `pip install jupyterlab-openbis-bridge`, enable it with `jupyter server extension enable jupyterlab_openbis_bridge`, then restart Jupyter.'
      );
    case 'mismatch':
      return trans.__(
        'The openBIS bridge frontend (version %1) and server extension (version %2) differ. Install the same version of both with `pip install jupyterlab-openbis-bridge==%1`, then restart Jupyter and reload this page.',
        check.frontend,
        check.server
      );
    default:
      return null;
  }
}

let pending: Promise<ServerCheck> | null = null;

/**
 * Run the handshake on first use only; later calls share its answer. A
 * problem is shown once, as a notification that stays until dismissed.
 */
export function ensureServer(
  frontend: string,
  trans: TranslationBundle
): Promise<ServerCheck> {
  if (!pending) {
    pending = checkServer(frontend).then(check => {
      const message = checkMessage(check, trans);
      if (message) {
        Notification.error(message, { autoClose: false });
      }
      return check;
    });
  }
  return pending;
}

/** The server's status from the handshake, once it ran and succeeded; else null. */
export async function handshakeStatus(): Promise<IStatus | null> {
  const check = pending ? await pending : null;
  return check?.kind === 'ok' ? check.status : null;
}
