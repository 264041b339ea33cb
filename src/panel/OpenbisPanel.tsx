/**
 * The openBIS side panel: connection picker and search on top, the tree, the
 * details pane and the transfers below in a resizable split. The tree is loaded the first
 * time the panel is shown, and again when the active connection changes or
 * logs in.
 */
import { Clipboard, Notification } from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';
import { CommandRegistry } from '@lumino/commands';
import { Message } from '@lumino/messaging';
import { Panel, SplitPanel } from '@lumino/widgets';

import { openbisIcon } from '../icons';
import { isMounted } from '../linkInsteadOfCopy';
import { ITreeNode, TreeModel } from '../models/tree';
import { CommandIDs, IOpenBISBridge } from '../tokens';
import { DetailsView, IDetailsActions } from './DetailsView';
import { PanelHeader } from './Header';
import { IDraggedDataSet, startDataSetDrag } from './dragdrop';
import { dataSetOf, elnUrl, identifierOf } from './links';
import { TransfersView } from './TransfersView';
import { TreeView } from './TreeView';

export const PANEL_ID = 'jp-OpenbisBridge-panel';

export interface IOpenbisPanelOptions {
  bridge: Pick<
    IOpenBISBridge,
    'connections' | 'settings' | 'download' | 'transfers'
  >;
  commands: CommandRegistry;
  trans: TranslationBundle;
}

export class OpenbisPanel extends Panel {
  constructor(private readonly _options: IOpenbisPanelOptions) {
    super();
    const { bridge, trans } = _options;
    this.id = PANEL_ID;
    this.addClass('jp-OpenbisBridge-panel');
    this.title.icon = openbisIcon;
    this.title.caption = trans.__('openBIS');
    this.tree = new TreeModel({
      pageSize: () => bridge.settings.values.pageSize
    });
    const header = new PanelHeader(
      bridge.connections,
      this.tree,
      {
        connect: () => void _options.commands.execute(CommandIDs.connect)
      },
      trans
    );
    this._treeView = new TreeView(this.tree, trans, (node, x, y) =>
      this._drag(node, x, y)
    );
    this._treeView.id = `${PANEL_ID}-tree`;
    const details = new DetailsView(this.tree, this._actions(), trans);
    this._details = details;
    const split = new SplitPanel({ orientation: 'vertical', spacing: 4 });
    split.addClass('jp-OpenbisBridge-panelSplit');
    split.addWidget(this._treeView);
    split.addWidget(details);
    this.transfersView = new TransfersView(bridge.transfers, trans);
    this.transfersView.id = `${PANEL_ID}-transfers`;
    split.addWidget(this.transfersView);
    SplitPanel.setStretch(this._treeView, 3);
    SplitPanel.setStretch(details, 2);
    SplitPanel.setStretch(this.transfersView, 1);
    this.addWidget(header);
    this.addWidget(split);
    bridge.connections.changed.connect(this._syncConnection, this);
  }

  /** The tree's data, paging and focus (for tests and other extensions). */
  readonly tree: TreeModel;
  /** The transfers section (running and finished downloads and saves). */
  readonly transfersView: TransfersView;

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._options.bridge.connections.changed.disconnect(
      this._syncConnection,
      this
    );
    this.tree.dispose();
    super.dispose();
  }

  /** Put the keyboard focus into the tree. */
  focusTree(): void {
    this._treeView.focusTree();
  }

  protected onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    const connections = this._options.bridge.connections;
    if (!this._shown && connections.active?.status !== 'connected') {
      // The remembered state may be old: ask openBIS once, when first shown.
      void connections.refresh(true);
    }
    this._shown = true;
    this._syncConnection();
  }

  protected onActivateRequest(msg: Message): void {
    super.onActivateRequest(msg);
    this.focusTree();
  }

  /** Browse the active connection while it is logged in (lazily: once shown). */
  private _syncConnection(): void {
    if (!this._shown) {
      return;
    }
    const active = this._options.bridge.connections.active;
    // An ended session keeps the tree: its next call asks to log in again.
    const keep =
      active?.status === 'session_expired' && active.name === this._browsing;
    const name = active?.status === 'connected' || keep ? active!.name : null;
    if (name !== this._browsing) {
      this._browsing = name;
      void this.tree.setConnection(name);
    }
    this._details.update(); // a mount or unmount changes what Download offers
  }

  private _actions(): IDetailsActions {
    const { bridge, commands, trans } = this._options;
    const connection = () => this.tree.connection ?? undefined;
    return {
      download: (node, link) => {
        const permId = dataSetOf(node);
        if (permId) {
          void bridge.download([permId], {
            connection: connection(),
            files: node.kind === 'file' ? [node.key] : undefined,
            link: link && node.kind === 'dataSet'
          });
        }
      },
      canLink: node => {
        const name = this.tree.connection;
        return (
          node.kind === 'dataSet' &&
          isMounted(bridge.connections.connections.find(c => c.name === name))
        );
      },
      insertCode: node => {
        const permId = dataSetOf(node);
        if (permId) {
          void commands.execute(CommandIDs.insertCode, {
            permIds: [permId],
            connection: connection() ?? null
          });
        }
      },
      canInsert: () => commands.isEnabled(CommandIDs.insertCode),
      copy: text => {
        Clipboard.copyToSystem(text);
        Notification.info(trans.__('Copied %1', text), { autoClose: 3000 });
      },
      canOpen: node => this._url(node) !== null,
      setSaveTarget: node => {
        const identifier = identifierOf(node);
        if (identifier) {
          void commands.execute(CommandIDs.setSaveTarget, {
            kind: node.kind,
            identifier
          });
        }
      },
      openNotebook: node => {
        const permId = dataSetOf(node);
        if (permId) {
          void commands.execute(CommandIDs.openNotebook, {
            permId,
            connection: connection() ?? null
          });
        }
      },
      rerun: node => {
        const permId = dataSetOf(node);
        if (permId) {
          void commands.execute(CommandIDs.rerun, {
            permId,
            connection: connection() ?? null
          });
        }
      },
      openInOpenbis: node => {
        const url = this._url(node);
        if (url) {
          window.open(url, '_blank', 'noopener');
        }
      }
    };
  }

  /** Drag a data set or file row (see dragdrop.ts for where it can land). */
  private _drag(node: ITreeNode, clientX: number, clientY: number): void {
    const permId = dataSetOf(node);
    if (!permId) {
      return;
    }
    const item: IDraggedDataSet = {
      connection: this.tree.connection,
      permId,
      files: node.kind === 'file' ? [node.key] : undefined,
      label: node.label
    };
    void startDataSetDrag(item, clientX, clientY);
  }

  private _url(node: ITreeNode): string | null {
    const name = this.tree.connection;
    if (!name) {
      return null;
    }
    return elnUrl(this._options.bridge.connections.instanceOf(name), node);
  }

  private _treeView: TreeView;
  private _details: DetailsView;
  private _shown = false;
  private _browsing: string | null = null;
}
