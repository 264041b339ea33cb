/**
 * Our own modal dialog, built from public APIs only (Lumino widgets and
 * JupyterLab's dialog renderer and CSS classes), so it looks like a
 * JupyterLab dialog without relying on `Dialog`'s internals:
 *
 * - an accept button runs an async action and the dialog stays open when it
 *   fails, so errors are shown next to the fields that caused them;
 * - a body may claim Enter for itself (e.g. a search box);
 * - it can open over another dialog (a login asked for by the Download
 *   dialog's call): `Dialog.launch` would queue it until the open dialogs
 *   close. JupyterLab dialogs it covers are detached meanwhile (each keeps
 *   the focus to itself while attached) and attached again afterwards.
 *
 * Keyboard: focus starts on the first field that needs input (see
 * `focus.ts`), Tab and Shift+Tab cycle through the fields then the buttons
 * and never leave the dialog, Enter submits only from a one-line text field,
 * Escape closes the topmost dialog wherever the focus is, and the focus goes
 * back where it was once the dialog closes.
 */
import { Dialog, Styling } from '@jupyterlab/apputils';
import { Widget } from '@lumino/widgets';

import {
  focusableIn,
  initialFocusTarget,
  isSubmitField,
  whenRendered
} from './focus';

/** A dialog body that may claim Enter for itself (e.g. a search box). */
export interface IEnterAware {
  /** Return true when Enter in `target` was handled and must not submit the dialog. */
  handleEnter(target: Element): boolean;
}

function isEnterAware(body: unknown): body is IEnterAware {
  return typeof (body as IEnterAware | null)?.handleEnter === 'function';
}

export interface IModalOptions<T> {
  title: string;
  body: Widget & { getValue?(): T };
  buttons: Dialog.IButton[];
  /** Index of the button Enter presses; the last one by default. */
  defaultButton?: number;
  /** Runs for accept buttons; resolve false to keep the dialog open. */
  onSubmit: (value: T | null, button: Dialog.IButton) => Promise<boolean>;
  /** Class names of the dialog, separated by spaces. */
  className?: string;
}

export interface IModalResult<T> {
  /** The button that closed the dialog (a cancel button for Escape). */
  button: Dialog.IButton;
  value: T | null;
}

class Modal<T> extends Widget {
  constructor(
    private readonly _options: IModalOptions<T>,
    private readonly _done: (result: IModalResult<T>) => void
  ) {
    super();
    this.addClass('jp-Dialog');
    this.addClass('jp-OpenbisBridge-modal');
    for (const name of (_options.className ?? '').split(/\s+/)) {
      if (name) {
        this.addClass(name);
      }
    }
    const content = document.createElement('div');
    content.className = 'jp-Dialog-content';
    content.setAttribute('role', 'dialog');
    content.setAttribute('aria-modal', 'true');
    content.setAttribute('aria-label', _options.title);
    const header = document.createElement('div');
    header.className = 'jp-Dialog-header';
    header.textContent = _options.title;
    this._bodyHost.className = 'jp-Dialog-body';
    // The footer is built as JupyterLab's Dialog builds it (Renderer.createFooter):
    // the buttons in a right-aligned row, styled as JupyterLab's own.
    const footer = document.createElement('div');
    footer.className = 'jp-Dialog-footer';
    const buttonRow = document.createElement('div');
    buttonRow.className = 'jp-Dialog-footerButtons';
    footer.appendChild(buttonRow);
    this._buttonNodes = _options.buttons.map((button, index) => {
      const node = Dialog.defaultRenderer.createButtonNode(button);
      node.type = 'button';
      node.addEventListener('click', () => void this._press(index));
      buttonRow.appendChild(node);
      return node;
    });
    Styling.styleNode(footer);
    content.append(header, this._bodyHost, footer);
    this.node.appendChild(content);
    this.node.addEventListener('keydown', this._onKeydown);
  }

  /** Attach to the page and show the body. */
  open(): void {
    this._returnFocus = document.activeElement as HTMLElement | null;
    Widget.attach(this, document.body);
    Widget.attach(this._options.body, this._bodyHost);
    openModals.push(this);
    document.addEventListener('keydown', this._onDocumentKeydown, true);
    void this._focusFirstField();
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    document.removeEventListener('keydown', this._onDocumentKeydown, true);
    const index = openModals.indexOf(this);
    if (index >= 0) {
      openModals.splice(index, 1);
    }
    super.dispose();
  }

  /** Once the body has rendered: its first field needing input, else the default button. */
  private async _focusFirstField(): Promise<void> {
    await whenRendered(this._bodyHost);
    if (this.isDisposed || this.node.contains(document.activeElement)) {
      return;
    }
    const last = this._buttonNodes.length - 1;
    const target =
      initialFocusTarget(this._bodyHost) ??
      this._buttonNodes[this._options.defaultButton ?? last];
    target?.focus();
  }

  /** Escape, and Tab while the focus is lost (e.g. on `<body>`), for the topmost dialog. */
  private _onDocumentKeydown = (event: KeyboardEvent): void => {
    if (openModals[openModals.length - 1] !== this) {
      return;
    }
    if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      this._close(this._cancelButton());
    } else if (
      event.key === 'Tab' &&
      !this.node.contains(document.activeElement)
    ) {
      event.preventDefault();
      event.stopPropagation();
      this._moveFocus(event.shiftKey ? -1 : 1);
    }
  };

  private _onKeydown = (event: KeyboardEvent): void => {
    const target = event.target as Element;
    if (event.key === 'Tab') {
      event.preventDefault();
      event.stopPropagation();
      this._moveFocus(event.shiftKey ? -1 : 1);
    } else if (event.key === 'Enter' && isSubmitField(target)) {
      event.preventDefault();
      event.stopPropagation();
      const body = this._options.body;
      if (isEnterAware(body) && body.handleEnter(target)) {
        return;
      }
      const buttons = this._options.buttons;
      void this._press(this._options.defaultButton ?? buttons.length - 1);
    }
  };

  /** Fields then buttons, in page order, wrapping around at both ends. */
  private _moveFocus(step: 1 | -1): void {
    const order = focusableIn(this.node);
    if (order.length === 0) {
      return;
    }
    const current = order.indexOf(document.activeElement as HTMLElement);
    const next =
      current < 0
        ? step > 0
          ? 0
          : order.length - 1
        : (current + step + order.length) % order.length;
    order[next].focus();
  }

  private async _press(index: number): Promise<void> {
    const button = this._options.buttons[index];
    if (!button) {
      return;
    }
    if (!button.accept) {
      this._close(button);
      return;
    }
    if (this._busy) {
      return;
    }
    this._busy = true;
    this.addClass('jp-OpenbisBridge-busy');
    let done = false;
    try {
      done = await this._options.onSubmit(this._value(), button);
    } catch (error) {
      console.error('openBIS bridge: dialog action failed', error);
    }
    this._busy = false;
    this.removeClass('jp-OpenbisBridge-busy');
    if (done) {
      this._close(button);
    }
  }

  private _value(): T | null {
    const body = this._options.body;
    return body.getValue ? body.getValue() : null;
  }

  private _cancelButton(): Dialog.IButton {
    return (
      this._options.buttons.find(b => !b.accept) ??
      Dialog.cancelButton({ label: '' })
    );
  }

  private _close(button: Dialog.IButton): void {
    if (this.isDisposed) {
      return;
    }
    const value = button.accept ? this._value() : null;
    // As a JupyterLab dialog does, the body goes with the dialog.
    this._options.body.dispose();
    this.dispose();
    if (this._returnFocus?.isConnected) {
      this._returnFocus.focus();
    }
    this._done({ button, value });
  }

  private _bodyHost = document.createElement('div');
  private _buttonNodes: HTMLButtonElement[];
  private _busy = false;
  private _returnFocus: HTMLElement | null = null;
}

/** The open dialogs, topmost last: only the topmost one answers Escape. */
const openModals: Widget[] = [];

/** Detach the open JupyterLab dialogs (their launch promises stay pending). */
function setDialogsAside(): Widget[] {
  const open: Widget[] = [];
  Dialog.tracker.forEach(dialog => {
    if (dialog.isAttached) {
      open.push(dialog);
    }
  });
  open.forEach(dialog => Widget.detach(dialog));
  return open;
}

function bringBack(dialogs: Widget[]): void {
  for (const dialog of dialogs) {
    if (!dialog.isDisposed && !dialog.isAttached) {
      Widget.attach(dialog, document.body);
    }
  }
}

/** Show the dialog; resolves with the closing button once it closes. */
export function showModal<T>(
  options: IModalOptions<T>
): Promise<IModalResult<T>> {
  const covered = setDialogsAside();
  return new Promise<IModalResult<T>>(resolve => {
    const modal = new Modal<T>(options, result => {
      bringBack(covered);
      resolve(result);
    });
    try {
      modal.open();
    } catch (error) {
      console.error('openBIS bridge: could not open the dialog', error);
      modal.dispose();
      bringBack(covered);
      resolve({ button: Dialog.cancelButton({ label: '' }), value: null });
    }
  });
}

/** The name the flows use for it. */
export const showSubmitDialog = showModal;
