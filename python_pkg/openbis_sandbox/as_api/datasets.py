"""``createDataSets`` on the AS: CONTAINER data sets (see ``store.containers``)."""

from __future__ import annotations

from typing import Any

from ..context import SandboxContext, require_session
from ..dto.common import perm_id_bean
from ..store.containers import create_container
from .wire import beans, check_typed


def create_datasets(ctx: SandboxContext, token: Any, creations: Any) -> list[dict[str, Any]]:
    user = require_session(ctx, token)
    creations = beans(creations, "Data set creations cannot be null.")  # (I)
    for c in creations:
        check_typed(c.get("tagIds"), "as.dto.tag.id.ITagId")
    return [
        perm_id_bean("as.dto.dataset.id.DataSetPermId", create_container(ctx.store, user, c))
        for c in creations
    ]


METHODS = {"createDataSets": create_datasets}
