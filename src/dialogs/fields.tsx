/**
 * Small form building blocks: a label tied to its control, and the error
 * message shown under it (announced to screen readers).
 */
import React from 'react';

let counter = 0;

/** A DOM id unique in the page, for `htmlFor`/`aria-describedby`. */
export function uniqueId(prefix: string): string {
  counter += 1;
  return `jp-OpenbisBridge-${prefix}-${counter}`;
}

export interface IFieldProps {
  id: string;
  label: string;
  error?: string | null;
  mandatory?: boolean;
  hint?: string | null;
  children: React.ReactNode;
}

export function Field(props: IFieldProps): JSX.Element {
  return (
    <div
      className={`jp-OpenbisBridge-field${props.error ? ' jp-mod-invalid' : ''}`}
    >
      <label htmlFor={props.id} className="jp-OpenbisBridge-label">
        {props.label}
        {props.mandatory ? (
          <span className="jp-OpenbisBridge-mandatory" aria-hidden="true">
            {' *'}
          </span>
        ) : null}
      </label>
      {props.children}
      {props.hint ? (
        <div className="jp-OpenbisBridge-hint">{props.hint}</div>
      ) : null}
      {props.error ? (
        <div
          id={`${props.id}-error`}
          className="jp-OpenbisBridge-fieldError"
          role="alert"
        >
          {props.error}
        </div>
      ) : null}
    </div>
  );
}

/** Props that tie an input to its Field's error message. */
export function describedBy(
  id: string,
  error?: string | null
): Record<string, string | boolean> {
  return error
    ? { 'aria-invalid': true, 'aria-describedby': `${id}-error` }
    : {};
}

export function ErrorBanner(props: {
  message: string | null;
}): JSX.Element | null {
  return props.message ? (
    <div className="jp-OpenbisBridge-error" role="alert">
      {props.message}
    </div>
  ) : null;
}
