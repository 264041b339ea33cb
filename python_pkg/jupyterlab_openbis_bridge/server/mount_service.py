"""The service facade's part for data store mounts and links (docs/data-without-copying.md).

``BridgeService`` inherits it; it uses the facade's registry, pools, settings, mounts and
kernel hand-off, and stays tornado-free like the rest of the service.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

from .kernel_session import emit_pending_event
from .links import check_link_request, experiment_of, link_record, make_link
from .mounts import check_mount_request, mount_login
from .paths import parse_relative

audit = logging.getLogger(__name__.rsplit(".", 1)[0] + ".audit")


class MountService:
    """Mixed into ``BridgeService``, which provides these and ``_blocking`` and ``call``."""

    registry: Any
    settings: Any
    mounts: Any
    kernel_sessions: Any
    _blocking: Callable[..., Any]
    call: Callable[..., Any]

    def _with_mount(self, entry: dict[str, Any]) -> dict[str, Any]:
        return {**entry, **self.mounts.status(entry["name"])}

    async def mount(self, name: str, body: Mapping[str, Any]) -> dict[str, Any]:
        port = check_mount_request(dict(body))
        conn = self.registry.get(name)
        host, credentials = mount_login(conn)
        await self._blocking(self.mounts.mount, name, host, port, credentials)
        return self._with_mount(conn.describe())

    async def unmount(self, name: str) -> dict[str, Any]:
        await self._blocking(self.mounts.unmount, name)
        return self._with_mount(self.registry.get(name).describe())

    async def link_dataset(
        self, name: str, body: Mapping[str, Any], event_logger: Any = None
    ) -> dict[str, Any]:
        """Link ``data/<permId>`` to the mounted data set instead of copying it."""
        perm_id, destination, notebook = check_link_request(dict(body))
        if notebook is not None:
            notebook = parse_relative(notebook, "notebookPath", allow_hidden=False).as_posix()
        identifier, type_code, size = await self.call(name, lambda c: experiment_of(c, perm_id))
        folder = await self._blocking(self.mounts.dataset_folder, name, identifier, perm_id)
        link, target = await self._blocking(
            lambda: make_link(
                self.settings.root_dir,
                destination or self.settings.download_folder,
                perm_id,
                folder,
                allow_hidden=self.settings.allow_hidden,
            )
        )
        url = self.registry.get(name).profile.url
        record = link_record(name, url, perm_id, link, target, type_code, size, notebook)
        if notebook is not None:  # the open notebook's editor merges it, as for kernel jobs
            self.kernel_sessions.pending.add(notebook, "downloads", [record])
            if event_logger is not None:
                emit_pending_event(event_logger, notebook, "downloads", 1)
        audit.info("linked %s of %r at %s", perm_id, name, link)
        return {"path": link, "target": target, "record": record}
