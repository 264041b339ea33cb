"""The AS V3 method table (``/openbis/openbis/rmi-application-server-v3.json``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .create import METHODS as CREATE_METHODS
from .entities import METHODS as ENTITY_METHODS
from .masterdata import METHODS as MASTERDATA_METHODS
from .pats import METHODS as PAT_METHODS
from .session import METHODS as SESSION_METHODS

METHODS: dict[str, Callable[..., Any]] = {
    **SESSION_METHODS,
    **ENTITY_METHODS,
    **MASTERDATA_METHODS,
    **CREATE_METHODS,
    **PAT_METHODS,
}
