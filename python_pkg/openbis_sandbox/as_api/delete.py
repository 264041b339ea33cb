"""AS deletions (``delete<Entities>``) and the trash (``searchDeletions``,
``confirmDeletions``, ``revertDeletions``); the store side is ``store.trash``.

Spaces, projects and tags are deleted for good and the methods return null; experiments,
samples and data sets go to the trash and the methods return the new ``DeletionTechId``
(openBIS ``IApplicationServerApi``). Ids that do not resolve are skipped, as
``AbstractDeleteEntityExecutor`` does; when none resolves nothing happens and the result
is null.
"""

from __future__ import annotations

from typing import Any

from ..context import SandboxContext, require_session
from ..dto.common import Builder
from ..dto.deletions import deletion, deletion_tech_id
from ..errors import OpenbisError
from ..store import trash
from ..store.db import now_ms
from ..store.ids import (
    describe_id,
    resolve_dataset,
    resolve_experiment,
    resolve_project,
    resolve_sample,
    resolve_space,
)
from .wire import listed


def _reason(options: Any) -> str:
    """``AbstractDeleteEntityExecutor``'s checks of the deletion options."""
    if not isinstance(options, dict):
        raise OpenbisError("Deletion options cannot be null")
    reason = options.get("reason")
    if reason is None:
        raise OpenbisError("Deletion reason cannot be null")
    return str(reason)


def _resolved(graph, ids: Any, resolver) -> list[str]:
    ids = listed(ids, "Entity ids cannot be null")
    found: list[str] = []
    for id_obj in ids:
        key = resolver(graph, id_obj) if isinstance(id_obj, dict) else None
        if key is not None and key not in found:
            found.append(key)
    return found


def _trash_method(kind: str, resolver):
    def delete(ctx: SandboxContext, token: Any, ids: Any, options: Any) -> dict[str, Any] | None:
        user = require_session(ctx, token)
        reason = _reason(options)
        graph = ctx.store.graph()
        perm_ids = _resolved(graph, ids, resolver)
        if not perm_ids:
            return None
        with ctx.store.transaction() as conn:
            tech_id = trash.trash(
                conn, graph, user=user, kind=kind, perm_ids=perm_ids, reason=reason, at_ms=now_ms()
            )
        return deletion_tech_id(tech_id)

    return delete


def delete_spaces(ctx: SandboxContext, token: Any, ids: Any, options: Any) -> None:
    require_session(ctx, token)
    _reason(options)
    codes = _resolved(ctx.store.graph(), ids, resolve_space)
    with ctx.store.transaction() as conn:
        for code in codes:
            trash.delete_space(conn, code)
    return None


def delete_projects(ctx: SandboxContext, token: Any, ids: Any, options: Any) -> None:
    require_session(ctx, token)
    _reason(options)
    graph = ctx.store.graph()
    perm_ids = _resolved(graph, ids, resolve_project)
    with ctx.store.transaction() as conn:
        for perm_id in perm_ids:
            trash.delete_project(conn, perm_id, graph.projects[perm_id].identifier)
    return None


def search_deletions(ctx: SandboxContext, token: Any, criteria: Any, fo: Any) -> dict[str, Any]:
    """The deletions, oldest first, filtered by the ``withId()`` criteria if any; the
    operator is not read (openBIS's criteria hold ids only) (I)."""
    require_session(ctx, token)
    if not isinstance(criteria, dict):
        raise OpenbisError("Criteria cannot be null")  # (I)
    if not isinstance(fo, dict):
        raise OpenbisError("Fetch options cannot be null.")  # (I)
    with ctx.store.read() as conn:
        found = trash.load_deletions(conn)
    wanted = _id_filter(criteria)
    if wanted is not None:
        found = [d for d in found if d.tech_id in wanted]
    builder = Builder(ctx.store.graph(), ctx)
    return {
        "@type": "as.dto.common.search.SearchResult",
        "objects": [deletion(builder, d, fo) for d in found],
        "totalCount": len(found),
    }


def _id_filter(criteria: dict[str, Any]) -> set[int] | None:
    """The tech ids named by ``withId()`` criteria (the only field a
    ``DeletionSearchCriteria`` has); None when there are none."""
    wanted: set[int] | None = None
    for child in criteria.get("criteria") or []:
        value = child.get("fieldValue") if isinstance(child, dict) else None
        if isinstance(value, dict) and str(value.get("@type", "")).endswith("DeletionTechId"):
            try:
                tech_id = int(value.get("techId", value.get("id")))
            except (TypeError, ValueError):
                continue
            wanted = (wanted or set()) | {tech_id}
    return wanted


def _deletion_ids(conn, ids: Any) -> list[int]:
    ids = listed(ids, "Deletion ids cannot be null")  # (I)
    out = []
    for id_obj in ids:
        tech_id = id_obj.get("techId", id_obj.get("id")) if isinstance(id_obj, dict) else None
        try:
            tech_id = int(tech_id)
        except (TypeError, ValueError):
            tech_id = None
        if not trash.deletion_exists(conn, tech_id):
            shown = id_obj if isinstance(id_obj, dict) else {"techId": id_obj}
            raise OpenbisError(  # (I) ObjectNotFoundException as for other ids
                f"Object with {describe_id({'@type': 'DeletionTechId', **shown})} "
                "has not been found.",
                "ch.ethz.sis.openbis.generic.asapi.v3.exceptions.ObjectNotFoundException",
            )
        out.append(tech_id)
    return out


def confirm_deletions(ctx: SandboxContext, token: Any, ids: Any) -> None:
    require_session(ctx, token)
    gone: list[str] = []
    with ctx.store.transaction() as conn:
        for tech_id in _deletion_ids(conn, ids):
            gone += trash.confirm(conn, tech_id)
    trash.remove_files([ctx.store.dataset_dir(p) for p in gone])
    return None


def revert_deletions(ctx: SandboxContext, token: Any, ids: Any) -> None:
    require_session(ctx, token)
    with ctx.store.transaction() as conn:
        for tech_id in _deletion_ids(conn, ids):
            trash.revert(conn, tech_id)
    return None


METHODS = {
    "deleteSpaces": delete_spaces,
    "deleteProjects": delete_projects,
    "deleteExperiments": _trash_method("EXPERIMENT", resolve_experiment),
    "deleteSamples": _trash_method("SAMPLE", resolve_sample),
    "deleteDataSets": _trash_method("DATA_SET", resolve_dataset),
    "searchDeletions": search_deletions,
    "confirmDeletions": confirm_deletions,
    "revertDeletions": revert_deletions,
}
