"""REST routes under ``/openbis-bridge/``: a thin tornado layer, one class per route.

Handlers parse input, call ``BridgeService`` and let ``BridgeError``s become
``{message, reason, fields?}`` answers with the error's status (see
``write_error``). Every verb is ``@tornado.web.authenticated``; a test walks all
classes here to enforce it. GET never changes anything; verbs that write into
the Jupyter root are also ``@authorized`` on the ``contents`` resource.
"""

from __future__ import annotations

import importlib.metadata
import json
from typing import TYPE_CHECKING, Any

import tornado.web
from jupyter_server.auth.decorator import authorized
from jupyter_server.base.handlers import APIHandler

from . import __version__
from .errors import BridgeError, InvalidInput, PayloadTooLarge
from .kernel_session import (
    PURPOSE_PROVENANCE,
    PURPOSE_SESSION,
    KernelClaim,
    KernelSessions,
    check_transport,
    notebook_of_kernel,
    verify_claim,
)
from .paths import parse_relative
from .profiles import ProfileError, validate_name
from .service import BridgeService, parse_paging

if TYPE_CHECKING:
    from .app import OpenBISBridge

ROUTE_PREFIX = "openbis-bridge"
MAX_BODY_BYTES = 2 * 1024 * 1024
MAX_WAIT_SECONDS = 60.0


def _pybis_version() -> str | None:
    try:
        return importlib.metadata.version("pybis")
    except importlib.metadata.PackageNotFoundError:
        return None


class BridgeHandler(APIHandler):
    """Base class: access to the extension, JSON bodies, and errors as ``{message, reason, fields?}``."""

    def initialize(self, bridge: OpenBISBridge) -> None:
        self.bridge = bridge

    @property
    def service(self) -> BridgeService:
        return self.bridge.service

    def write_json(self, payload: Any, status: int = 200) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(payload))

    def json_body(self) -> dict[str, Any]:
        body = self.request.body or b""
        if len(body) > MAX_BODY_BYTES:
            raise PayloadTooLarge(f"request body larger than {MAX_BODY_BYTES} bytes")
        if not body.strip():
            return {}
        try:
            data = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise InvalidInput("the request body is not valid JSON") from None
        if not isinstance(data, dict):
            raise InvalidInput("the request body must be a JSON object")
        return data

    def query(self, name: str) -> str | None:
        """The raw query value: tornado's getters strip and blank out control characters,
        which would let malformed input pass as valid; validators see it as sent."""
        values = self.request.query_arguments.get(name)
        if not values:
            return None
        try:
            return values[-1].decode("utf-8")
        except UnicodeDecodeError:
            raise InvalidInput(
                f"{name} is not valid UTF-8", fields={name: "invalid encoding"}
            ) from None

    def flag(self, name: str, default: bool) -> bool:
        raw = self.query(name)
        if raw is None:
            return default
        if raw.lower() in ("1", "true", "yes"):
            return True
        if raw.lower() in ("0", "false", "no"):
            return False
        raise InvalidInput(f"{name} must be true or false", fields={name: "must be a boolean"})

    def paging(self) -> tuple[int, int]:
        return parse_paging(self.query("offset"), self.query("limit"))

    def connection_name(self, raw: str) -> str:
        try:
            return validate_name(raw)
        except ProfileError as exc:
            raise InvalidInput("invalid connection name", fields={"name": exc.message}) from None

    # --- error handling ----------------------------------------------------------------------

    def log_exception(self, typ: Any, value: Any, tb: Any) -> None:
        if isinstance(value, BridgeError):
            # Expected failures: one line, message only (messages never hold secrets).
            self.log.info(
                "openBIS bridge %s %s: %s (%s)",
                self.request.method,
                self.request.path,
                value.reason,
                value.message,
            )
            return
        super().log_exception(typ, value, tb)

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        exc_info = kwargs.get("exc_info")
        error = exc_info[1] if exc_info else None
        if isinstance(error, BridgeError):
            self.set_status(error.status)
            self.set_header("Content-Type", "application/json")
            self.finish(json.dumps(error.to_json()))
            return
        super().write_error(status_code, **kwargs)


class StatusHandler(BridgeHandler):
    """Version handshake and connection overview (last known state, no openBIS calls)."""

    @tornado.web.authenticated
    def get(self) -> None:
        self.write_json(
            {
                "version": __version__,
                "pybis_version": _pybis_version(),
                "connections": self.service.connection_summaries(),
            }
        )


class ConnectionsHandler(BridgeHandler):
    @tornado.web.authenticated
    async def get(self) -> None:
        self.write_json(
            {"connections": await self.service.list_connections(self.flag("live", True))}
        )

    @tornado.web.authenticated
    async def post(self) -> None:
        self.write_json(await self.service.create_connection(self.json_body()), status=201)


class ConnectionHandler(BridgeHandler):
    @tornado.web.authenticated
    async def get(self, name: str) -> None:
        self.write_json(
            await self.service.describe(self.connection_name(name), self.flag("live", True))
        )

    @tornado.web.authenticated
    async def patch(self, name: str) -> None:
        self.write_json(
            await self.service.update_connection(self.connection_name(name), self.json_body())
        )

    @tornado.web.authenticated
    async def delete(self, name: str) -> None:
        await self.service.delete_connection(self.connection_name(name))
        self.set_status(204)
        self.finish()


class LoginHandler(BridgeHandler):
    @tornado.web.authenticated
    async def post(self, name: str) -> None:
        self.write_json(await self.service.login(self.connection_name(name), self.json_body()))


class LogoutHandler(BridgeHandler):
    @tornado.web.authenticated
    async def post(self, name: str) -> None:
        self.write_json(await self.service.logout(self.connection_name(name)))


class SpacesHandler(BridgeHandler):
    @tornado.web.authenticated
    async def get(self, name: str) -> None:
        self.write_json(await self.service.spaces(self.connection_name(name), *self.paging()))


class ProjectsHandler(BridgeHandler):
    @tornado.web.authenticated
    async def get(self, name: str) -> None:
        self.write_json(
            await self.service.projects(
                self.connection_name(name), self.query("space"), *self.paging()
            )
        )


class ExperimentsHandler(BridgeHandler):
    @tornado.web.authenticated
    async def get(self, name: str) -> None:
        self.write_json(
            await self.service.experiments(
                self.connection_name(name), self.query("project"), *self.paging()
            )
        )


class SamplesHandler(BridgeHandler):
    @tornado.web.authenticated
    async def get(self, name: str) -> None:
        filters = {key: self.query(key) for key in ("experiment", "project", "space")}
        self.write_json(
            await self.service.samples(self.connection_name(name), filters, *self.paging())
        )


class DataSetsHandler(BridgeHandler):
    auth_resource = "contents"

    @tornado.web.authenticated
    async def get(self, name: str) -> None:
        self.write_json(
            await self.service.datasets(
                self.connection_name(name),
                self.query("experiment"),
                self.query("sample"),
                *self.paging(),
            )
        )

    @tornado.web.authenticated
    @authorized
    async def post(self, name: str) -> None:
        """Save a notebook as a new data set: starts an upload job."""
        job = await self.service.start_save(self.connection_name(name), self.json_body())
        self.set_header("Location", self.bridge.job_url(job.id))
        self.write_json(job.to_json(), status=202)


class DataSetHandler(BridgeHandler):
    @tornado.web.authenticated
    async def get(self, name: str, perm_id: str) -> None:
        self.write_json(await self.service.dataset(self.connection_name(name), perm_id))


class SearchHandler(BridgeHandler):
    @tornado.web.authenticated
    async def get(self, name: str) -> None:
        self.write_json(
            await self.service.search(
                self.connection_name(name), self.query("q"), self.query("kinds"), *self.paging()
            )
        )


class DataSetTypesHandler(BridgeHandler):
    @tornado.web.authenticated
    async def get(self, name: str) -> None:
        # ``refresh`` only bypasses our cache; it changes nothing in openBIS.
        self.write_json(
            await self.service.dataset_types(
                self.connection_name(name), self.flag("refresh", False)
            )
        )


class DownloadsHandler(BridgeHandler):
    auth_resource = "contents"

    @tornado.web.authenticated
    @authorized
    async def post(self, name: str) -> None:
        job = await self.service.start_download(self.connection_name(name), self.json_body())
        self.set_header("Location", self.bridge.job_url(job.id))
        self.write_json(job.to_json(), status=202)


class JobsHandler(BridgeHandler):
    @tornado.web.authenticated
    def get(self) -> None:
        self.write_json({"jobs": [job.to_json() for job in self.service.jobs.all()]})


class JobHandler(BridgeHandler):
    @tornado.web.authenticated
    async def get(self, job_id: str) -> None:
        job = self.service.jobs.get(job_id)
        raw_wait = self.query("wait")
        if raw_wait is not None:
            try:
                wait = float(raw_wait)
            except ValueError:
                raise InvalidInput(
                    "wait must be a number of seconds", fields={"wait": "invalid"}
                ) from None
            if not 0 <= wait <= MAX_WAIT_SECONDS:
                raise InvalidInput(
                    f"wait must be 0-{MAX_WAIT_SECONDS:g} seconds", fields={"wait": "out of range"}
                )
            await job.wait(wait)  # long poll: returns as soon as the job ends
        self.write_json(job.to_json())

    @tornado.web.authenticated
    def delete(self, job_id: str) -> None:
        self.write_json(self.service.jobs.cancel(job_id).to_json(), status=202)


class EnvFilesHandler(BridgeHandler):
    auth_resource = "contents"

    @tornado.web.authenticated
    @authorized
    async def post(self) -> None:
        self.write_json(await self.service.write_env_files(self.contents_manager, self.json_body()))


class KernelRouteHandler(BridgeHandler):
    """Routes only a kernel started by this server may call (see docs/kernel-session.md)."""

    @property
    def kernels(self) -> KernelSessions:
        return self.service.kernel_sessions

    def kernel_claim(self, purpose: str, extra_fields: set[str]) -> KernelClaim:
        check_transport(self.request.headers, token_authenticated=bool(self.token_authenticated))
        return verify_claim(self.json_body(), purpose, self._kernel_key, extra_fields)

    def _kernel_key(self, kernel_id: str) -> bytes | None:
        # get_kernel would answer 404; an unknown kernel must look like a bad key (403).
        if kernel_id not in self.kernel_manager:
            return None
        manager = self.kernel_manager.get_kernel(kernel_id)
        key = getattr(getattr(manager, "session", None), "key", None)
        return key if isinstance(key, bytes) and key else None

    def set_default_headers(self) -> None:
        super().set_default_headers()
        self.set_header("Cache-Control", "no-store")  # answers may hold a session token


class KernelSessionHandler(KernelRouteHandler):
    @tornado.web.authenticated
    async def post(self) -> None:
        claim = self.kernel_claim(PURPOSE_SESSION, {"connection"})
        self.write_json(await self.kernels.session(claim.extra.get("connection")))


class KernelProvenanceHandler(KernelRouteHandler):
    auth_resource = "contents"

    @tornado.web.authenticated
    @authorized
    async def post(self) -> None:
        claim = self.kernel_claim(PURPOSE_PROVENANCE, {"jobId"})
        path = await notebook_of_kernel(self.session_manager, claim.kernel_id)
        # A websocket on the kernel means an open editor whose next save would undo a file
        # edit. Kernel managers without this count are treated as attached (queue, never clobber).
        counts = getattr(self.kernel_manager, "_kernel_connections", None)
        attached = counts is None or counts.get(claim.kernel_id, 0) > 0
        self.write_json(
            await self.kernels.record_job(
                claim.extra.get("jobId"),
                path,
                attached,
                self.contents_manager,
                self.event_logger,
            )
        )


class ProvenanceHandler(BridgeHandler):
    """Records kernels made for an open notebook, for its frontend to merge and acknowledge."""

    def notebook_path(self) -> str:
        raw = self.query("path")
        if raw is None:
            raise InvalidInput("path is required", fields={"path": "required"})
        return parse_relative(
            raw, "path", allow_hidden=self.service.settings.allow_hidden
        ).as_posix()

    @tornado.web.authenticated
    def get(self) -> None:
        path = self.notebook_path()
        pending = self.service.kernel_sessions.pending
        self.write_json(
            {
                "path": path,
                "downloads": pending.list(path, "downloads"),
                "uploads": pending.list(path, "uploads"),
            }
        )

    @tornado.web.authenticated
    def delete(self) -> None:
        path = self.notebook_path()
        ids = [i for i in (self.query("ids") or "").split(",") if i]
        if not ids:
            raise InvalidInput("ids is required", fields={"ids": "required"})
        removed = self.service.kernel_sessions.pending.acknowledge(path, ids)
        self.write_json({"removed": removed})


_NAME = r"(?P<name>[^/]+)"
_CONN = rf"/{ROUTE_PREFIX}/connections/{_NAME}"

ALL_HANDLERS: list[tuple[str, type[BridgeHandler]]] = [
    (rf"/{ROUTE_PREFIX}/status", StatusHandler),
    (rf"/{ROUTE_PREFIX}/connections", ConnectionsHandler),
    (rf"{_CONN}", ConnectionHandler),
    (rf"{_CONN}/login", LoginHandler),
    (rf"{_CONN}/logout", LogoutHandler),
    (rf"{_CONN}/spaces", SpacesHandler),
    (rf"{_CONN}/projects", ProjectsHandler),
    (rf"{_CONN}/experiments", ExperimentsHandler),
    (rf"{_CONN}/samples", SamplesHandler),
    (rf"{_CONN}/datasets", DataSetsHandler),
    (rf"{_CONN}/datasets/(?P<perm_id>[^/]+)", DataSetHandler),
    (rf"{_CONN}/search", SearchHandler),
    (rf"{_CONN}/dataset-types", DataSetTypesHandler),
    (rf"{_CONN}/downloads", DownloadsHandler),
    (rf"/{ROUTE_PREFIX}/jobs", JobsHandler),
    (rf"/{ROUTE_PREFIX}/jobs/(?P<job_id>[^/]+)", JobHandler),
    (rf"/{ROUTE_PREFIX}/env-files", EnvFilesHandler),
    (rf"/{ROUTE_PREFIX}/kernel/session", KernelSessionHandler),
    (rf"/{ROUTE_PREFIX}/kernel/provenance", KernelProvenanceHandler),
    (rf"/{ROUTE_PREFIX}/provenance", ProvenanceHandler),
]


def build_routes(bridge: OpenBISBridge) -> list[tuple[str, type, dict[str, Any]]]:
    """Route table; ExtensionApp prefixes each pattern with the server's base_url."""
    kwargs = {"bridge": bridge}
    return [(pattern, handler, kwargs) for pattern, handler in ALL_HANDLERS]
