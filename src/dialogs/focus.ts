/**
 * Keyboard focus inside our dialogs: which elements Tab visits, where the
 * focus starts, and from which fields Enter may submit.
 */

const FOCUSABLE =
  'input, select, textarea, button, a[href], [tabindex]:not([tabindex="-1"])';

/** One-line text fields: Enter there submits, as in an HTML form. */
const TEXT_TYPES = new Set([
  'text',
  'search',
  'password',
  'url',
  'email',
  'tel',
  'number',
  'date',
  'datetime-local',
  'time'
]);

/** The elements Tab visits inside `root`, in page order. */
export function focusableIn(root: HTMLElement): HTMLElement[] {
  return Array.from(root.querySelectorAll<HTMLElement>(FOCUSABLE)).filter(
    node =>
      !(node as HTMLInputElement).disabled &&
      node.tabIndex >= 0 &&
      !node.closest('[hidden], [inert]') &&
      // Only the checked radio of a group takes part, as the browser does.
      !(
        node instanceof HTMLInputElement &&
        node.type === 'radio' &&
        !node.checked &&
        radioGroupHasChecked(root, node)
      ) &&
      node.getClientRects().length > 0
  );
}

function radioGroupHasChecked(root: HTMLElement, radio: HTMLInputElement) {
  return (
    !!radio.name &&
    Array.from(
      root.querySelectorAll<HTMLInputElement>('input[type="radio"]')
    ).some(other => other.name === radio.name && other.checked)
  );
}

/** Whether Enter in `target` submits the dialog (one-line text fields only). */
export function isSubmitField(target: Element): boolean {
  return target instanceof HTMLInputElement && TEXT_TYPES.has(target.type);
}

function isField(node: HTMLElement): boolean {
  return (
    node instanceof HTMLInputElement ||
    node instanceof HTMLSelectElement ||
    node instanceof HTMLTextAreaElement
  );
}

function isEmpty(node: HTMLElement): boolean {
  if (node instanceof HTMLInputElement) {
    if (node.type === 'checkbox') {
      return false;
    }
    if (node.type === 'radio') {
      return !node.checked && !radioGroupHasChecked(document.body, node);
    }
    return node.value === '';
  }
  return (node as HTMLSelectElement | HTMLTextAreaElement).value === '';
}

function isRequired(node: HTMLElement): boolean {
  return (
    node.getAttribute('aria-required') === 'true' ||
    (node as HTMLInputElement).required === true
  );
}

/**
 * Where the focus starts: what the body marks with `data-initial-focus`, else
 * the first empty mandatory field, else the first empty field, else null (the
 * dialog then focuses its default button).
 */
export function initialFocusTarget(root: HTMLElement): HTMLElement | null {
  const fields = focusableIn(root);
  const marked = fields.find(node => node.hasAttribute('data-initial-focus'));
  if (marked) {
    return marked;
  }
  const empty = fields.filter(node => isField(node) && isEmpty(node));
  return empty.find(isRequired) ?? empty[0] ?? null;
}

/** Resolves once `root` holds something focusable (a React body renders after attaching), or after ~1 s. */
export function whenRendered(root: HTMLElement): Promise<void> {
  return new Promise(resolve => {
    let frames = 0;
    const check = () => {
      frames += 1;
      if (focusableIn(root).length > 0 || frames > 60) {
        // One more frame: a body renders its remaining parts together.
        requestAnimationFrame(() => resolve());
      } else {
        requestAnimationFrame(check);
      }
    };
    requestAnimationFrame(check);
  });
}
