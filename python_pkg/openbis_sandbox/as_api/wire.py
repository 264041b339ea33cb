"""How openBIS's Jackson reads the list and id parameters of the update, deletion, tag,
archiving and container methods (see ``jackson``): a single value where a list is
expected is a one-element list, and an id without ``@type`` cannot be deserialised."""

from __future__ import annotations

from typing import Any

from ..errors import OpenbisError
from ..jackson import collection, java_name, missing_type


def listed(value: Any, null_message: str) -> list[Any]:
    items = collection(value)
    if items is None:
        raise OpenbisError(null_message)
    return items


def beans(value: Any, null_message: str) -> list[dict[str, Any]]:
    """A list of beans (creations, updates); anything else is refused as null (I)."""
    items = listed(value, null_message)
    if not all(isinstance(item, dict) for item in items):
        raise OpenbisError(null_message)
    return items


def check_typed(items: Any, interface: str) -> None:
    """Refuse ids without ``@type`` (e.g. pybis's ``{"code", "permId"}`` tag dicts)."""
    for item in collection(items) or []:
        if isinstance(item, dict) and not isinstance(item.get("@type"), str):
            raise missing_type(java_name(interface))


def check_typed_update(value: Any, interface: str) -> None:
    """``check_typed`` on every action of an ``IdListUpdateValue``."""
    if isinstance(value, dict):
        for action in value.get("actions") or []:
            if isinstance(action, dict):
                check_typed(action.get("items"), interface)
