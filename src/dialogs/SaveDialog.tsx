/**
 * The Save to openBIS form: data-set type, typed properties by section, the
 * target experiment or sample (found by search), parents from the notebook's
 * downloads, extra files, and the captured environment files for review.
 * It renders a SaveFormModel and forwards user input to it.
 */
import { Dialog, ReactWidget } from '@jupyterlab/apputils';
import { Contents } from '@jupyterlab/services';
import React from 'react';

import { ISaveForm, SaveFormModel } from '../models/saveForm';
import { ErrorBanner, uniqueId } from './fields';
import {
  EnvironmentSection,
  FilesSection,
  ISectionProps,
  ParentsSection,
  PropertiesSection,
  SaveAgainSection,
  TargetSection,
  TypeRow
} from './SaveSections';
import { IEnterAware } from './modal';

export class SaveBody
  extends ReactWidget
  implements Dialog.IBodyWidget<ISaveForm>, IEnterAware
{
  constructor(
    private readonly _model: SaveFormModel,
    private readonly _contents: Contents.IManager
  ) {
    super();
    this.addClass('jp-OpenbisBridge-saveDialog');
    _model.changed.connect(this.update, this);
  }

  dispose(): void {
    this._model.changed.disconnect(this.update, this);
    super.dispose();
  }

  getValue(): ISaveForm {
    return this._model.form;
  }

  handleEnter(target: Element): boolean {
    if (target.id === this._ids.targetSearch) {
      void this._model.searchTargets();
      return true;
    }
    return false;
  }

  /** Show the problems, then bring the first invalid field into view. */
  showProblem(
    message: string | null,
    fields: Record<string, string> = {}
  ): void {
    this._model.showProblem(message, fields);
    // Bring the first invalid field into view so the user sees why nothing happened.
    requestAnimationFrame(() =>
      this.node
        .querySelector('[aria-invalid="true"]')
        ?.scrollIntoView({ block: 'center' })
    );
  }

  render(): JSX.Element {
    const parts: ISectionProps = {
      model: this._model,
      trans: this._model.options.trans,
      ids: this._ids
    };
    return (
      <div className="jp-OpenbisBridge-dialog jp-OpenbisBridge-scrollBody">
        <ErrorBanner message={this._model.message} />
        <SaveAgainSection {...parts} />
        <TypeRow {...parts} />
        <PropertiesSection {...parts} />
        <TargetSection {...parts} />
        <ParentsSection {...parts} />
        <EnvironmentSection {...parts} />
        <FilesSection {...parts} contents={this._contents} />
      </div>
    );
  }

  private _ids = {
    type: uniqueId('save-type'),
    prop: uniqueId('save-prop'),
    targetSearch: uniqueId('save-target'),
    hit: uniqueId('save-hit'),
    parent: uniqueId('save-parent'),
    env: uniqueId('save-env'),
    saveAs: uniqueId('save-as'),
    captureMode: uniqueId('save-capture')
  };
}
