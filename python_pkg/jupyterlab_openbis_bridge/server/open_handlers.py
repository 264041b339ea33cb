"""REST routes for opening notebooks saved in openBIS (thin, like ``handlers``; docs/open.md):

- ``GET  /openbis-bridge/connections/<name>/notebooks?q=&offset=&limit=``: saved notebooks
- ``GET  /openbis-bridge/connections/<name>/notebooks/<permId>``: what opening it would do
- ``POST /openbis-bridge/connections/<name>/notebooks/open`` body ``{permId, parents?}``:
  starts an ``open`` job (``202``, follow it under ``/jobs/<id>``)
"""

from __future__ import annotations

from typing import Any

import tornado.web
from jupyter_server.auth.decorator import authorized

from .handlers import ROUTE_PREFIX, BridgeHandler, BridgeHost, reads_contents, writes_contents


class NotebooksHandler(BridgeHandler):
    @tornado.web.authenticated
    async def get(self, name: str) -> None:
        offset, limit = self.paging()
        found = await self.service.saved_notebooks(
            self.connection_name(name), self.query("q"), offset, limit
        )
        self.write_json(found)


class OpenPlanHandler(BridgeHandler):
    @tornado.web.authenticated
    @reads_contents  # says whether the notebook is open in the Jupyter root already
    async def get(self, name: str, perm_id: str) -> None:
        self.write_json(await self.service.open_plan(self.connection_name(name), perm_id))


class OpenHandler(BridgeHandler):
    @tornado.web.authenticated
    @authorized
    @writes_contents  # openbis/<permId>/ is written under the Jupyter root
    async def post(self, name: str) -> None:
        job = await self.service.start_open(self.connection_name(name), self.json_body())
        self.set_header("Location", self.bridge.job_url(job.id))
        self.write_json(job.to_json(), status=202)


_NOTEBOOKS = rf"/{ROUTE_PREFIX}/connections/(?P<name>[^/]+)/notebooks"
OPEN_HANDLERS: list[tuple[str, type[BridgeHandler]]] = [
    (_NOTEBOOKS, NotebooksHandler),
    (rf"{_NOTEBOOKS}/open", OpenHandler),
    (rf"{_NOTEBOOKS}/(?P<perm_id>[^/]+)", OpenPlanHandler),
]


def build_open_routes(bridge: BridgeHost) -> list[tuple[str, type, dict[str, Any]]]:
    """Routes to add before ``handlers.build_routes`` (its last route catches everything)."""
    return [(pattern, handler, {"bridge": bridge}) for pattern, handler in OPEN_HANDLERS]
