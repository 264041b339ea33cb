"""Reading openBIS JSON: objects may be replaced by the integer ``@id`` of an earlier copy.

pybis's ``parse_jackson`` resolves references only under a fixed list of keys
(SPEC §1.5.2); reading through ``deref`` works for any key.
"""

from __future__ import annotations

from typing import Any

IdIndex = dict[int, dict[str, Any]]


def index_ids(value: Any, index: IdIndex | None = None) -> IdIndex:
    """Map every ``@id`` in a response to its object (first occurrence wins)."""
    index = {} if index is None else index
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            ident = item.get("@id")
            if isinstance(ident, int) and ident not in index:
                index[ident] = item
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return index


def deref(value: Any, index: IdIndex) -> Any:
    """The object itself, or the object an integer back-reference points at."""
    if isinstance(value, int) and not isinstance(value, bool):
        return index.get(value)
    return value


def field(obj: Any, key: str, index: IdIndex) -> Any:
    """A plain value ``obj[key]`` (numbers stay numbers); None for anything missing."""
    if not isinstance(obj, dict):
        return None
    return obj.get(key)


def ref(obj: Any, key: str, index: IdIndex) -> Any:
    """An object-valued ``obj[key]``, following an integer back-reference; None if not an object."""
    if not isinstance(obj, dict):
        return None
    value = deref(obj.get(key), index)
    return value if isinstance(value, dict) else None


def objects(value: Any, index: IdIndex) -> list[dict[str, Any]]:
    """A list of objects (references resolved, non-objects dropped)."""
    if not isinstance(value, list):
        return []
    resolved = (deref(item, index) for item in value)
    return [item for item in resolved if isinstance(item, dict)]


def perm_id(obj: Any, index: IdIndex) -> str | None:
    """``obj.permId.permId`` (entities) or ``obj.permId`` when it is already a string."""
    pid = deref(field(obj, "permId", index), index)
    if isinstance(pid, dict):
        inner = pid.get("permId")
        return inner if isinstance(inner, str) else None
    return pid if isinstance(pid, str) else None


def code_of(obj: Any, index: IdIndex) -> str | None:
    """``obj.code`` for an object (already resolved by ``ref``)."""
    value = field(obj, "code", index)
    return value if isinstance(value, str) else None
