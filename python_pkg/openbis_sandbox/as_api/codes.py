"""``createPermIdStrings`` and ``createCodes`` (see ``store.codes``)."""

from __future__ import annotations

from typing import Any

from ..context import SandboxContext, require_session
from ..errors import OpenbisError
from ..store import codes
from ..store.db import now_ms


def _count(count: Any) -> int:
    if isinstance(count, bool) or not isinstance(count, int):
        raise OpenbisError(f"Count must be a number, not '{count}'.")  # (I) a Jackson error
    return count


def create_perm_id_strings(ctx: SandboxContext, token: Any, count: Any) -> list[str]:
    require_session(ctx, token)
    count = _count(count)
    with ctx.store.transaction() as conn:
        return codes.perm_ids(conn, count, now_ms())


def create_codes(
    ctx: SandboxContext, token: Any, prefix: Any, entity_kind: Any, count: Any
) -> list[str]:
    require_session(ctx, token)
    if entity_kind is None:
        raise OpenbisError("Entity kind cannot be null")
    if entity_kind not in codes.ENTITY_KINDS:
        raise OpenbisError(  # (I) Jackson's enum error, abbreviated
            f'Cannot deserialize value of type `EntityKind` from String "{entity_kind}": '
            f"not one of the values accepted for Enum class: [{', '.join(codes.ENTITY_KINDS)}]"
        )
    count = _count(count)
    with ctx.store.transaction() as conn:
        return codes.codes(conn, prefix if isinstance(prefix, str) else "", entity_kind, count)


METHODS = {
    "createPermIdStrings": create_perm_id_strings,
    "createCodes": create_codes,
}
