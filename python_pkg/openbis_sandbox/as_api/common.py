"""Shared machinery of the AS methods: id-keyed get results (SPEC §1.5.6), paged search
results (SPEC §1.5.7) and the checks of creation lists."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from ..context import SandboxContext, require_session
from ..criteria.match import page, search
from ..criteria.parse import expect_type, parse, with_declared_type
from ..dto.common import Builder
from ..errors import OpenbisError
from ..jackson import check_id, collection, not_a_bean
from ..store.ids import id_key
from ..store.records import Graph

Resolve = Callable[[Graph, dict[str, Any]], Any]
Build = Callable[[Builder, Any, dict[str, Any]], dict[str, Any] | None]


def fetch_options(fo: Any) -> dict[str, Any]:
    if not isinstance(fo, dict):
        raise OpenbisError("Fetch options cannot be null.")  # (I)
    return fo


def get_by_ids(
    ctx: SandboxContext, token: Any, ids: Any, fo: Any, resolve: Resolve, build: Build
) -> dict[str, Any]:
    """``{id.toString(): DTO}`` in request order; unresolved ids are silently left out."""
    require_session(ctx, token)
    fo = fetch_options(fo)
    ids = collection(ids)  # a single id is read as a one-element list (jackson.collection)
    if ids is None:
        raise OpenbisError("Object ids cannot be null.")  # (I)
    for i, id_obj in enumerate(ids):
        check_id(id_obj, f"java.util.ArrayList[{i}]")
    builder = Builder(ctx.store.graph(), ctx)
    result: dict[str, Any] = {}
    for id_obj in ids:
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
    fo = fetch_options(fo)
    node = parse(with_declared_type(criteria, criteria_types[0]))
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
    """``creations`` checked to be a list of creation objects without tags/attachments.

    A single creation object is read as a one-element list (``jackson.collection``).
    """
    creations = collection(creations)
    if creations is None:
        raise OpenbisError(f"{what} creations cannot be null.")  # (I)
    for i, creation in enumerate(creations):
        if not isinstance(creation, dict):
            raise not_a_bean(creation, f"java.util.ArrayList[{i}]")
    for creation in creations:
        if creation.get("tagIds") or creation.get("attachments"):
            raise OpenbisError("Tags and attachments are not supported by openbis-sandbox.")
    return creations
