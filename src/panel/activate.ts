/**
 * The panel plugin's work: make the side panel, its command (palette, View
 * menu, shortcut; see schema/panel.json) and its layout restoration.
 */
import { ILayoutRestorer, JupyterFrontEnd } from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { IStatusBar } from '@jupyterlab/statusbar';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';

import { Bridge } from '../bridge';
import { openbisIcon } from '../icons';
import { CommandIDs, IOpenBISBridge, PACKAGE_NAME } from '../tokens';
import { OpenbisPanel } from './OpenbisPanel';
import { TransfersStatus } from './TransfersView';

export interface IPanelServices {
  restorer: ILayoutRestorer | null;
  palette: ICommandPalette | null;
  translator: ITranslator | null;
  /** Absent in Notebook 7's tree page and in other front ends. */
  statusBar: IStatusBar | null;
}

export function activatePanel(
  app: JupyterFrontEnd,
  bridge: IOpenBISBridge,
  services: IPanelServices
): OpenbisPanel {
  const trans = (services.translator ?? nullTranslator).load(
    'jupyterlab_openbis_bridge'
  );
  const panel = new OpenbisPanel({ bridge, commands: app.commands, trans });
  app.shell.add(panel, 'left', { rank: 650 });
  services.restorer?.add(panel, panel.id);
  app.commands.addCommand(CommandIDs.openPanel, {
    label: trans.__('openBIS Panel'),
    caption: trans.__('Show the openBIS browser in the left side bar'),
    icon: args => (args.isPalette ? undefined : openbisIcon),
    execute: () => {
      app.shell.activateById(panel.id);
      panel.focusTree();
    }
  });
  services.palette?.addItem({
    command: CommandIDs.openPanel,
    category: 'openBIS'
  });
  if (bridge instanceof Bridge) {
    bridge.setPanel(panel);
  }
  services.statusBar?.registerStatusItem(`${PACKAGE_NAME}:transfers`, {
    item: new TransfersStatus(bridge.transfers, trans, () =>
      app.commands.execute(CommandIDs.openPanel)
    ),
    align: 'left',
    rank: 900,
    isActive: () => bridge.transfers.running.length > 0,
    activeStateChanged: bridge.transfers.activity
  });
  return panel;
}
