/**
 * The side panel's tree: space → project → experiment/collection → object
 * (sample) → data set → files, each level loaded from the server when it is
 * first expanded, a page at a time ("Load more" fetches the next one); or the
 * results of a server-side search. Holds the expansion state, the keyboard
 * focus and the node whose details are shown.
 */
import { ISignal, Signal } from '@lumino/signaling';

import {
  ApiError,
  getDataSet,
  listDataSets,
  listExperiments,
  listProjects,
  listSamples,
  listSpaces,
  search
} from '../api';
import {
  IDataSet,
  IDataSetFile,
  IExperiment,
  IPage,
  IProject,
  ISample,
  ISpace,
  SearchKind
} from '../types';

export type TreeNodeKind =
  | 'space'
  | 'project'
  | 'experiment'
  | 'sample'
  | 'dataSet'
  | 'file'
  | 'more'
  | 'message';

export type TreeEntity =
  ISpace | IProject | IExperiment | ISample | IDataSet | IDataSetFile;

export interface ITreeNode {
  /** Unique in the tree: the path of keys from the root. */
  readonly id: string;
  readonly kind: TreeNodeKind;
  /** permId, code or file path; for message rows `error`, `loading` or `empty`. */
  readonly key: string;
  readonly label: string;
  /** 1 for the top level (aria-level). */
  readonly level: number;
  readonly parent: ITreeNode | null;
  readonly entity: TreeEntity | null;
  /** The data set a file belongs to (its permId); null for other kinds. */
  readonly dataSet: string | null;
  readonly expandable: boolean;
  readonly expanded: boolean;
  readonly loading: boolean;
  /** Null until first loaded. */
  readonly children: readonly ITreeNode[] | null;
  readonly error: string | null;
}

class TreeNode implements ITreeNode {
  constructor(
    readonly kind: TreeNodeKind,
    readonly key: string,
    readonly label: string,
    readonly parent: TreeNode | null,
    readonly entity: TreeEntity | null = null,
    readonly dataSet: string | null = null
  ) {
    this.id = parent ? `${parent.id}/${kind}:${key}` : `${kind}:${key}`;
    this.level = parent ? parent.level + 1 : 1;
  }
  readonly id: string;
  readonly level: number;
  get expandable(): boolean {
    return !['file', 'more', 'message'].includes(this.kind);
  }
  expanded = false;
  loading = false;
  children: TreeNode[] | null = null;
  error: string | null = null;
  sources: ISource[] | null = null;
}

/** A paged list of children: each call gives the next page. */
interface ISource {
  next(limit: number): Promise<TreeNode[]>;
  hasMore: boolean;
}

function pagedSource<T>(
  fetch: (offset: number, limit: number) => Promise<IPage<T>>,
  toNodes: (items: T[]) => TreeNode[]
): ISource {
  let offset = 0;
  const source: ISource = {
    hasMore: true,
    next: async limit => {
      const page = await fetch(offset, limit);
      offset += page.items.length;
      source.hasMore = page.items.length > 0 && offset < page.totalCount;
      return toNodes(page.items);
    }
  };
  return source;
}

/** Data sets by their name (their codes are timestamps); the rest by code. */
function entityLabel(e: IExperiment | ISample | IDataSet): string {
  const name = e.properties?.['$NAME'] ?? e.name;
  if (e.kind === 'dataSet' && typeof name === 'string' && name) {
    return name;
  }
  return e.code ?? e.permId;
}

/** Paths inside a data set as users know them: without openBIS's `original/`. */
export function fileLabel(path: string): string {
  return path.replace(/^original\//, '');
}

const SEARCH_KINDS: SearchKind[] = ['experiment', 'sample', 'dataSet'];

export interface ITreeModelOptions {
  /** Entries per page, read at every load (the `pageSize` setting). */
  pageSize: () => number;
}

export class TreeModel {
  constructor(private readonly _options: ITreeModelOptions) {}

  /** Emitted whenever anything the tree shows changes. */
  get changed(): ISignal<this, void> {
    return this._changed;
  }
  get connection(): string | null {
    return this._connection;
  }
  /** The active search ('' while browsing). */
  get query(): string {
    return this._query;
  }
  get roots(): readonly ITreeNode[] {
    return this._root.children ?? [];
  }
  /** Loading, error and paging state of the top level. */
  get root(): ITreeNode {
    return this._root;
  }
  get focused(): ITreeNode | null {
    return this._find(this._focused);
  }
  /** The node whose details are shown. */
  get selected(): ITreeNode | null {
    return this._find(this._selected);
  }

  /** Browse `connection` (null: nothing) from the top, forgetting the tree. */
  async setConnection(connection: string | null): Promise<void> {
    this._connection = connection;
    this._query = '';
    await this.reload();
  }

  /** Search on the server; an empty query goes back to browsing. */
  async search(query: string): Promise<void> {
    this._query = query.trim();
    await this.reload();
  }

  /** Drop everything loaded and load the top level again. */
  async reload(): Promise<void> {
    this._generation += 1;
    this._root = new TreeNode('message', 'root', '', null);
    this._focused = null;
    this._selected = null;
    if (!this._connection) {
      this._changed.emit();
      return;
    }
    this._root.sources = [this._rootSource()];
    this._root.expanded = true;
    await this._loadPage(this._root);
  }

  /** Rows in display order: expanded nodes' children, "Load more" and message rows. */
  visibleRows(): ITreeNode[] {
    const rows: ITreeNode[] = [];
    const walk = (node: TreeNode) => {
      for (const child of node.children ?? []) {
        rows.push(child);
        if (child.expanded) {
          walk(child);
        }
      }
      rows.push(...this._extraRows(node));
    };
    walk(this._root);
    return rows;
  }

  async expand(node: ITreeNode): Promise<void> {
    const n = this._own(node);
    if (!n || !n.expandable || n.expanded) {
      return;
    }
    n.expanded = true;
    if (n.children === null && !n.loading) {
      n.sources = this._sourcesOf(n);
      await this._loadPage(n);
    } else {
      this._changed.emit();
    }
  }

  collapse(node: ITreeNode): void {
    const n = this._own(node);
    if (n?.expanded) {
      n.expanded = false;
      this._changed.emit();
    }
  }

  toggle(node: ITreeNode): Promise<void> {
    if (node.expanded) {
      this.collapse(node);
      return Promise.resolve();
    }
    return this.expand(node);
  }

  /** Load the next page under `more`'s parent (or the top level); focus its first new row. */
  async loadMore(more: ITreeNode): Promise<void> {
    const parent = this._own(more.parent) ?? this._root;
    if (parent.loading) {
      return;
    }
    const before = parent.children?.length ?? 0;
    await this._loadPage(parent);
    const first = parent.children?.[before];
    if (first && this._focused === more.id) {
      this._focused = first.id;
      this._changed.emit();
    }
  }

  focus(node: ITreeNode | null): void {
    this._focused = node?.id ?? null;
    this._changed.emit();
  }

  /** Show `node`'s details (Enter or a click). */
  select(node: ITreeNode | null): void {
    this._selected = node?.id ?? null;
    this._focused = node?.id ?? this._focused;
    this._changed.emit();
  }

  /** Up/Down: the previous/next focusable row (message rows are skipped). */
  moveFocus(delta: number): void {
    const rows = this.visibleRows().filter(r => r.kind !== 'message');
    if (!rows.length) {
      return;
    }
    const index = rows.findIndex(r => r.id === this._focused);
    const next =
      index === -1
        ? delta > 0
          ? 0
          : rows.length - 1
        : Math.min(rows.length - 1, Math.max(0, index + delta));
    this.focus(rows[next]);
  }

  /** Right: expand the focused node, or go to its first child when it is open. */
  async right(): Promise<void> {
    const node = this.focused;
    if (!node || !node.expandable) {
      return;
    }
    if (!node.expanded) {
      await this.expand(node);
      return;
    }
    const first = this.visibleRows().find(
      r => r.parent?.id === node.id && r.kind !== 'message'
    );
    if (first) {
      this.focus(first);
    }
  }

  /** Left: collapse the focused node, or go to its parent. */
  left(): void {
    const node = this.focused;
    if (!node) {
      return;
    }
    if (node.expanded) {
      this.collapse(node);
    } else if (node.parent && node.parent.id !== this._root.id) {
      this.focus(node.parent);
    }
  }

  /** Enter: "Load more" loads; any other row shows its details. */
  async activate(): Promise<void> {
    const node = this.focused;
    if (node?.kind === 'more') {
      await this.loadMore(node);
    } else if (node) {
      this.select(node);
    }
  }

  dispose(): void {
    this._generation += 1;
    Signal.clearData(this);
  }

  private _extraRows(node: TreeNode): TreeNode[] {
    const rows: TreeNode[] = [];
    if (node.error) {
      rows.push(new TreeNode('message', 'error', node.error, node));
    } else if (node.loading) {
      rows.push(new TreeNode('message', 'loading', 'Loading…', node));
    } else if (node.children?.length === 0) {
      rows.push(new TreeNode('message', 'empty', '', node));
    }
    // After a failed first page, collapsing and expanding again retries.
    const retryByExpanding = node.error !== null && node.children === null;
    if (
      !node.loading &&
      !retryByExpanding &&
      node.sources?.some(s => s.hasMore)
    ) {
      rows.push(new TreeNode('more', 'more', '', node));
    }
    return rows.map(row => this._fixParent(row, node));
  }

  /** Rows of the top level have no parent, like the nodes beside them. */
  private _fixParent(row: TreeNode, node: TreeNode): TreeNode {
    if (node !== this._root) {
      return row;
    }
    const fixed = new TreeNode(row.kind, row.key, row.label, null);
    return fixed;
  }

  private async _loadPage(node: TreeNode): Promise<void> {
    const generation = this._generation;
    const sources = (node.sources ?? []).filter(s => s.hasMore);
    node.loading = true;
    node.error = null;
    this._changed.emit();
    try {
      const limit = Math.max(1, this._options.pageSize());
      const pages = await Promise.all(sources.map(s => s.next(limit)));
      if (generation !== this._generation) {
        return;
      }
      node.children = pages.reduce(
        (all, page) => all.concat(page),
        node.children ?? []
      );
    } catch (error) {
      if (generation !== this._generation) {
        return;
      }
      node.error = error instanceof ApiError ? error.message : String(error);
    }
    node.loading = false;
    this._changed.emit();
  }

  private _rootSource(): ISource {
    const c = this._connection!;
    if (!this._query) {
      return pagedSource(
        (offset, limit) => listSpaces(c, { offset, limit }),
        items => items.map(s => new TreeNode('space', s.code, s.code, null, s))
      );
    }
    return this._searchSource(c, this._query);
  }

  /** One search call per page for the kinds that still have more results. */
  private _searchSource(c: string, query: string): ISource {
    let offset = 0;
    let kinds = SEARCH_KINDS;
    const source: ISource = {
      hasMore: true,
      next: async limit => {
        const answer = await search(c, query, kinds, { offset, limit });
        const nodes: TreeNode[] = [];
        const stillMore: SearchKind[] = [];
        for (const kind of kinds) {
          const page = answer.results[kind];
          for (const item of page?.items ?? []) {
            nodes.push(this._entityNode(item, null));
          }
          if (page && offset + page.items.length < page.totalCount) {
            stillMore.push(kind);
          }
        }
        offset += limit;
        kinds = stillMore;
        source.hasMore = stillMore.length > 0;
        return nodes;
      }
    };
    return source;
  }

  private _entityNode(
    item: IExperiment | ISample | IDataSet,
    parent: TreeNode | null
  ): TreeNode {
    return new TreeNode(
      item.kind,
      item.permId,
      entityLabel(item),
      parent,
      item
    );
  }

  private _sourcesOf(n: TreeNode): ISource[] {
    const c = this._connection!;
    const entity = n.entity as any;
    const entities = <T extends IExperiment | ISample | IDataSet>(items: T[]) =>
      items.map(item => this._entityNode(item, n));
    switch (n.kind) {
      case 'space':
        return [
          pagedSource(
            (offset, limit) => listProjects(c, entity.code, { offset, limit }),
            items =>
              items.map(p => new TreeNode('project', p.code, p.code, n, p))
          )
        ];
      case 'project': {
        const project = entity.identifier ?? entity.permId;
        return [
          pagedSource(
            (offset, limit) => listExperiments(c, project, { offset, limit }),
            entities
          )
        ];
      }
      case 'experiment': {
        const experiment = entity.identifier ?? entity.permId;
        return [
          pagedSource(
            (offset, limit) =>
              listSamples(c, { experiment }, { offset, limit }),
            entities
          ),
          // All its data sets, as the ELN's collection page lists them
          // (those of its objects appear under the objects too).
          pagedSource(
            (offset, limit) =>
              listDataSets(c, { experiment }, { offset, limit }),
            entities
          )
        ];
      }
      case 'sample':
        return [
          pagedSource(
            (offset, limit) =>
              listDataSets(c, { sample: entity.permId }, { offset, limit }),
            entities
          )
        ];
      case 'dataSet':
        return [this._fileSource(c, n)];
      default:
        return [];
    }
  }

  /** A data set's files come in one answer; they are shown a page at a time. */
  private _fileSource(c: string, n: TreeNode): ISource {
    let files: IDataSetFile[] | null = null;
    let offset = 0;
    const permId = (n.entity as IDataSet).permId;
    const source: ISource = {
      hasMore: true,
      next: async limit => {
        if (files === null) {
          files = (await getDataSet(c, permId)).files;
        }
        const page = files.slice(offset, offset + limit);
        offset += page.length;
        source.hasMore = offset < files.length;
        return page.map(
          f => new TreeNode('file', f.path, fileLabel(f.path), n, f, permId)
        );
      }
    };
    return source;
  }

  private _own(node: ITreeNode | null): TreeNode | null {
    return node ? this._find(node.id) : null;
  }

  private _find(id: string | null): TreeNode | null {
    if (id === null) {
      return null;
    }
    const search = (nodes: TreeNode[] | null): TreeNode | null => {
      for (const node of nodes ?? []) {
        if (node.id === id) {
          return node;
        }
        if (id.startsWith(`${node.id}/`)) {
          return search(node.children) ?? this._extraOf(node, id);
        }
      }
      return null;
    };
    return search(this._root.children) ?? this._extraOf(this._root, id);
  }

  /** The "Load more" row under `node`, found by id. */
  private _extraOf(node: TreeNode, id: string): TreeNode | null {
    return this._extraRows(node).find(r => r.id === id) ?? null;
  }

  private _connection: string | null = null;
  private _query = '';
  private _root = new TreeNode('message', 'root', '', null);
  private _focused: string | null = null;
  private _selected: string | null = null;
  private _generation = 0;
  private _changed = new Signal<this, void>(this);
}
