"""The tornado application: route table of the AS (``as_api``), DSS (``dss.api``) and
fault-admin (``faults``) endpoints."""

from __future__ import annotations

import tornado.web

from .as_api.methods import METHODS as AS_METHODS
from .context import SandboxContext
from .dss.api import dss_routes
from .dss.eln_pages import ELN_PATH, ElnPageHandler
from .faults import ADMIN_PATH, Faults, FaultsAdminHandler
from .jsonrpc import JsonRpcHandler

AS_V3_PATH = "/openbis/openbis/rmi-application-server-v3.json"


class RootHandler(tornado.web.RequestHandler):
    """A tiny landing page, handy as a readiness probe."""

    def get(self) -> None:
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.finish(f"openbis-sandbox (openBIS API {self.settings['api_version']})\n")


def make_app(ctx: SandboxContext) -> tornado.web.Application:
    """Build the application for ``ctx``; also installs ``ctx.faults`` if unset."""
    if ctx.faults is None:
        ctx.faults = Faults(ctx)
    routes: list[tuple] = [
        (r"/", RootHandler),
        (AS_V3_PATH, JsonRpcHandler, {"ctx": ctx, "methods": AS_METHODS, "endpoint": "as"}),
    ]
    routes.extend(dss_routes(ctx))
    routes.append((ELN_PATH, ElnPageHandler, {"ctx": ctx}))
    routes.append((ADMIN_PATH, FaultsAdminHandler, {"ctx": ctx}))
    return tornado.web.Application(
        routes,
        api_version=ctx.api_version,
    )
