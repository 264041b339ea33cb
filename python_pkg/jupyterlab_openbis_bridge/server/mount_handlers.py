"""REST routes for data store mounts and links (thin, like ``handlers``; see
docs/data-without-copying.md):

- ``POST   /openbis-bridge/connections/<name>/mount``  body ``{port?}``: mount, answer the connection
- ``DELETE /openbis-bridge/connections/<name>/mount``: unmount, answer the connection
- ``POST   /openbis-bridge/connections/<name>/links``  body ``{permId, destination?, notebookPath?}``
"""

from __future__ import annotations

from typing import Any

import tornado.web
from jupyter_server.auth.decorator import authorized

from .handlers import ROUTE_PREFIX, BridgeHandler, BridgeHost, writes_contents


class MountHandler(BridgeHandler):
    @tornado.web.authenticated
    @authorized
    @writes_contents  # the mount point is a folder in the Jupyter root
    async def post(self, name: str) -> None:
        self.write_json(await self.service.mount(self.connection_name(name), self.json_body()))

    @tornado.web.authenticated
    @authorized
    @writes_contents
    async def delete(self, name: str) -> None:
        self.write_json(await self.service.unmount(self.connection_name(name)))


class LinksHandler(BridgeHandler):
    @tornado.web.authenticated
    @authorized
    @writes_contents
    async def post(self, name: str) -> None:
        name, body = self.connection_name(name), self.json_body()
        # the event tells an open notebook's editor to merge the link's provenance record
        self.write_json(await self.service.link_dataset(name, body, self.event_logger), 201)


_CONN = rf"/{ROUTE_PREFIX}/connections/(?P<name>[^/]+)"
MOUNT_HANDLERS: list[tuple[str, type[BridgeHandler]]] = [
    (rf"{_CONN}/mount", MountHandler),
    (rf"{_CONN}/links", LinksHandler),
]


def build_mount_routes(bridge: BridgeHost) -> list[tuple[str, type, dict[str, Any]]]:
    """Routes to add before ``handlers.build_routes`` (its last route catches everything)."""
    return [(pattern, handler, {"bridge": bridge}) for pattern, handler in MOUNT_HANDLERS]
