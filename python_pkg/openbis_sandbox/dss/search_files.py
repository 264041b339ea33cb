"""DSS ``searchFiles`` (SPEC §4.2).

The criteria select data sets (``DataSetSearchCriteria`` with code or permId
equality leaves, as pybis sends them); the result lists every node of each
selected data set's tree in pre-order, root first. Unsupported criteria are
rejected rather than ignored, so a client relying on them fails here as it
would need to be checked against production.

Lengths and CRC32s come from what was recorded at registration (``store.file_checksums``,
openBIS's path-info database): no file is read here. A file without a record (never
the case for registered data) gets a null checksum, as a path-info row without one.
"""

from __future__ import annotations

from typing import Any

from ..context import SandboxContext, require_session
from ..dto.dss import data_set_file, data_store, search_result
from ..errors import OpenbisError
from ..jackson import collection
from .files import FileNode, to_signed_int32, walk_preorder

FILE_CRITERIA = "dss.dto.datasetfile.search.DataSetFileSearchCriteria"
DATA_SET_CRITERIA = "as.dto.dataset.search.DataSetSearchCriteria"
EQUALITY_LEAVES = {
    "as.dto.common.search.CodeSearchCriteria",
    "as.dto.common.search.PermIdSearchCriteria",
}
STRING_EQUAL = "as.dto.common.search.StringEqualToValue"


def _criteria_list(ctx: SandboxContext, criteria: dict[str, Any]) -> list[Any]:
    # a single criterion is read as a one-element list, as everywhere (jackson.collection)
    return collection(criteria.get("criteria")) or []


def _operator(criteria: dict[str, Any]) -> str:
    operator = criteria.get("operator") or "AND"
    if operator not in ("AND", "OR"):
        raise OpenbisError(f"Unknown search operator: {operator}")
    return operator


def _combine(operator: str, results: list[set[str]], universe: set[str]) -> set[str]:
    if not results:
        return set(universe)
    if operator == "OR":
        return set().union(*results)
    return set(universe).intersection(*results)


def _leaf_matches(leaf: dict[str, Any], universe: set[str]) -> set[str]:
    field_value = leaf.get("fieldValue")
    if not isinstance(field_value, dict) or field_value.get("@type") != STRING_EQUAL:
        raise OpenbisError(f"Unsupported field value in {leaf.get('@type')}: {field_value}")
    value = field_value.get("value")
    # Data-set codes are their permIds; equality is exact and case-sensitive.
    return {value} & universe if isinstance(value, str) else set()


def _select_data_sets(
    ctx: SandboxContext, criteria: dict[str, Any], universe: set[str]
) -> set[str]:
    results: list[set[str]] = []
    for sub in _criteria_list(ctx, criteria):
        sub_type = sub.get("@type") if isinstance(sub, dict) else None
        if sub_type == DATA_SET_CRITERIA:
            results.append(_select_data_sets(ctx, sub, universe))
        elif sub_type in EQUALITY_LEAVES:
            results.append(_leaf_matches(sub, universe))
        else:
            raise OpenbisError(f"Unsupported search criteria: {sub_type}")
    return _combine(_operator(criteria), results, universe)


def _matching_data_sets(ctx: SandboxContext, user: str, criteria: Any) -> list[str]:
    if not isinstance(criteria, dict) or criteria.get("@type") != FILE_CRITERIA:
        raise OpenbisError(f"Unsupported search criteria: {criteria!r:.200}")
    universe = set(ctx.store.graph().datasets)
    selected: list[set[str]] = []
    for sub in _criteria_list(ctx, criteria):
        if not isinstance(sub, dict) or sub.get("@type") != DATA_SET_CRITERIA:
            raise OpenbisError(f"Unsupported search criteria: {sub!r:.200}")
        selected.append(_select_data_sets(ctx, sub, universe))
    chosen = _combine(_operator(criteria), selected, universe)
    return sorted(p for p in chosen if ctx.store.user_can_access_dataset(user, p))


def _describe(
    perm_id: str, node: FileNode, store_dto: dict[str, Any], recorded: dict[str, tuple[int, int]]
) -> dict[str, Any]:
    checksum: int | None = 0
    if not node.directory:
        entry = recorded.get(node.path)
        checksum = to_signed_int32(entry[1]) if entry is not None else None
    return data_set_file(
        perm_id,
        node.path,
        directory=node.directory,
        length=node.length,
        crc32_signed=checksum,
        store_dto=store_dto,
    )


def _list_files(ctx: SandboxContext, perm_ids: list[str]) -> list[dict[str, Any]]:
    store_dto = data_store(ctx)
    described = []
    for perm_id in perm_ids:
        recorded = ctx.store.recorded_files(perm_id)
        for node in walk_preorder(ctx.store.dataset_dir(perm_id)):
            described.append(_describe(perm_id, node, store_dto, recorded))
    return described


def _page(objects: list[Any], fetch_options: Any) -> list[Any]:
    if not isinstance(fetch_options, dict):
        return objects
    start = fetch_options.get("from") or 0
    count = fetch_options.get("count")
    return objects[start:] if count is None else objects[start : start + count]


async def search_files(
    ctx: SandboxContext, token: Any, criteria: Any, fetch_options: Any
) -> dict[str, Any]:
    user = require_session(ctx, token)
    perm_ids = _matching_data_sets(ctx, user, criteria)
    objects = _list_files(ctx, perm_ids)  # metadata only: stat calls and one query per data set
    return search_result(_page(objects, fetch_options), len(objects))
