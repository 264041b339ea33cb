/**
 * The grammar of an openBIS deep link: which query parameters it uses, what
 * they may hold, and how to take them out of the address again.
 *
 * `lab?openbis-entity=/SPACE/PROJECT/EXP&openbis-datasets=P1,P2&openbis-connection=NAME`
 * (docs/deep-links.md). Parsing is purely syntactic: whether the entity and
 * the data sets exist is asked later, after the page has loaded.
 */

/** The query parameters of a deep link. */
export const DEEP_LINK_PARAMS = {
  entity: 'openbis-entity',
  dataSets: 'openbis-datasets',
  connection: 'openbis-connection'
} as const;

/** At most this many data sets per link: a notebook loading more is not a "link". */
export const MAX_DATA_SETS = 50;

/**
 * A code inside an identifier: letters, digits, `_`, `-`, `.` (case does not
 * matter). openBIS: ALLOWED_CODE_CHARACTERS of
 * ch.systemsx.cisd.openbis.generic.shared.dto.identifier.AbstractIdentifierFactory.
 */
const CODE = '[A-Za-z0-9_.-]{1,100}';

/**
 * A permId as openBIS generates it (`<registration time>-<counter>`); the
 * server companion accepts only this form (server/browse.py, PERM_ID_RE).
 */
const PERM_ID_RE = /^\d{1,30}-\d{1,10}$/;

/** `/SPACE/PROJECT/CODE`: an experiment (collection) or a project sample (object). */
const THREE_PART_RE = new RegExp(`^/${CODE}/${CODE}/${CODE}$`);
/** `/SPACE/CODE` or `/SPACE/CONTAINER:CODE`: a space sample (object). */
const SPACE_SAMPLE_RE = new RegExp(`^/${CODE}/(${CODE}:)?${CODE}$`);
/** `/SPACE/PROJECT/CONTAINER:CODE`: a project sample inside a container. */
const PROJECT_COMPONENT_RE = new RegExp(`^/${CODE}/${CODE}/${CODE}:${CODE}$`);

/** Connection profile names as the server accepts them (profiles.py, _NAME_RE). */
const CONNECTION_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/**
 * What the entity reference can be, judged by its form alone: a permId (of an
 * experiment or a sample), a three-part identifier (an experiment or a project
 * sample) or an identifier only a sample can have.
 */
export type EntityForm = 'permId' | 'experimentOrSample' | 'sample';

export interface IEntityRef {
  form: EntityForm;
  /** Upper-cased identifier (openBIS codes are case-insensitive), or the permId. */
  value: string;
}

export interface IDeepLink {
  entity: IEntityRef;
  /** permIds, in link order, without duplicates. */
  dataSets: string[];
  /** The connection profile named by the link; null: the active connection. */
  connection: string | null;
}

/** A syntax problem, with the offending parameter and value for the message. */
export interface IDeepLinkProblem {
  param: string;
  value: string;
  kind: 'missing' | 'malformed' | 'tooMany' | 'duplicate';
}

export type ParseResult =
  | { kind: 'none' }
  | { kind: 'link'; link: IDeepLink }
  | { kind: 'invalid'; problem: IDeepLinkProblem };

/** Whether the query holds any deep-link parameter (then it must be handled, even if bad). */
function hasDeepLinkParams(search: string): boolean {
  const params = new URLSearchParams(search);
  return Object.values(DEEP_LINK_PARAMS).some(name => params.has(name));
}

/** Classify an entity reference, or null when it is no openBIS identifier or permId. */
export function parseEntity(raw: string): IEntityRef | null {
  const text = raw.trim();
  if (PERM_ID_RE.test(text)) {
    return { form: 'permId', value: text };
  }
  const value = text.toUpperCase();
  if (THREE_PART_RE.test(text)) {
    return { form: 'experimentOrSample', value };
  }
  if (SPACE_SAMPLE_RE.test(text) || PROJECT_COMPONENT_RE.test(text)) {
    return { form: 'sample', value };
  }
  return null;
}

/** Read the deep-link parameters of a query string (`?a=b&…` or `a=b&…`). */
export function parseDeepLink(search: string): ParseResult {
  if (!hasDeepLinkParams(search)) {
    return { kind: 'none' };
  }
  const params = new URLSearchParams(search);
  const problem = (
    param: string,
    value: string,
    kind: IDeepLinkProblem['kind']
  ): ParseResult => ({ kind: 'invalid', problem: { param, value, kind } });

  for (const name of Object.values(DEEP_LINK_PARAMS)) {
    if (params.getAll(name).length > 1) {
      return problem(name, params.getAll(name).join(', '), 'duplicate');
    }
  }
  const rawEntity = params.get(DEEP_LINK_PARAMS.entity);
  if (rawEntity === null || rawEntity.trim() === '') {
    return problem(DEEP_LINK_PARAMS.entity, '', 'missing');
  }
  const entity = parseEntity(rawEntity);
  if (!entity) {
    return problem(DEEP_LINK_PARAMS.entity, rawEntity, 'malformed');
  }
  const dataSets = parseDataSets(params.get(DEEP_LINK_PARAMS.dataSets));
  if ('bad' in dataSets) {
    return dataSets.bad === 'tooMany'
      ? problem(DEEP_LINK_PARAMS.dataSets, String(dataSets.count), 'tooMany')
      : problem(DEEP_LINK_PARAMS.dataSets, dataSets.value, 'malformed');
  }
  const rawConnection = params.get(DEEP_LINK_PARAMS.connection);
  let connection: string | null = null;
  if (rawConnection !== null) {
    connection = rawConnection.trim();
    if (!CONNECTION_RE.test(connection)) {
      return problem(DEEP_LINK_PARAMS.connection, rawConnection, 'malformed');
    }
  }
  return { kind: 'link', link: { entity, dataSets: dataSets.ok, connection } };
}

type DataSetsResult =
  | { ok: string[] }
  | { bad: 'malformed'; value: string }
  | { bad: 'tooMany'; count: number };

/** `P1,P2` (spaces around commas allowed; an empty parameter means none). */
function parseDataSets(raw: string | null): DataSetsResult {
  if (raw === null || raw.trim() === '') {
    return { ok: [] };
  }
  const items = raw.split(',').map(item => item.trim());
  const wrong = items.find(item => !PERM_ID_RE.test(item));
  if (wrong !== undefined) {
    return { bad: 'malformed', value: wrong };
  }
  const unique = Array.from(new Set(items));
  if (unique.length > MAX_DATA_SETS) {
    return { bad: 'tooMany', count: unique.length };
  }
  return { ok: unique };
}

/**
 * The address without the deep-link parameters (other parameters and the
 * hash are kept), for `history.replaceState`: a reload must not ask again.
 */
export function withoutDeepLinkParams(href: string): string {
  const url = new URL(href);
  for (const name of Object.values(DEEP_LINK_PARAMS)) {
    url.searchParams.delete(name);
  }
  return url.toString();
}
