/**
 * The Open Notebook dialog's body: a search picker of saved notebooks (when
 * no permId was given), then the chosen notebook's plan: where it opens, its
 * parent data sets with their sizes and whether to fetch them (off by
 * default), or that it is open already. Renders the model only.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import { ReactWidget, UseSignal } from '@jupyterlab/ui-components';
import * as React from 'react';

import { IEnterAware } from '../dialogs/modal';
import { formatBytes, formatDate } from '../format';
import { OpenNotebookModel } from './model';
import { INotebookPlan } from './types';

interface IProps {
  model: OpenNotebookModel;
  trans: TranslationBundle;
  /** Show the search picker (no permId was given). */
  picker: boolean;
}

const SEARCH_CLASS = 'jp-OpenbisBridge-openSearch';

function Picker(props: IProps): JSX.Element {
  const { model, trans } = props;
  return (
    <div className="jp-OpenbisBridge-openPicker">
      <form
        role="search"
        onSubmit={event => {
          event.preventDefault();
          void model.search();
        }}
      >
        <input
          type="search"
          className={`jp-mod-styled ${SEARCH_CLASS}`}
          aria-label={trans.__('Search saved notebooks')}
          placeholder={trans.__('Name, code or permId')}
          value={model.query}
          onChange={event => model.setQuery(event.target.value)}
        />
        <button type="submit" className="jp-mod-styled">
          {trans.__('Search')}
        </button>
      </form>
      <ul
        className="jp-OpenbisBridge-openHits"
        role="listbox"
        aria-label={trans.__('Saved notebooks')}
        aria-busy={model.searching}
      >
        {model.hits.map(hit => (
          <li
            key={hit.permId}
            role="option"
            aria-selected={model.selected === hit.permId}
            tabIndex={0}
            className={model.selected === hit.permId ? 'jp-mod-selected' : ''}
            onClick={() => void model.select(hit.permId)}
            onKeyDown={event => {
              if (event.key === 'Enter' || event.key === ' ') {
                event.preventDefault();
                void model.select(hit.permId);
              }
            }}
          >
            <strong>{hit.name ?? hit.code}</strong> <code>{hit.permId}</code>{' '}
            <span>{hit.experiment ?? hit.sample ?? ''}</span>{' '}
            <span>{formatDate(hit.registrationDate)}</span>
          </li>
        ))}
      </ul>
      {!model.searching && model.hits.length === 0 ? (
        <div>{trans.__('No saved notebooks found.')}</div>
      ) : null}
    </div>
  );
}

function Parents(props: {
  model: OpenNotebookModel;
  plan: INotebookPlan;
  trans: TranslationBundle;
}): JSX.Element | null {
  const { model, plan, trans } = props;
  if (plan.parents.length === 0) {
    return <p>{trans.__('It has no parent data sets.')}</p>;
  }
  return (
    <>
      <table className="jp-OpenbisBridge-openParents">
        <caption>{trans.__('Parent data sets (what it read)')}</caption>
        <thead>
          <tr>
            <th scope="col">{trans.__('PermId')}</th>
            <th scope="col">{trans.__('Name')}</th>
            <th scope="col">{trans.__('Type')}</th>
            <th scope="col">{trans.__('Size')}</th>
          </tr>
        </thead>
        <tbody>
          {plan.parents.map(parent => (
            <tr key={parent.permId}>
              <td>
                <code>{parent.permId}</code>
              </td>
              <td>{parent.name ?? '–'}</td>
              <td>{parent.type ?? '–'}</td>
              <td>{formatBytes(parent.size)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <label className="jp-OpenbisBridge-checkboxField">
        <input
          type="checkbox"
          checked={model.fetchParents}
          onChange={event => model.setFetchParents(event.target.checked)}
        />
        {trans._n(
          'Also download the parent data set (%2) where the notebook read it',
          'Also download the %1 parent data sets (%2) where the notebook read them',
          plan.parents.length,
          formatBytes(plan.parentsSize)
        )}
      </label>
    </>
  );
}

function Plan(props: IProps): JSX.Element | null {
  const { model, trans } = props;
  const plan = model.plan;
  if (model.loadingPlan) {
    return <p aria-busy="true">{trans.__('Asking openBIS…')}</p>;
  }
  if (!plan) {
    return null;
  }
  return (
    <section
      className="jp-OpenbisBridge-openPlan"
      aria-label={trans.__('Notebook %1', plan.permId)}
    >
      <dl className="jp-OpenbisBridge-detailsList">
        <dt>{trans.__('Notebook')}</dt>
        <dd>
          {plan.name
            ? `${plan.name} (${plan.notebookFile})`
            : plan.notebookFile}
        </dd>
        <dt>{trans.__('Saved in')}</dt>
        <dd>{plan.owner.identifier}</dd>
        <dt>{trans.__('Registered')}</dt>
        <dd>{formatDate(plan.registered)}</dd>
        <dt>{trans.__('Opens from')}</dt>
        <dd>
          <code>{plan.folder}/</code>
        </dd>
      </dl>
      {plan.opened ? (
        <p className="jp-OpenbisBridge-openAlready" role="status">
          {trans.__(
            'Opened before: %1 opens as it is, with your local edits; nothing is downloaded or replaced.',
            plan.opened
          )}
        </p>
      ) : (
        <Parents model={model} plan={plan} trans={trans} />
      )}
    </section>
  );
}

export function OpenView(props: IProps): JSX.Element {
  const { model } = props;
  return (
    <UseSignal signal={model.changed}>
      {() => (
        <div className="jp-OpenbisBridge-openNotebook">
          {props.picker ? <Picker {...props} /> : null}
          <Plan {...props} />
          {model.error ? (
            <div className="jp-OpenbisBridge-fieldError" role="alert">
              {model.error}
            </div>
          ) : null}
        </div>
      )}
    </UseSignal>
  );
}

/** The dialog's body; Enter in the search box searches instead of opening. */
export class OpenBody extends ReactWidget implements IEnterAware {
  constructor(private readonly _props: IProps) {
    super();
    this.addClass('jp-OpenbisBridge-openBody');
  }

  handleEnter(target: Element): boolean {
    if (target.classList.contains(SEARCH_CLASS)) {
      void this._props.model.search();
      return true;
    }
    return false;
  }

  render(): JSX.Element {
    return <OpenView {...this._props} />;
  }
}
