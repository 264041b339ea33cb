/**
 * Environment drift notice: when a notebook with a recorded environment
 * (src/drift/recorded.ts) opens, its kernel's environment is captured
 * (src/kernel.ts, every installed package) and compared with the recorded one
 * (src/drift/compare.ts); what differs is shown once per notebook and page
 * session (src/drift/notice.ts). The outcome is also set on the notebook's
 * node as `data-openbis-environment` (`matches`, `drifted`, `unchecked`).
 */
import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import { Contents } from '@jupyterlab/services';
import {
  ITranslator,
  nullTranslator,
  TranslationBundle
} from '@jupyterlab/translation';

import { captureEnvironment, kernelLanguage } from '../kernel';
import { CommandIDs, IOpenBISBridge, PACKAGE_NAME } from '../tokens';
import { compareEnvironments, hasDrift, IDrift } from './compare';
import { showDriftNotice } from './notice';
import { findRecordedEnvironment, IRecordedSource } from './recorded';

const CAPTURE_TIMEOUT_MS = 30000;

export type DriftOutcome = 'matches' | 'drifted' | 'unchecked';

/** A text file's content, or null when it cannot be read. */
function textReader(contents: Contents.IManager) {
  return async (path: string): Promise<string | null> => {
    try {
      const model = await contents.get(path, {
        type: 'file',
        format: 'text',
        content: true
      });
      return typeof model.content === 'string' ? model.content : null;
    } catch {
      return null;
    }
  };
}

/** The kernel's environment compared with the recorded one; null when it cannot be captured. */
async function kernelDrift(
  panel: NotebookPanel,
  recorded: IRecordedSource
): Promise<IDrift | null> {
  await panel.sessionContext.ready;
  const kernel = panel.sessionContext.session?.kernel ?? null;
  const info = kernel ? await kernel.info : null;
  const languageName = info?.language_info?.name;
  const language = kernelLanguage(languageName);
  if (!kernel || !language) {
    return null;
  }
  // Every installed package: a recorded one the kernel has not imported yet is not missing.
  const current = await captureEnvironment(kernel, {
    language: languageName,
    mode: 'full',
    timeoutMs: CAPTURE_TIMEOUT_MS
  });
  if (language !== recorded.language) {
    return {
      changed: [],
      missing: [],
      runtime: { recorded: recorded.runtime, current: current.runtime }
    };
  }
  const local = current.localOrigins.map(entry => entry.split(' @ ')[0]);
  return compareEnvironments(recorded, current, language, local);
}

class DriftWatcher {
  constructor(
    private readonly _app: JupyterFrontEnd,
    private readonly _trans: TranslationBundle
  ) {}

  /** Check `panel` once per notebook path and page session. */
  async check(panel: NotebookPanel): Promise<DriftOutcome> {
    await panel.context.ready;
    const contents = this._app.serviceManager.contents;
    const path = contents.localPath(panel.context.path);
    if (this._seen.has(path) || !panel.model) {
      return 'unchecked';
    }
    const recorded = await findRecordedEnvironment(
      panel.model,
      path,
      textReader(contents)
    );
    if (!recorded) {
      return 'unchecked';
    }
    this._seen.add(path);
    let drift: IDrift | null = null;
    try {
      drift = await kernelDrift(panel, recorded);
    } catch (error) {
      // Not being able to compare is no reason to bother the user.
      console.warn('openBIS: environment not compared', error);
    }
    if (!drift) {
      return 'unchecked';
    }
    if (!hasDrift(drift)) {
      return 'matches';
    }
    showDriftNotice(drift, {
      trans: this._trans,
      rerun: this._rerun(recorded)
    });
    return 'drifted';
  }

  private _rerun(recorded: IRecordedSource): (() => void) | null {
    const { permId, connection } = recorded;
    if (!permId || !this._app.commands.hasCommand(CommandIDs.rerun)) {
      return null;
    }
    return () =>
      void this._app.commands.execute(CommandIDs.rerun, {
        permId,
        ...(connection ? { connection } : {})
      });
  }

  private _seen = new Set<string>();
}

export const driftPlugin: JupyterFrontEndPlugin<void> = {
  id: `${PACKAGE_NAME}:drift`,
  description:
    'Tell when an opened notebook’s kernel differs from the environment the notebook recorded.',
  autoStart: true,
  requires: [INotebookTracker, IOpenBISBridge],
  optional: [ITranslator],
  activate: (
    app: JupyterFrontEnd,
    tracker: INotebookTracker,
    bridge: IOpenBISBridge,
    translator: ITranslator | null
  ): void => {
    const trans = (translator ?? nullTranslator).load(
      'jupyterlab_openbis_bridge'
    );
    const watcher = new DriftWatcher(app, trans);
    tracker.widgetAdded.connect((_, panel) => {
      // Read live: turning the notice off in the Settings Editor holds at once.
      if (!bridge.settings.values.environmentDriftNotice) {
        panel.node.dataset.openbisEnvironment = 'unchecked';
        return;
      }
      void watcher.check(panel).then(
        outcome => {
          panel.node.dataset.openbisEnvironment = outcome;
        },
        () => {
          panel.node.dataset.openbisEnvironment = 'unchecked';
        }
      );
    });
  }
};
