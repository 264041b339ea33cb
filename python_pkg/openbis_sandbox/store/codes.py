"""Server-generated permIds and codes (``createPermIdStrings``, ``createCodes``).

Followed: ``CreatePermIdsOperationExecutor`` (1..100 ids a call, from the permId sequence
that registrations use) and ``CreateCodesOperationExecutor`` / ``EntityCodeGenerator``
(prefix + the next number of one sequence per entity kind).
"""

from __future__ import annotations

import sqlite3

from ..errors import OpenbisError
from .db import allocate_perm_id

ENTITY_KINDS = ("SAMPLE", "EXPERIMENT", "DATA_SET", "MATERIAL")


def perm_ids(conn: sqlite3.Connection, count: int, at_ms: int) -> list[str]:
    if count <= 0:
        raise OpenbisError("Count cannot be <= 0")
    if count > 100:
        raise OpenbisError(f"Cannot create more than 100 ids in one call ({count} requested)")
    return [allocate_perm_id(conn, at_ms) for _ in range(count)]


def codes(conn: sqlite3.Connection, prefix: str, kind: str, count: int) -> list[str]:
    if count <= 0:
        raise OpenbisError("Count cannot be <= 0")
    name = f"code:{kind}"
    out = []
    for _ in range(count):
        conn.execute(
            "INSERT INTO counters(name, value) VALUES (?, 1) "
            "ON CONFLICT(name) DO UPDATE SET value = value + 1",
            (name,),
        )
        n = conn.execute("SELECT value FROM counters WHERE name = ?", (name,)).fetchone()[0]
        out.append(f"{prefix}{n}")
    return out
