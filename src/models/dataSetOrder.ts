/**
 * Pure helpers of the Download dialog's table: sorting a page by a column,
 * and whether a data set or a search hit lies within the browsed place (the
 * scope of a search "within" it).
 */
import { IDataSet, IExperiment, ISample } from '../types';

export type SortColumn =
  'name' | 'type' | 'owner' | 'registered' | 'size' | 'status';

export interface ISort {
  column: SortColumn;
  descending: boolean;
}

/** The browsed place: identifiers chosen at each level ('' when none). */
export interface IPlace {
  space: string;
  project: string;
  experiment: string;
  sample: string;
}

export const NO_PLACE: IPlace = {
  space: '',
  project: '',
  experiment: '',
  sample: ''
};

function sortKey(ds: IDataSet, column: SortColumn): string | number | null {
  switch (column) {
    case 'name':
      return (ds.name || ds.code || ds.permId).toLowerCase();
    case 'type':
      return ds.type;
    case 'owner':
      return ds.registrator;
    case 'registered':
      return ds.registrationDate ? Date.parse(ds.registrationDate) : null;
    case 'size':
      return ds.size;
    case 'status':
      return ds.status;
  }
}

/** A sorted copy; empty values last in both directions. */
export function sortDataSets(
  items: readonly IDataSet[],
  sort: ISort | null
): IDataSet[] {
  const copy = [...items];
  if (!sort) {
    return copy;
  }
  const sign = sort.descending ? -1 : 1;
  return copy.sort((a, b) => {
    const x = sortKey(a, sort.column);
    const y = sortKey(b, sort.column);
    if (x === null || x === undefined) {
      return y === null || y === undefined ? 0 : 1;
    }
    if (y === null || y === undefined) {
      return -1;
    }
    const order =
      typeof x === 'number' && typeof y === 'number'
        ? x - y
        : String(x).localeCompare(String(y));
    return sign * order;
  });
}

/** The place's most specific identifier (what "within" means), or ''. */
export function placeLabel(place: IPlace): string {
  return place.sample || place.experiment || place.project || place.space;
}

function under(identifier: string | null | undefined, prefix: string): boolean {
  return (
    !!identifier &&
    (identifier === prefix || identifier.startsWith(`${prefix}/`))
  );
}

/** Whether an entity with these identifiers lies within `place`. */
function within(
  place: IPlace,
  ids: {
    experiment?: string | null;
    sample?: string | null;
    self?: string | null;
  }
): boolean {
  if (place.sample) {
    return ids.sample === place.sample || ids.self === place.sample;
  }
  if (place.experiment) {
    return ids.experiment === place.experiment || ids.self === place.experiment;
  }
  const prefix = place.project || (place.space ? `/${place.space}` : '');
  if (!prefix) {
    return true;
  }
  return [ids.experiment, ids.sample, ids.self].some(id => under(id, prefix));
}

export function dataSetWithin(place: IPlace, ds: IDataSet): boolean {
  return within(place, { experiment: ds.experiment, sample: ds.sample });
}

export function hitWithin(place: IPlace, hit: IExperiment | ISample): boolean {
  return within(place, {
    self: hit.identifier,
    experiment: hit.kind === 'sample' ? hit.experiment : null
  });
}
