/**
 * What happens after a deep link was read, each step awaited in order: check
 * its grammar, resolve it on the server (reads only), ask once, create the
 * notebook, open it, make the entity the default save target, and download
 * the data sets into the notebook's folder with their provenance recorded.
 * Any refusal is shown in a dialog and creates nothing.
 */
import { JupyterFrontEnd } from '@jupyterlab/application';
import {
  Dialog,
  Notification,
  ReactWidget,
  showDialog,
  showErrorMessage
} from '@jupyterlab/apputils';
import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import { TranslationBundle } from '@jupyterlab/translation';
import React from 'react';

import { describeError } from '../errors';
import { IOpenBISBridge } from '../tokens';
import { ConfirmBody } from './ConfirmBody';
import { DeepLinkResolver, IResolvedLink } from './model';
import {
  candidateNames,
  createNotebook,
  CreateError,
  firstCellSource,
  linkFolder,
  notebookContent
} from './notebook';
import {
  DEEP_LINK_PARAMS,
  IDeepLinkProblem,
  MAX_DATA_SETS,
  ParseResult
} from './parse';

export interface IDeepLinkDeps {
  app: JupyterFrontEnd;
  bridge: IOpenBISBridge;
  trans: TranslationBundle;
  tracker: INotebookTracker | null;
}

/** Handle one link; resolves with the created notebook's path, or null. */
export async function handleDeepLink(
  parsed: ParseResult,
  deps: IDeepLinkDeps
): Promise<string | null> {
  const { trans } = deps;
  if (parsed.kind === 'none') {
    return null;
  }
  if (parsed.kind === 'invalid') {
    await refuse(deps, syntaxMessage(parsed.problem, trans));
    return null;
  }
  const resolver = new DeepLinkResolver(deps.bridge.connections, trans);
  const lookup = Notification.emit(
    trans.__('Looking up %1 in openBIS…', parsed.link.entity.value),
    'in-progress',
    { autoClose: false }
  );
  const resolution = await resolver
    .resolve(parsed.link)
    .finally(() => Notification.dismiss(lookup));
  if (resolution.kind === 'refused') {
    await refuse(deps, resolution.message);
    return null;
  }
  const link = resolution.link;
  if (!(await confirm(link, deps))) {
    return null;
  }
  let path: string;
  try {
    path = await create(link, deps);
  } catch (error) {
    const message =
      error instanceof CreateError
        ? trans.__(
            'No free name or folder for the notebook at %1.',
            error.message
          )
        : describeError(error, trans).message;
    await refuse(deps, trans.__('The notebook was not created: %1', message));
    return null;
  }
  await afterCreate(path, link, deps);
  return path;
}

/** The sentence for a syntax problem, naming the parameter and the value. */
export function syntaxMessage(
  problem: IDeepLinkProblem,
  trans: TranslationBundle
): string {
  const { param, value } = problem;
  switch (problem.kind) {
    case 'missing':
      return trans.__(
        'The link has no %1: it must name the collection or object, e.g. %1=/SPACE/PROJECT/COLLECTION.',
        DEEP_LINK_PARAMS.entity
      );
    case 'duplicate':
      return trans.__('The link gives %1 more than once (%2).', param, value);
    case 'tooMany':
      return trans.__(
        'The link names %1 data sets; at most %2 are allowed.',
        value,
        MAX_DATA_SETS
      );
    default:
      return param === DEEP_LINK_PARAMS.entity
        ? trans.__(
            '“%1” is not an openBIS identifier or permId (expected /SPACE/PROJECT/CODE, /SPACE/CODE or a permId like 20250123080000000-19).',
            value
          )
        : param === DEEP_LINK_PARAMS.dataSets
          ? trans.__(
              '“%1” in %2 is not a data set permId (expected e.g. 20250123080000000-19).',
              value,
              param
            )
          : trans.__('“%1” is not a connection name.', value);
  }
}

async function refuse(deps: IDeepLinkDeps, message: string): Promise<void> {
  await showErrorMessage(
    deps.trans.__('Cannot open the openBIS link'),
    message,
    [Dialog.okButton({ label: deps.trans.__('OK') })]
  );
}

/** "Create a notebook for … with N data sets?" */
async function confirm(
  link: IResolvedLink,
  deps: IDeepLinkDeps
): Promise<boolean> {
  const { trans } = deps;
  const title = trans._n(
    'Create a notebook for %2 with %1 data set?',
    'Create a notebook for %2 with %1 data sets?',
    link.dataSets.length,
    link.entity.identifier
  );
  const body = ReactWidget.create(
    React.createElement(ConfirmBody, {
      link,
      folder: linkFolder(link.entity),
      name: candidateNames(link.entity)[0],
      trans
    })
  );
  const answer = await showDialog({
    title,
    body,
    buttons: [
      Dialog.cancelButton({ label: trans.__('Cancel') }),
      Dialog.okButton({ label: trans.__('Create notebook') })
    ]
  });
  return answer.button.accept;
}

async function create(
  link: IResolvedLink,
  deps: IDeepLinkDeps
): Promise<string> {
  const { app, bridge } = deps;
  const several = bridge.connections.connections.length > 1;
  const specs = app.serviceManager.kernelspecs.specs;
  const spec = specs ? specs.kernelspecs[specs.default] : undefined;
  const content = notebookContent(
    firstCellSource(link, several),
    spec ? { name: spec.name, display_name: spec.display_name } : null,
    { kind: link.entity.kind, identifier: link.entity.identifier }
  );
  return createNotebook(
    app.serviceManager.contents,
    linkFolder(link.entity),
    candidateNames(link.entity),
    content
  );
}

/** Open it, then download and record the data sets (its metadata names the save target). */
async function afterCreate(
  path: string,
  link: IResolvedLink,
  deps: IDeepLinkDeps
): Promise<void> {
  const { app, bridge, trans } = deps;
  const opened = await app.commands.execute('docmanager:open', { path });
  const panel =
    opened instanceof NotebookPanel
      ? opened
      : (deps.tracker?.find(p => p.context.path === path) ?? null);
  Notification.success(
    trans.__('Created %1 for %2.', path, link.entity.identifier),
    { autoClose: 5000 }
  );
  // Without a notebook on this page (Notebook 7's file browser opens it in a
  // new tab) the first cell's load() records the provenance when it runs.
  if (!panel || link.dataSets.length === 0) {
    return;
  }
  await panel.context.ready;
  const result = await bridge.download(
    link.dataSets.map(ds => ds.permId),
    { connection: link.connection, notebook: panel }
  );
  if (result && !panel.isDisposed && !panel.context.model.readOnly) {
    await panel.context.save();
  }
}
