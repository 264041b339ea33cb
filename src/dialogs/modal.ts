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
 */
import { Dialog } from '@jupyterlab/apputils';
import { Widget } from '@lumino/widgets';

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
    const footer = document.createElement('div');
    footer.className = 'jp-Dialog-footer';
    this._buttonNodes = _options.buttons.map((button, index) => {
      const node = Dialog.defaultRenderer.createButtonNode(button);
      node.type = 'button';
      node.addEventListener('click', () => void this._press(index));
      footer.appendChild(node);
      return node;
    });
    content.append(header, this._bodyHost, footer);
    this.node.appendChild(content);
    this.node.addEventListener('keydown', this._onKeydown);
  }

  /** Attach to the page and show the body. */
  open(): void {
    Widget.attach(this, document.body);
    Widget.attach(this._options.body, this._bodyHost);
    // Unless the body focused a field of its own, Enter presses the default button.
    setTimeout(() => {
      if (!this.isDisposed && !this.node.contains(document.activeElement)) {
        const last = this._buttonNodes.length - 1;
        this._buttonNodes[this._options.defaultButton ?? last]?.focus();
      }
    }, 50);
  }

  private _onKeydown = (event: KeyboardEvent): void => {
    const target = event.target as Element;
    if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      this._close(this._cancelButton());
    } else if (
      event.key === 'Enter' &&
      !(target instanceof HTMLButtonElement) &&
      !(target instanceof HTMLTextAreaElement) &&
      !(target instanceof HTMLSelectElement)
    ) {
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
    this._done({ button, value });
  }

  private _bodyHost = document.createElement('div');
  private _buttonNodes: HTMLButtonElement[];
  private _busy = false;
}

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
