"""AS archiving: ``archiveDataSets`` and ``unarchiveDataSets`` (both return null, as in
openBIS's ``IApplicationServerApi``); the status machine is in ``store.archiving``.
Data set ids that do not resolve are an ``ObjectNotFoundException``
(``ArchiveDataSetExecutor`` maps the ids and checks them) (I)."""

from __future__ import annotations

from typing import Any

from ..context import SandboxContext, require_session
from ..errors import OpenbisError
from ..store import archiving
from ..store.db import now_ms
from ..store.ids import not_found, resolve_dataset
from .wire import listed


def _perm_ids(ctx: SandboxContext, ids: Any) -> list[str]:
    ids = listed(ids, "Data set ids cannot be null.")  # (I)
    graph = ctx.store.graph()
    out = []
    for id_obj in ids:
        perm_id = resolve_dataset(graph, id_obj) if isinstance(id_obj, dict) else None
        if perm_id is None:
            raise not_found(id_obj if isinstance(id_obj, dict) else {"permId": id_obj})
        out.append(perm_id)
        out += graph.dataset_components.get(perm_id, [])  # a container's components too (I)
    return list(dict.fromkeys(out))


def archive_datasets(ctx: SandboxContext, token: Any, ids: Any, options: Any) -> None:
    require_session(ctx, token)
    if not isinstance(options, dict):
        raise OpenbisError("Options cannot be null.")  # (I)
    perm_ids = _perm_ids(ctx, ids)
    remove = options.get("removeFromDataStore", True) is not False
    with ctx.store.transaction() as conn:
        archiving.archive(conn, perm_ids, remove=remove, at_ms=now_ms())
    return None


def unarchive_datasets(ctx: SandboxContext, token: Any, ids: Any, options: Any) -> None:
    require_session(ctx, token)
    if not isinstance(options, dict):
        raise OpenbisError("Options cannot be null.")  # (I)
    perm_ids = _perm_ids(ctx, ids)
    with ctx.store.transaction() as conn:
        archiving.unarchive(conn, perm_ids, at_ms=now_ms())
    return None


METHODS = {
    "archiveDataSets": archive_datasets,
    "unarchiveDataSets": unarchive_datasets,
}
