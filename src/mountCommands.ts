/**
 * Data without copying: mount the active connection's data store inside the Jupyter root
 * (sshfs over the DSS's SFTP view), unmount it, and link a data set next to the notebook
 * instead of downloading it (docs/data-without-copying.md).
 */
import { InputDialog, Notification } from '@jupyterlab/apputils';

import { ApiError, mountDataStore, unmountDataStore } from './api';
import { ICommandDeps } from './deps';
import { defaultDestination } from './flows/download';
import { linkDataSets } from './linkInsteadOfCopy';
import { notebookLocalPath } from './notebookPath';

export const MountCommandIDs = {
  mount: 'openbis-bridge:mount-data-store',
  unmount: 'openbis-bridge:unmount-data-store',
  link: 'openbis-bridge:link-dataset'
} as const;

const PALETTE_CATEGORY = 'openBIS';
/** openBIS's DSS serves SFTP here unless configured otherwise. */
const DEFAULT_SFTP_PORT = 2222;

export function registerMountCommands(deps: ICommandDeps): void {
  const { app, model, trans } = deps;
  // Not gated on the status the model last saw: the server answers "log in first" itself.
  const active = () => model.active?.name ?? null;

  app.commands.addCommand(MountCommandIDs.mount, {
    label: trans.__('Mount openBIS Data Store…'),
    caption: trans.__(
      'Mount the data store of the active connection read-only in the Jupyter root (sshfs)'
    ),
    isEnabled: () => active() !== null,
    execute: async () => {
      const name = active();
      const port = await InputDialog.getNumber({
        title: trans.__('Mount the openBIS data store'),
        label: trans.__('SFTP port of the data store'),
        value: DEFAULT_SFTP_PORT
      });
      if (!name || !port.button.accept || port.value === null) {
        return;
      }
      await report(async () => {
        const state = await mountDataStore(name, port.value ?? undefined);
        await model.refresh();
        return trans.__('Data store mounted at %1', state.mountPath ?? '');
      });
    }
  });

  app.commands.addCommand(MountCommandIDs.unmount, {
    label: trans.__('Unmount openBIS Data Store'),
    isEnabled: () => active() !== null,
    execute: async () => {
      const name = active();
      if (name) {
        await report(async () => {
          await unmountDataStore(name);
          await model.refresh();
          return trans.__('Data store unmounted');
        });
      }
    }
  });

  addLinkCommand(deps, active);

  for (const command of Object.values(MountCommandIDs)) {
    deps.palette?.addItem({ command, category: PALETTE_CATEGORY });
  }
}

/** Link one data set, asked for by permId, beside the current notebook. */
function addLinkCommand(deps: ICommandDeps, active: () => string | null): void {
  const { app, trans } = deps;
  app.commands.addCommand(MountCommandIDs.link, {
    label: trans.__('Link openBIS Dataset Instead of Copying…'),
    caption: trans.__(
      'Link data/<permId> beside the notebook to the dataset in the mounted data store'
    ),
    isEnabled: () => active() !== null && deps.tracker.currentWidget !== null,
    execute: async () => {
      const name = active();
      const panel = deps.tracker.currentWidget;
      const permId = await InputDialog.getText({
        title: trans.__('Link instead of copy'),
        label: trans.__('Dataset permId')
      });
      if (!name || !panel || !permId.button.accept || !permId.value) {
        return;
      }
      const wanted = permId.value.trim();
      await report(async () => {
        const outcome = await linkDataSets(
          name,
          [wanted],
          defaultDestination(deps, panel),
          notebookLocalPath(panel, deps)
        );
        if (outcome.failed) {
          throw outcome.failed.error;
        }
        await deps.fileBrowser?.model.refresh();
        return trans.__(
          'Linked %1 to the mounted dataset',
          outcome.linked[0].path
        );
      });
    }
  });
}

/** Run `work` and show its message, or the server's message when it fails. */
async function report(work: () => Promise<string>): Promise<void> {
  try {
    Notification.success(await work(), { autoClose: 5000 });
  } catch (error) {
    const message = error instanceof ApiError ? error.message : String(error);
    Notification.error(message, { autoClose: false });
  }
}
