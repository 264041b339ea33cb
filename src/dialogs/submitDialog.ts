/**
 * A JupyterLab dialog whose accept button runs an async action and stays open
 * when it fails, so errors can be shown next to the fields that caused them
 * instead of closing and re-opening the dialog.
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

export interface ISubmitDialogOptions<T> {
  title: string;
  body: Dialog.IBodyWidget<T> & Widget;
  buttons: Dialog.IButton[];
  /** Index of the button Enter presses; the last one by default. */
  defaultButton?: number;
  /** Runs for accept buttons; resolve false to keep the dialog open. */
  onSubmit: (value: T | null, button: Dialog.IButton) => Promise<boolean>;
  className?: string;
}

class SubmitDialog<T> extends Dialog<T> {
  constructor(private readonly _options: ISubmitDialogOptions<T>) {
    super({
      title: _options.title,
      body: _options.body,
      buttons: _options.buttons,
      defaultButton: _options.defaultButton
    });
    if (_options.className) {
      this.addClass(_options.className);
    }
  }

  resolve(index?: number): void {
    const buttons = this._options.buttons;
    const chosen = index ?? this._options.defaultButton ?? buttons.length - 1;
    const button = buttons[chosen];
    const active = document.activeElement;
    const isOwnButton =
      active instanceof HTMLButtonElement &&
      active.closest('.jp-Dialog-footer');
    if (
      !isOwnButton &&
      active &&
      this._options.body.node.contains(active) &&
      isEnterAware(this._options.body) &&
      this._options.body.handleEnter(active)
    ) {
      return;
    }
    if (!button?.accept) {
      super.resolve(chosen);
      return;
    }
    if (this._busy) {
      return;
    }
    this._busy = true;
    this.addClass('jp-OpenbisBridge-busy');
    const value = this._options.body.getValue
      ? this._options.body.getValue()
      : null;
    this._options
      .onSubmit(value, button)
      .then(done => {
        if (done) {
          super.resolve(chosen);
        }
      })
      .catch(error =>
        console.error('openBIS bridge: dialog action failed', error)
      )
      .finally(() => {
        this._busy = false;
        if (!this.isDisposed) {
          this.removeClass('jp-OpenbisBridge-busy');
        }
      });
  }

  private _busy = false;
}

/** Show the dialog; resolves with the closing button once it closes. */
export async function showSubmitDialog<T>(
  options: ISubmitDialogOptions<T>
): Promise<Dialog.IResult<T>> {
  const dialog = new SubmitDialog<T>(options);
  try {
    return await dialog.launch();
  } finally {
    dialog.dispose();
  }
}
