import { Dialog } from '@jupyterlab/apputils';
import { Widget } from '@lumino/widgets';

import { showModal } from '../dialogs/modal';

class Body extends Widget {
  constructor() {
    super();
    this.input = document.createElement('input');
    this.search = document.createElement('input');
    this.node.append(this.input, this.search);
  }
  readonly input: HTMLInputElement;
  readonly search: HTMLInputElement;
  searched = 0;
  getValue(): string {
    return this.input.value;
  }
  handleEnter(target: Element): boolean {
    if (target === this.search) {
      this.searched += 1;
      return true;
    }
    return false;
  }
}

function press(target: Element, key: string): void {
  target.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true }));
}

const tick = () => new Promise(resolve => setTimeout(resolve, 0));

function buttons() {
  return [
    Dialog.cancelButton({ label: 'Cancel' }),
    Dialog.okButton({ label: 'Go' })
  ];
}

describe('showModal', () => {
  it('stays open while the action refuses, closes once it accepts', async () => {
    const body = new Body();
    const answers = [false, true];
    const onSubmit = jest.fn(async () => answers.shift()!);
    const closed = showModal<string>({
      title: 'T',
      body,
      buttons: buttons(),
      onSubmit
    });
    body.input.value = 'x';
    const go = document.querySelector<HTMLButtonElement>(
      '.jp-OpenbisBridge-modal .jp-mod-accept'
    )!;
    go.click();
    await tick();
    expect(document.querySelector('.jp-OpenbisBridge-modal')).not.toBeNull();
    press(body.input, 'Enter');
    const result = await closed;
    expect(onSubmit).toHaveBeenCalledTimes(2);
    expect(onSubmit.mock.calls[0]).toEqual(['x', expect.anything()]);
    expect(result.button.accept).toBe(true);
    expect(result.value).toBe('x');
    expect(document.querySelector('.jp-OpenbisBridge-modal')).toBeNull();
  });

  it('lets the body claim Enter, and Escape cancels', async () => {
    const body = new Body();
    const onSubmit = jest.fn(async () => true);
    const closed = showModal<string>({
      title: 'T',
      body,
      buttons: buttons(),
      onSubmit
    });
    press(body.search, 'Enter');
    expect(body.searched).toBe(1);
    press(body.input, 'Escape');
    const result = await closed;
    expect(result.button.accept).toBe(false);
    expect(onSubmit).not.toHaveBeenCalled();
  });
});
