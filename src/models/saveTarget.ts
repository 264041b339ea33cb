/**
 * The default target of "Save to openBIS": the Save dialog starts with the
 * target it remembers in the state database (flows/save.ts writes the whole
 * form there after each save). "Set as save target" in the side panel and ELN
 * links replace only the target and keep the rest of the remembered form.
 */
import { IStateDB } from '@jupyterlab/statedb';
import { ReadonlyPartialJSONValue } from '@lumino/coreutils';

import { ITarget } from './saveForm';

/** The state key of the remembered Save form. */
export const SAVE_FORM_KEY = 'jupyterlab-openbis-bridge:save-form';

export async function setDefaultSaveTarget(
  state: IStateDB,
  target: ITarget
): Promise<void> {
  const remembered = ((await state.fetch(SAVE_FORM_KEY)) ?? {}) as Record<
    string,
    unknown
  >;
  await state.save(SAVE_FORM_KEY, {
    ...remembered,
    target: { kind: target.kind, identifier: target.identifier }
  } as unknown as ReadonlyPartialJSONValue);
}
