"""The service facade's part for opening saved notebooks from openBIS (docs/open.md).

``BridgeService`` inherits it; it uses the facade's registry, pools, jobs and settings and
stays tornado-free like the rest of the service.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ..errors import InvalidInput
from .browse import MAX_QUERY_LENGTH
from .open_notebook import (
    NotebookOpener,
    check_perm_id,
    describe_notebook,
    find_opened,
    folder_of,
    list_notebooks,
    parse_open_request,
)


class OpenService:
    """Mixed into ``BridgeService``, which provides these and ``_blocking`` and ``call``."""

    registry: Any
    settings: Any
    jobs: Any
    _blocking: Callable[..., Any]
    call: Callable[..., Any]

    async def saved_notebooks(
        self, name: str, query: str | None, offset: int, limit: int
    ) -> dict[str, Any]:
        """A page of the connection's saved notebooks (the Open dialog's picker)."""
        text = query or ""
        if len(text) > MAX_QUERY_LENGTH or any(ord(ch) < 32 for ch in text):
            raise InvalidInput(
                "q must be at most 200 printable characters", fields={"q": "invalid"}
            )
        kind = self.settings.default_dataset_type
        return await self.call(name, lambda c: list_notebooks(c, kind, text, offset, limit))

    async def open_plan(self, name: str, perm_id: str) -> dict[str, Any]:
        """What opening ``perm_id`` would do: the notebook, its parents and their sizes, and
        where it is open already (``opened``, an API path, or null)."""
        perm = check_perm_id(perm_id)
        kind = self.settings.default_dataset_type
        info = await self.call(name, lambda c: describe_notebook(c, perm, kind))
        file_name = info.as_json()["notebookFile"]
        opened = await self._blocking(find_opened, self.settings.root_dir, perm, file_name)
        return {**info.as_json(), "folder": folder_of(perm).as_posix(), "opened": opened}

    async def start_open(self, name: str, body: Mapping[str, Any]) -> Any:
        """Check the request and the data set (4xx), then lay it out as an ``open`` job."""
        request = parse_open_request(body)
        kind = self.settings.default_dataset_type
        info = await self.call(name, lambda c: describe_notebook(c, request.perm_id, kind))
        # A link at openbis/ or openbis/<permId>/ is refused now (403), not in the job only.
        file_name = info.as_json()["notebookFile"]
        await self._blocking(find_opened, self.settings.root_dir, request.perm_id, file_name)
        opener = NotebookOpener(
            self.registry,
            root=self.settings.root_dir,
            timeout=self.settings.request_timeout,
            allow_hidden=self.settings.allow_hidden,
        )
        return self.jobs.start(
            "open",
            name,
            {"permId": request.perm_id, "parents": request.parents},
            lambda job: opener.run(job, request, info),
        )
