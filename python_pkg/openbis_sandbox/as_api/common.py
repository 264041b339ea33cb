"""Shared machinery of the AS methods: id-keyed get results (SPEC §1.5.6), paged search
results (SPEC §1.5.7) and the checks of creation lists."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from ..context import SandboxContext, require_session
from ..criteria.match import page, search
from ..criteria.parse import expect_type, parse
from ..dto.common import Builder
from ..errors import OpenbisError
from ..store.ids import id_key
from ..store.records import Graph

Resolve = Callable[[Graph, dict[str, Any]], Any]
Build = Callable[[Builder, Any, dict[str, Any]], dict[str, Any] | None]


def _fetch_options(fo: Any) -> dict[str, Any]:
    if not isinstance(fo, dict):
        raise OpenbisError("Fetch options cannot be null.")  # (I)
    return fo


def get_by_ids(
    ctx: SandboxContext, token: Any, ids: Any, fo: Any, resolve: Resolve, build: Build
) -> dict[str, Any]:
    """``{id.toString(): DTO}`` in request order; unresolved ids are silently left out."""
    require_session(ctx, token)
    fo = _fetch_options(fo)
    if not isinstance(ids, list):
        raise OpenbisError("Object ids cannot be null.")  # (I)
    builder = Builder(ctx.store.graph(), ctx)
    result: dict[str, Any] = {}
    for id_obj in ids:
        if not isinstance(id_obj, dict):
            continue
        record = resolve(builder.graph, id_obj)
        if record is not None:
            result[id_key(id_obj)] = build(builder, record, fo)
    return result


def search_result(
    ctx: SandboxContext,
    token: Any,
    criteria: Any,
    fo: Any,
    criteria_types: tuple[str, ...],
    kind: str,
    records: Callable[[Graph], Iterable[Any]],
    build: Build,
) -> dict[str, Any]:
    """A SearchResult with ``totalCount`` counted before paging."""
    require_session(ctx, token)
    fo = _fetch_options(fo)
    node = parse(criteria, lenient=ctx.lenient_criteria)
    expect_type(node, *criteria_types)
    builder = Builder(ctx.store.graph(), ctx)
    hits = search(node, builder.graph, kind, records(builder.graph))
    objects, total = page(hits, fo)
    return {
        "@type": "as.dto.common.search.SearchResult",
        "objects": [build(builder, record, fo) for record in objects],
        "totalCount": total,
    }


def creations_of(creations: Any, what: str) -> list[dict[str, Any]]:
    """``creations`` checked to be a list of creation objects without tags/attachments."""
    if not isinstance(creations, list) or not all(isinstance(c, dict) for c in creations):
        raise OpenbisError(f"{what} creations cannot be null.")  # (I)
    for creation in creations:
        if creation.get("tagIds") or creation.get("attachments"):
            raise OpenbisError("Tags and attachments are not supported by openbis-sandbox.")
    return creations
