"""The AS V3 method table (``/openbis/openbis/rmi-application-server-v3.json``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .as_create import METHODS as CREATE_METHODS
from .as_entities import METHODS as ENTITY_METHODS
from .as_session import METHODS as SESSION_METHODS
from .as_types import METHODS as TYPE_METHODS

METHODS: dict[str, Callable[..., Any]] = {
    **SESSION_METHODS,
    **ENTITY_METHODS,
    **TYPE_METHODS,
    **CREATE_METHODS,
}
