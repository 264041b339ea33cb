"""The AS V3 method table (``/openbis/openbis/rmi-application-server-v3.json``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .archive import METHODS as ARCHIVE_METHODS
from .codes import METHODS as CODE_METHODS
from .create import METHODS as CREATE_METHODS
from .datasets import METHODS as DATASET_METHODS
from .delete import METHODS as DELETE_METHODS
from .entities import METHODS as ENTITY_METHODS
from .masterdata import METHODS as MASTERDATA_METHODS
from .masterdata_write import METHODS as MASTERDATA_WRITE_METHODS
from .pats import METHODS as PAT_METHODS
from .persons import METHODS as PERSON_METHODS
from .plugins import METHODS as PLUGIN_METHODS
from .session import METHODS as SESSION_METHODS
from .tagged_create import METHODS as TAGGED_CREATE_METHODS
from .tags import METHODS as TAG_METHODS
from .update import METHODS as UPDATE_METHODS

METHODS: dict[str, Callable[..., Any]] = {
    **SESSION_METHODS,
    **ENTITY_METHODS,
    **MASTERDATA_METHODS,
    **CREATE_METHODS,
    **PAT_METHODS,
    **MASTERDATA_WRITE_METHODS,
    **PERSON_METHODS,
    **PLUGIN_METHODS,
    **UPDATE_METHODS,
    **DELETE_METHODS,
    **TAG_METHODS,
    **ARCHIVE_METHODS,
    **CODE_METHODS,
    **DATASET_METHODS,
    **TAGGED_CREATE_METHODS,  # wraps createExperiments/createSamples: tagIds
}
