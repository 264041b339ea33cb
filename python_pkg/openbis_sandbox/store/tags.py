"""Tags (openBIS "metaprojects"): private to their owner, permId ``/<owner>/<CODE>``.

Followed: ``CreateTagExecutor`` (owner = the session user, ``private`` always true, "Code
cannot be empty."), ``TagPermId`` (case-sensitive owner, upper-cased code). Entity
creations and updates may name a tag by ``TagCode`` or by the caller's own ``TagPermId``
that does not exist yet: openBIS then creates it for the caller (I).
"""

from __future__ import annotations

import sqlite3
from typing import Any

from ..errors import OpenbisError
from .ids import not_found
from .records import Graph


def tag_perm_id(owner: str, code: str) -> str:
    return f"/{owner}/{code.upper()}"


def resolve_tag(graph: Graph, user: str, id_obj: Any) -> str | None:
    """The permId of a ``TagPermId`` / ``TagCode`` (a code names one of ``user``'s tags)."""
    if not isinstance(id_obj, dict):
        return None
    if "code" in id_obj and "permId" not in id_obj:
        code = id_obj.get("code")
        perm_id = tag_perm_id(user, code) if isinstance(code, str) else None
    else:
        perm_id = id_obj.get("permId")
        if isinstance(perm_id, str) and perm_id.count("/") == 2:
            _, owner, code = perm_id.split("/")
            perm_id = tag_perm_id(owner, code)
    return perm_id if perm_id in graph.tags else None


def insert_tag(
    conn: sqlite3.Connection, *, user: str, code: Any, description: Any, at_ms: int
) -> str:
    if not isinstance(code, str) or not code.strip():
        raise OpenbisError("Code cannot be empty.")
    perm_id = tag_perm_id(user, code)
    if conn.execute("SELECT 1 FROM tags WHERE perm_id = ?", (perm_id,)).fetchone():
        raise OpenbisError(  # (I) DataAccessExceptionTranslator's text for "tag"
            f"Insert/Update of tag (Code: {code.upper()}) failed because "
            "tag with the same code already exists."
        )
    conn.execute(
        "INSERT INTO tags VALUES (?, ?, ?, ?, ?)",
        (perm_id, code.upper(), user, description, at_ms),
    )
    return perm_id


def tags_for_entity(
    conn: sqlite3.Connection, graph: Graph, user: str, ids: list[Any], at_ms: int
) -> list[str]:
    """permIds of the tags ``ids`` name, creating the caller's missing ones."""
    out = []
    for id_obj in ids:
        perm_id = resolve_tag(graph, user, id_obj)
        if perm_id is None:
            perm_id = _create_missing(conn, user, id_obj, at_ms)
        if perm_id not in out:
            out.append(perm_id)
    return out


def _create_missing(conn: sqlite3.Connection, user: str, id_obj: Any, at_ms: int) -> str:
    if not isinstance(id_obj, dict):
        raise OpenbisError("Tag id cannot be null.")  # (I)
    code = id_obj.get("code")
    if code is None and isinstance(id_obj.get("permId"), str):
        parts = id_obj["permId"].split("/")
        if len(parts) == 3 and parts[1] == user:
            code = parts[2]
    if not isinstance(code, str):
        raise not_found(id_obj)
    perm_id = tag_perm_id(user, code)
    if conn.execute("SELECT 1 FROM tags WHERE perm_id = ?", (perm_id,)).fetchone():
        return perm_id
    return insert_tag(conn, user=user, code=code, description=None, at_ms=at_ms)


def set_entity_tags(conn: sqlite3.Connection, kind: str, perm_id: str, tags: list[str]) -> None:
    conn.execute("DELETE FROM entity_tags WHERE entity_kind = ? AND perm_id = ?", (kind, perm_id))
    conn.executemany(
        "INSERT INTO entity_tags VALUES (?, ?, ?, ?)",
        [(kind, perm_id, tag, i) for i, tag in enumerate(tags)],
    )


def tagged(graph: Graph, tag: str, kind: str) -> list[str]:
    """permIds of the ``kind`` entities carrying ``tag``."""
    return [p for (k, p), tags in graph.entity_tags.items() if k == kind and tag in tags]


def retag(conn: sqlite3.Connection, kind: str, perm_ids: list[str], tag: str, graph: Graph) -> None:
    """Make ``perm_ids`` exactly the ``kind`` entities carrying ``tag`` (``TagUpdate``)."""
    before = set(tagged(graph, tag, kind))
    for perm_id in before - set(perm_ids):
        conn.execute(
            "DELETE FROM entity_tags WHERE entity_kind = ? AND perm_id = ? AND tag = ?",
            (kind, perm_id, tag),
        )
    for perm_id in perm_ids:
        if perm_id not in before:
            ordinal = len(graph.entity_tags.get((kind, perm_id), []))
            conn.execute(
                "INSERT OR IGNORE INTO entity_tags VALUES (?, ?, ?, ?)",
                (kind, perm_id, tag, ordinal),
            )


def delete_tag(conn: sqlite3.Connection, perm_id: str) -> None:
    conn.execute("DELETE FROM entity_tags WHERE tag = ?", (perm_id,))
    conn.execute("DELETE FROM tags WHERE perm_id = ?", (perm_id,))


def describe_tag(conn: sqlite3.Connection, perm_id: str, description: Any) -> None:
    conn.execute("UPDATE tags SET description = ? WHERE perm_id = ?", (description, perm_id))


def tag_entity(store: Any, user: str, kind: str, perm_id: str, ids: list[Any], at_ms: int) -> None:
    """Give a just-created entity the tags ``ids`` name (``store``: a ``db.Store``)."""
    graph = store.graph()
    with store.transaction() as conn:
        set_entity_tags(conn, kind, perm_id, tags_for_entity(conn, graph, user, ids, at_ms))
