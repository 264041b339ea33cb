"""REST route for re-running a saved notebook (thin, like ``handlers``; see docs/rerun.md):

- ``POST /openbis-bridge/connections/<name>/rerun`` body ``{permId, reuseSitePackages?,
  installer?, save?}``: starts a ``rerun`` job (``202``, follow it under ``/jobs/<id>``).
"""

from __future__ import annotations

from typing import Any

import tornado.web
from jupyter_server.auth.decorator import authorized

from .handlers import ROUTE_PREFIX, BridgeHandler, BridgeHost, writes_contents


class RerunHandler(BridgeHandler):
    @tornado.web.authenticated
    @authorized
    @writes_contents  # the run's folder and notebook are written under the Jupyter root
    async def post(self, name: str) -> None:
        job = await self.service.start_rerun(self.connection_name(name), self.json_body())
        self.set_header("Location", self.bridge.job_url(job.id))
        self.write_json(job.to_json(), status=202)


RERUN_HANDLERS: list[tuple[str, type[BridgeHandler]]] = [
    (rf"/{ROUTE_PREFIX}/connections/(?P<name>[^/]+)/rerun", RerunHandler),
]


def build_rerun_routes(bridge: BridgeHost) -> list[tuple[str, type, dict[str, Any]]]:
    """Routes to add before ``handlers.build_routes`` (its last route catches everything)."""
    return [(pattern, handler, {"bridge": bridge}) for pattern, handler in RERUN_HANDLERS]
