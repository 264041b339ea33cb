/**
 * The Download dialog's last place (space, project, experiment, sample),
 * kept per connection in JupyterLab's state database.
 */
import { IStateDB } from '@jupyterlab/statedb';
import { ReadonlyPartialJSONValue } from '@lumino/coreutils';

import { IPlace, NO_PLACE } from './dataSetOrder';

export const PLACE_KEY = 'jupyterlab-openbis-bridge:download-place';

type Places = Record<string, IPlace>;

async function allPlaces(state: IStateDB | null): Promise<Places> {
  try {
    const stored = (await state?.fetch(PLACE_KEY)) as Places | undefined;
    return stored && typeof stored === 'object' ? stored : {};
  } catch (error) {
    console.warn('openBIS bridge: could not read the last place', error);
    return {};
  }
}

/** The place last shown for `connection` (nothing chosen when unknown). */
export async function rememberedPlace(
  state: IStateDB | null,
  connection: string
): Promise<IPlace> {
  const place = (await allPlaces(state))[connection];
  return { ...NO_PLACE, ...(place ?? {}) };
}

/** Keep `place` as the last one of `connection`. */
export async function rememberPlace(
  state: IStateDB | null,
  connection: string,
  place: IPlace
): Promise<void> {
  if (!state) {
    return;
  }
  const places = { ...(await allPlaces(state)), [connection]: place };
  try {
    await state.save(PLACE_KEY, places as unknown as ReadonlyPartialJSONValue);
  } catch (error) {
    console.warn('openBIS bridge: could not keep the last place', error);
  }
}
