/**
 * Links from the openBIS ELN: `lab?openbis-entity=…&openbis-datasets=…`
 * (JupyterLab) or `tree?…` (Notebook 7) creates a notebook for that entity
 * after asking once. The parameters are read once at start-up and removed
 * from the address at once, so a reload does not ask again; opening the link
 * itself changes nothing (docs/deep-links.md).
 */
import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { INotebookTracker } from '@jupyterlab/notebook';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';

import { IBridgeConnections, IOpenBISBridge, PACKAGE_NAME } from '../tokens';
import { handleDeepLink } from './flow';
import { parseDeepLink, withoutDeepLinkParams } from './parse';

/** How long to wait for the bridge's first list of connections. */
const CONNECTIONS_WAIT_MS = 15000;

export const deepLinkPlugin: JupyterFrontEndPlugin<void> = {
  id: `${PACKAGE_NAME}:deep-link`,
  description:
    'Opens links from the openBIS ELN: a notebook for an entity and its data sets.',
  autoStart: true,
  requires: [IOpenBISBridge],
  optional: [ITranslator, INotebookTracker],
  activate: (
    app: JupyterFrontEnd,
    bridge: IOpenBISBridge,
    translator: ITranslator | null,
    tracker: INotebookTracker | null
  ): void => {
    const parsed = parseDeepLink(window.location.search);
    if (parsed.kind === 'none') {
      return;
    }
    window.history.replaceState(
      window.history.state,
      '',
      withoutDeepLinkParams(window.location.href)
    );
    const trans = (translator ?? nullTranslator).load(
      'jupyterlab_openbis_bridge'
    );
    void app.restored
      .then(() => firstConnections(bridge.connections))
      .then(() => handleDeepLink(parsed, { app, bridge, trans, tracker }))
      .catch(error => console.error('openBIS bridge: deep link failed', error));
  }
};

/**
 * Resolves once the bridge has loaded its connections (it restores the
 * remembered active one first), or after CONNECTIONS_WAIT_MS.
 */
function firstConnections(connections: IBridgeConnections): Promise<void> {
  if (connections.connections.length > 0) {
    return Promise.resolve();
  }
  return new Promise(resolve => {
    const done = () => {
      clearTimeout(timer);
      connections.changed.disconnect(done);
      resolve();
    };
    const timer = setTimeout(done, CONNECTIONS_WAIT_MS);
    connections.changed.connect(done);
  });
}
