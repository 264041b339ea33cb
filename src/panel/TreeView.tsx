/**
 * The panel's tree (WAI-ARIA tree pattern): one focusable `tree` whose
 * `aria-activedescendant` follows the focused row. Up/Down move, Right
 * expands or goes to the first child, Left collapses or goes to the parent,
 * Home/End jump, Enter shows details (or loads more).
 */
import { TranslationBundle } from '@jupyterlab/translation';
import {
  caretDownIcon,
  caretRightIcon,
  ReactWidget
} from '@jupyterlab/ui-components';
import React from 'react';

import { ITreeNode, TreeModel } from '../models/tree';
import { formatBytes } from '../format';

/** Short badges of the node kinds (the full name is in the row's title). */
function kindBadge(kind: string): string {
  switch (kind) {
    case 'space':
      return 'S';
    case 'project':
      return 'P';
    case 'experiment':
      return 'E';
    case 'sample':
      return 'O';
    case 'dataSet':
      return 'DS';
    default:
      return '';
  }
}

export function kindName(kind: string, trans: TranslationBundle): string {
  switch (kind) {
    case 'space':
      return trans.__('Space');
    case 'project':
      return trans.__('Project');
    case 'experiment':
      return trans.__('Experiment / collection');
    case 'sample':
      return trans.__('Object');
    case 'dataSet':
      return trans.__('Data set');
    case 'file':
      return trans.__('File');
    default:
      return '';
  }
}

/** The row's second text: a name or type for entities, the size for files. */
function secondary(node: ITreeNode): string {
  const entity = node.entity as Record<string, any> | null;
  if (!entity) {
    return '';
  }
  if (node.kind === 'file') {
    return formatBytes(entity.size);
  }
  const name = entity.properties?.['$NAME'] ?? entity.name;
  const parts = node.kind === 'dataSet' ? [entity.type] : [name, entity.type];
  return parts.filter(part => part && part !== node.label).join(' · ');
}

function messageText(node: ITreeNode, trans: TranslationBundle): string {
  switch (node.key) {
    case 'loading':
      return trans.__('Loading…');
    case 'empty':
      return trans.__('Nothing here');
    default:
      return node.label;
  }
}

/** Pixels the pointer moves with the button down before a drag starts (as in the file browser). */
const DRAG_THRESHOLD = 5;

/** Start dragging `node` from the pointer position (data sets and files only). */
export type TreeDragStart = (
  node: ITreeNode,
  clientX: number,
  clientY: number
) => void;

function scrollIntoView(element: HTMLElement | null): void {
  element?.scrollIntoView?.({ block: 'nearest' });
}

export class TreeView extends ReactWidget {
  constructor(
    private readonly _model: TreeModel,
    private readonly _trans: TranslationBundle,
    private readonly _dragStart: TreeDragStart | null = null
  ) {
    super();
    this.addClass('jp-OpenbisBridge-treeView');
    _model.changed.connect(this._onChanged, this);
  }

  dispose(): void {
    this._model.changed.disconnect(this._onChanged, this);
    super.dispose();
  }

  /** Give the keyboard focus to the tree (e.g. when the panel opens). */
  focusTree(): void {
    this.node.querySelector<HTMLElement>('[role="tree"]')?.focus();
  }

  render(): JSX.Element {
    const model = this._model;
    const trans = this._trans;
    const rows = model.visibleRows();
    const focused = model.focused;
    return (
      <div
        role="tree"
        tabIndex={0}
        className="jp-OpenbisBridge-tree"
        aria-label={trans.__('openBIS entities')}
        aria-busy={model.root.loading}
        aria-activedescendant={focused ? this._domId(focused) : undefined}
        onKeyDown={event => this._onKeyDown(event)}
        onFocus={() => {
          if (!model.focused) {
            model.moveFocus(1);
          }
        }}
      >
        {rows.map(row => this._renderRow(row, focused))}
      </div>
    );
  }

  private _renderRow(node: ITreeNode, focused: ITreeNode | null) {
    const trans = this._trans;
    const model = this._model;
    const isFocused = focused?.id === node.id;
    const style = { paddingLeft: `${(node.level - 1) * 14 + 4}px` };
    if (node.kind === 'message') {
      return (
        <div
          key={node.id}
          role="treeitem"
          aria-level={node.level}
          aria-disabled={true}
          className={`jp-OpenbisBridge-treeMessage jp-mod-${node.key}`}
          style={style}
        >
          {messageText(node, trans)}
        </div>
      );
    }
    if (node.kind === 'more') {
      return (
        <div
          key={node.id}
          id={this._domId(node)}
          role="treeitem"
          aria-level={node.level}
          ref={isFocused ? scrollIntoView : undefined}
          className={`jp-OpenbisBridge-treeRow jp-OpenbisBridge-loadMore${isFocused ? ' jp-mod-focused' : ''}`}
          style={style}
          onClick={() => {
            model.focus(node);
            void model.loadMore(node);
          }}
        >
          {trans.__('Load more…')}
        </div>
      );
    }
    return this._renderEntityRow(node, isFocused, style);
  }

  private _renderEntityRow(
    node: ITreeNode,
    isFocused: boolean,
    style: React.CSSProperties
  ) {
    const model = this._model;
    const selected = model.selected?.id === node.id;
    const Caret = node.expanded ? caretDownIcon : caretRightIcon;
    const classes = ['jp-OpenbisBridge-treeRow', `jp-mod-${node.kind}`];
    if (isFocused) {
      classes.push('jp-mod-focused');
    }
    if (selected) {
      classes.push('jp-mod-selected');
    }
    return (
      <div
        key={node.id}
        id={this._domId(node)}
        role="treeitem"
        aria-level={node.level}
        aria-expanded={node.expandable ? node.expanded : undefined}
        aria-selected={selected}
        aria-busy={node.loading || undefined}
        data-kind={node.kind}
        draggable={false}
        ref={isFocused ? scrollIntoView : undefined}
        title={`${kindName(node.kind, this._trans)}: ${node.label}`}
        className={classes.join(' ')}
        style={style}
        onClick={() => model.select(node)}
        onMouseDown={event => this._onMouseDown(event, node)}
      >
        <span
          className="jp-OpenbisBridge-twisty"
          onClick={event => {
            event.stopPropagation();
            model.focus(node);
            void model.toggle(node);
          }}
        >
          {node.expandable ? <Caret.react tag="span" /> : null}
        </span>
        {node.kind !== 'file' ? (
          <span className="jp-OpenbisBridge-kindBadge" aria-hidden={true}>
            {kindBadge(node.kind)}
          </span>
        ) : null}
        <span className="jp-OpenbisBridge-treeLabel">{node.label}</span>
        <span className="jp-OpenbisBridge-treeSecondary">
          {secondary(node)}
        </span>
      </div>
    );
  }

  /** A press on a data set or file row becomes a drag once the pointer moves. */
  private _onMouseDown(event: React.MouseEvent, node: ITreeNode): void {
    const dragStart = this._dragStart;
    if (
      !dragStart ||
      event.button !== 0 ||
      (node.kind !== 'dataSet' && node.kind !== 'file')
    ) {
      return;
    }
    const start = { x: event.clientX, y: event.clientY };
    const move = (moved: MouseEvent): void => {
      const distance =
        Math.abs(moved.clientX - start.x) + Math.abs(moved.clientY - start.y);
      if (distance >= DRAG_THRESHOLD) {
        stop();
        moved.preventDefault();
        dragStart(node, moved.clientX, moved.clientY);
      }
    };
    const stop = (): void => {
      document.removeEventListener('mousemove', move, true);
      document.removeEventListener('mouseup', stop, true);
    };
    document.addEventListener('mousemove', move, true);
    document.addEventListener('mouseup', stop, true);
  }

  private _onKeyDown(event: React.KeyboardEvent): void {
    const model = this._model;
    const actions: Record<string, () => unknown> = {
      ArrowDown: () => model.moveFocus(1),
      ArrowUp: () => model.moveFocus(-1),
      ArrowRight: () => model.right(),
      ArrowLeft: () => model.left(),
      Home: () => model.moveFocus(-Infinity),
      End: () => model.moveFocus(Infinity),
      Enter: () => model.activate(),
      ' ': () => model.activate()
    };
    const action = actions[event.key];
    if (action) {
      event.preventDefault();
      event.stopPropagation();
      void action();
    }
  }

  private _onChanged(): void {
    const tree = this.node.querySelector('[role="tree"]');
    if (
      tree &&
      document.activeElement === tree &&
      !this._model.focused &&
      this._model.roots.length
    ) {
      // Rows arrived while the tree had the focus: start on the first one.
      this._model.moveFocus(1);
      return;
    }
    this.update();
  }

  /** A DOM id for a node's row (aria-activedescendant). */
  private _domId(node: ITreeNode): string {
    let n = this._ids.get(node.id);
    if (n === undefined) {
      n = this._ids.size + 1;
      this._ids.set(node.id, n);
    }
    return `${this.id || 'jp-OpenbisBridge-tree'}-node-${n}`;
  }

  private _ids = new Map<string, number>();
}
