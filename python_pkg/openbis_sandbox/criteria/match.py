"""Evaluation of parsed V3 search criteria (see ``parse``) on ``Graph`` records.

``matches`` evaluates a ``Node`` tree on one record, ``search`` filters records with it
and ``page`` applies ``from``/``count`` after filtering and returns the pre-paging total.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from ..errors import OpenbisError
from ..jackson import mismatch
from ..store.ids import id_key
from ..store.records import Graph
from .access import (
    code_of,
    dates_of,
    identifier_of,
    perm_id_of,
    properties_of,
    related,
)
from .parse import Node
from .values import match_value


def matches(node: Node, graph: Graph, kind: str, obj: Any) -> bool:
    """Whether record ``obj`` (of ``kind``) satisfies composite ``node``'s children."""
    if not node.children:
        return True
    results = (_child_matches(child, graph, kind, obj) for child in node.children)
    return all(results) if node.operator == "AND" else any(results)


def _child_matches(child: Node, graph: Graph, kind: str, obj: Any) -> bool:
    if child.is_leaf:
        return _leaf_matches(child, graph, kind, obj)
    targets = related(graph, kind, obj, child.target or "", child.relation)
    return any(matches(child, graph, tkind, target) for tkind, target in targets)


def _leaf_matches(leaf: Node, graph: Graph, kind: str, obj: Any) -> bool:
    value, wild = leaf.field_value, leaf.use_wildcards
    field = leaf.field
    if field == "code":
        return match_value(code_of(kind, obj), value, wild)
    if field == "permId":
        return match_value(perm_id_of(graph, kind, obj), value, wild)
    if field == "identifier":
        return match_value(identifier_of(graph, kind, obj), value, wild)
    if field == "codes":
        return code_of(kind, obj) in (value or [])
    if field in ("id", "ids"):
        ids = value if field == "ids" else [value]
        keys = {id_key(i) for i in ids or []}
        return bool(keys & {perm_id_of(graph, kind, obj), identifier_of(graph, kind, obj)})
    if field == "property":
        return match_value(properties_of(obj).get(leaf.field_name or ""), value, wild)
    if field == "anyProperty":
        return any(match_value(v, value, wild) for v in properties_of(obj).values())
    if field == "anyField":
        candidates = [
            code_of(kind, obj),
            perm_id_of(graph, kind, obj),
            identifier_of(graph, kind, obj),
            *properties_of(obj).values(),
        ]
        return any(match_value(c, value, wild) for c in candidates if c is not None)
    if field in ("registrationDate", "modificationDate"):
        registered, modified = dates_of(obj)
        return match_value(registered if field == "registrationDate" else modified, value, wild)
    if field == "status":
        return getattr(obj, "status", None) == value
    if field == "pluginType":
        return getattr(obj, "plugin_type", None) == value
    if field == "name":
        return match_value(getattr(obj, "name", None), value, wild)
    if field == "sessionName":
        return match_value(getattr(obj, "session_name", None), value, wild)
    person_fields = {
        "userId": "user_id",
        "firstName": "first_name",
        "lastName": "last_name",
        "email": "email",
    }
    if field in person_fields:
        return match_value(getattr(obj, person_fields[field], None), value, wild)
    return False


def search(node: Node, graph: Graph, kind: str, records: Iterable[Any]) -> list[Any]:
    return [r for r in records if matches(node, graph, kind, r)]


def page(items: Sequence[Any], fetch_options: dict[str, Any] | None) -> tuple[list[Any], int]:
    """Apply ``from``/``count`` after filtering; returns ``(page, totalCount)``."""
    total = len(items)
    fo = fetch_options or {}
    start = _integer(fo.get("from"), "from") or 0
    count = _integer(fo.get("count"), "count")
    start = max(start, 0)
    end = total if count is None else start + max(count, 0)
    return list(items[start:end]), total


def _integer(value: Any, name: str) -> int | None:
    """An ``Integer`` fetch-options field: Jackson also reads numbers given as strings."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise mismatch(value, "java.lang.Integer", f'FetchOptions["{name}"]')
    try:
        return int(value)
    except ValueError:
        raise OpenbisError(
            f'Cannot deserialize value of type `java.lang.Integer` from String "{value}": '
            "not a valid Integer value",
            "com.fasterxml.jackson.databind.exc.InvalidFormatException",
        ) from None
