"""AS tag methods: ``createTags``, ``getTags``, ``searchTags``, ``updateTags``,
``deleteTags`` (openBIS ``CreateTagExecutor``, ``UpdateTagExecutor``,
``DeleteTagExecutor``; tags are deleted for good, no trash). A ``TagCode`` names one of
the caller's own tags."""

from __future__ import annotations

from typing import Any

from ..context import SandboxContext, require_session
from ..dto import entities as entity_dto
from ..dto.common import Builder, perm_id_bean
from ..dto.tags import tag as tag_dto
from ..errors import OpenbisError
from ..store import tags as store_tags
from ..store.db import now_ms
from ..store.ids import not_found, resolve_dataset, resolve_experiment, resolve_sample
from ..store.updates import field_update, list_update
from .common import get_by_ids, search_result
from .wire import beans, listed

_RELATED = {
    "EXPERIMENT": entity_dto.experiment,
    "SAMPLE": entity_dto.sample,
    "DATA_SET": entity_dto.dataset,
}
_ENTITY_IDS = (
    ("experimentIds", "EXPERIMENT", resolve_experiment),
    ("sampleIds", "SAMPLE", resolve_sample),
    ("dataSetIds", "DATA_SET", resolve_dataset),
)


def _build(builder: Builder, record: Any, fo: dict[str, Any]) -> dict[str, Any] | None:
    return tag_dto(builder, record, fo, _RELATED)


def _entities(graph, value: Any, resolver, current: list[str]) -> list[str]:
    def resolve(id_obj: Any) -> str:
        found = resolver(graph, id_obj) if isinstance(id_obj, dict) else None
        if found is None:
            raise not_found(id_obj if isinstance(id_obj, dict) else {"permId": id_obj})
        return found

    if isinstance(value, list):  # a creation's plain list
        return list(dict.fromkeys(resolve(i) for i in value))
    return list_update(current, value, resolve)


def create_tags(ctx: SandboxContext, token: Any, creations: Any) -> list[dict[str, Any]]:
    user = require_session(ctx, token)
    creations = beans(creations, "Tag creations cannot be null.")  # (I)
    graph = ctx.store.graph()
    at_ms = now_ms()
    created = []
    with ctx.store.transaction() as conn:
        for c in creations:
            perm_id = store_tags.insert_tag(
                conn, user=user, code=c.get("code"), description=c.get("description"), at_ms=at_ms
            )
            for name, kind, resolver in _ENTITY_IDS:
                if c.get(name):
                    members = _entities(graph, c.get(name), resolver, [])
                    store_tags.retag(conn, kind, members, perm_id, graph)
            created.append(perm_id_bean("as.dto.tag.id.TagPermId", perm_id))
    return created


def _resolve(user: str):
    def resolve(graph, id_obj):
        perm_id = store_tags.resolve_tag(graph, user, id_obj)
        return None if perm_id is None else graph.tags[perm_id]

    return resolve


def get_tags(ctx: SandboxContext, token: Any, ids: Any, fo: Any) -> dict[str, Any]:
    user = require_session(ctx, token)
    return get_by_ids(ctx, token, ids, fo, _resolve(user), _build)


def search_tags(ctx: SandboxContext, token: Any, criteria: Any, fo: Any) -> dict[str, Any]:
    user = require_session(ctx, token)
    return search_result(
        ctx,
        token,
        criteria,
        fo,
        ("as.dto.tag.search.TagSearchCriteria",),
        "TAG",
        lambda g: [t for t in g.tags.values() if t.owner == user],
        _build,
    )


def update_tags(ctx: SandboxContext, token: Any, updates: Any) -> None:
    user = require_session(ctx, token)
    updates = beans(updates, "Tag updates cannot be null.")  # (I)
    graph = ctx.store.graph()
    with ctx.store.transaction() as conn:
        for update in updates:
            perm_id = store_tags.resolve_tag(graph, user, update.get("tagId"))
            if perm_id is None:
                raise not_found(update.get("tagId") or {"@type": "as.dto.tag.id.TagPermId"})
            modified, description = field_update(update.get("description"))
            if modified:
                store_tags.describe_tag(conn, perm_id, description)
            for name, kind, resolver in _ENTITY_IDS:
                if update.get(name) is not None:
                    current = store_tags.tagged(graph, perm_id, kind)
                    members = _entities(graph, update.get(name), resolver, current)
                    store_tags.retag(conn, kind, members, perm_id, graph)
    return None


def delete_tags(ctx: SandboxContext, token: Any, ids: Any, options: Any) -> None:
    user = require_session(ctx, token)
    if not isinstance(options, dict):
        raise OpenbisError("Deletion options cannot be null")
    if options.get("reason") is None:
        raise OpenbisError("Deletion reason cannot be null")
    ids = listed(ids, "Entity ids cannot be null")
    graph = ctx.store.graph()
    with ctx.store.transaction() as conn:
        for id_obj in ids:
            perm_id = store_tags.resolve_tag(graph, user, id_obj)
            if perm_id is not None:
                store_tags.delete_tag(conn, perm_id)
    return None


METHODS = {
    "createTags": create_tags,
    "getTags": get_tags,
    "searchTags": search_tags,
    "updateTags": update_tags,
    "deleteTags": delete_tags,
}
