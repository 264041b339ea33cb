/**
 * The server companion's browse API faked for the unit tests of the models
 * that load it (the Download dialog's model, the side panel's tree): each
 * call they make is a `jest.fn()`, the rest of `api.ts` stays real. Plus
 * small builders of what those calls answer.
 *
 *     jest.mock('../api', () => jest.requireActual('./fakeApi').fakeApi());
 *     const mocked = api as jest.Mocked<typeof api>;
 */
import { IDataSet, IPage } from '../types';

/** The calls the browsing models make. */
export const BROWSE_CALLS = [
  'getDataSet',
  'listDataSets',
  'listExperiments',
  'listProjects',
  'listSamples',
  'listSpaces',
  'search'
] as const;

/** `api.ts` with the browse calls, and any `extra` ones, replaced by mocks. */
export function fakeApi(...extra: string[]): Record<string, unknown> {
  const api: Record<string, unknown> = { ...jest.requireActual('../api') };
  for (const name of [...BROWSE_CALLS, ...extra]) {
    api[name] = jest.fn();
  }
  return api;
}

/** One page of `items`: by default all of them, from the start. */
export function page<T>(
  items: T[],
  totalCount = items.length,
  offset = 0
): IPage<T> {
  return { items, totalCount, offset, limit: items.length };
}

/** A data set as the browse calls list it; `patch` overrides any field. */
export function dataSet(
  permId: string,
  patch: Partial<IDataSet> = {}
): IDataSet {
  return {
    kind: 'dataSet',
    code: permId,
    permId,
    properties: {},
    status: 'AVAILABLE',
    ...patch
  } as unknown as IDataSet;
}

/** Let pending promise callbacks run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) {
    await Promise.resolve();
  }
}
