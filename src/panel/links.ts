/**
 * What the panel's actions copy and open for a tree node.
 */
import { IDataSet, IExperiment, IProject, ISample, ISpace } from '../types';
import { ITreeNode } from '../models/tree';

const ELN_VIEWS: Record<string, string> = {
  project: 'showViewProjectPageFromPermId',
  experiment: 'showViewExperimentPageFromPermId',
  sample: 'showViewSamplePageFromPermId',
  dataSet: 'showViewDataSetPageFromPermId'
};

/** The node's permId (a file: its data set's), or null. */
export function permIdOf(node: ITreeNode): string | null {
  if (node.kind === 'file') {
    return node.dataSet;
  }
  const entity = node.entity as { permId?: string | null } | null;
  return entity?.permId ?? null;
}

/** The node's identifier (`/SPACE/PROJECT/…`; a space: its code), or null. */
export function identifierOf(node: ITreeNode): string | null {
  switch (node.kind) {
    case 'space':
      return (node.entity as ISpace).code;
    case 'project':
    case 'experiment':
    case 'sample':
    case 'dataSet': {
      const entity = node.entity as IProject | IExperiment | ISample | IDataSet;
      return entity.identifier ?? null;
    }
    default:
      return null;
  }
}

/** The data set a download or "Insert code" of this node concerns. */
export function dataSetOf(node: ITreeNode): string | null {
  return node.kind === 'dataSet' || node.kind === 'file'
    ? permIdOf(node)
    : null;
}

/** The node's page in the openBIS ELN of `instanceUrl`, or null. */
export function elnUrl(instanceUrl: string, node: ITreeNode): string | null {
  const base = `${instanceUrl.replace(/\/+$/, '')}/openbis/webapp/eln-lims/?menuUniqueId=null`;
  if (node.kind === 'space') {
    const code = (node.entity as ISpace).code;
    return `${base}&viewName=showSpacePage&viewData=${encodeURIComponent(code)}`;
  }
  const kind = node.kind === 'file' ? 'dataSet' : node.kind;
  const view = ELN_VIEWS[kind];
  const permId = permIdOf(node);
  return view && permId
    ? `${base}&viewName=${view}&viewData=${encodeURIComponent(permId)}`
    : null;
}
