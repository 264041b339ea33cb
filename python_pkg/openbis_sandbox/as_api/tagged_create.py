"""``createExperiments`` and ``createSamples`` with ``tagIds``: the creation without its
tags goes to ``create``; the tags are then given to the new entities (a TagCode or the
caller's own TagPermId that does not exist yet creates the tag, see ``store.tags``).

Tag ids must carry ``@type``: pybis 1.37.5's ``new_sample(tags=…)`` sends
``{"code", "permId"}`` dicts, which openBIS's Jackson cannot read (``ITagId`` is an
interface: without ``@type`` it has no class to read into), and the sandbox refuses them
the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..context import SandboxContext, require_session
from ..jackson import collection
from ..store.db import now_ms
from ..store.tags import tag_entity
from .create import create_experiments, create_samples
from .wire import check_typed


def _with_tags(create: Callable[..., list[dict[str, Any]]], kind: str):
    def method(ctx: SandboxContext, token: Any, creations: Any) -> list[dict[str, Any]]:
        user = require_session(ctx, token)
        items = collection(creations)
        if not items or not all(isinstance(c, dict) for c in items):
            return create(ctx, token, creations)  # create() reports what is wrong
        tag_ids = [collection(c.get("tagIds")) or [] for c in items]
        for ids in tag_ids:
            check_typed(ids, "as.dto.tag.id.ITagId")
        created = create(ctx, token, [{k: v for k, v in c.items() if k != "tagIds"} for c in items])
        for bean, ids in zip(created, tag_ids, strict=True):
            if ids:
                tag_entity(ctx.store, user, kind, bean["permId"], ids, now_ms())
        return created

    return method


METHODS = {
    "createExperiments": _with_tags(create_experiments, "EXPERIMENT"),
    "createSamples": _with_tags(create_samples, "SAMPLE"),
}
