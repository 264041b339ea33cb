"""REST routes under ``/openbis-bridge/``: a thin tornado layer, one class per route.

Handlers parse input, call ``BridgeService`` and let ``BridgeError``s become
``{message, reason, fields?}`` answers with the error's status (see
``write_error``). They know only the service facade and the errors: the rest
of the server is reached through the service's methods. Every verb is
``@tornado.web.authenticated``; every other verb than GET is also ``@authorized``
on the extension's resource ``openbis_bridge`` (action ``write``, so a read-only
role cannot change anything); tests walk all classes here to enforce both. Verbs
that touch the Jupyter root are authorised on the ``contents`` resource as well.
Paths under the prefix that no route matches answer a JSON 404.
"""

from __future__ import annotations

import json
from typing import Any, Protocol

import tornado.web
from jupyter_server.auth.decorator import authorized
from jupyter_server.base.handlers import APIHandler
from tornado.httputil import responses

from ..errors import BridgeError, InvalidInput, NotFound, PayloadTooLarge
from .service import BridgeService, check_depth, parse_connection_name, parse_paging

ROUTE_PREFIX = "openbis-bridge"
AUTH_RESOURCE = "openbis_bridge"
MAX_BODY_BYTES = 2 * 1024 * 1024

# ``reason`` of errors raised by tornado or jupyter_server (refused authorisation, XSRF, ...).
_HTTP_REASONS = {
    400: "invalid_input",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
}

# On top of the extension's own resource: verbs that write into (or read from) the root.
writes_contents = authorized("write", resource="contents")
reads_contents = authorized("read", resource="contents")


class BridgeHost(Protocol):
    """What the handlers need of the extension app (``app.OpenBISBridge`` is one).

    A protocol rather than the app's own type: the app builds the routes from this
    module, so naming the app here would make the two modules import each other.
    """

    service: BridgeService

    def job_url(self, job_id: str) -> str: ...


class BridgeHandler(APIHandler):
    """Base class: access to the extension, JSON bodies, and errors as ``{message, reason, fields?}``."""

    auth_resource = AUTH_RESOURCE

    def initialize(self, bridge: BridgeHost) -> None:
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
        except RecursionError:
            raise InvalidInput("the request body is nested too deeply") from None
        if not isinstance(data, dict):
            raise InvalidInput("the request body must be a JSON object")
        check_depth(data)
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
        return parse_connection_name(raw)

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
        # Everything else gets the same {message, reason} shape; a 500 never shows its cause.
        message = responses.get(status_code, "error")
        if status_code < 500 and isinstance(error, tornado.web.HTTPError) and error.log_message:
            message = error.log_message % error.args if error.args else error.log_message
        reason = _HTTP_REASONS.get(status_code, "internal_error" if status_code >= 500 else "error")
        if status_code >= 500:
            message = "internal error; the details are in the server log"
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps({"message": message, "reason": reason}))


class StatusHandler(BridgeHandler):
    """Version handshake and connection overview (last known state, no openBIS calls)."""

    @tornado.web.authenticated
    def get(self) -> None:
        self.write_json(self.service.status())


class ConnectionsHandler(BridgeHandler):
    @tornado.web.authenticated
    async def get(self) -> None:
        self.write_json(
            {"connections": await self.service.list_connections(self.flag("live", True))}
        )

    @tornado.web.authenticated
    @authorized
    async def post(self) -> None:
        self.write_json(await self.service.create_connection(self.json_body()), status=201)


class ConnectionHandler(BridgeHandler):
    @tornado.web.authenticated
    async def get(self, name: str) -> None:
        self.write_json(
            await self.service.describe(self.connection_name(name), self.flag("live", True))
        )

    @tornado.web.authenticated
    @authorized
    async def patch(self, name: str) -> None:
        self.write_json(
            await self.service.update_connection(self.connection_name(name), self.json_body())
        )

    @tornado.web.authenticated
    @authorized
    async def delete(self, name: str) -> None:
        await self.service.delete_connection(self.connection_name(name))
        self.set_status(204)
        self.finish()


class LoginHandler(BridgeHandler):
    @tornado.web.authenticated
    @authorized
    async def post(self, name: str) -> None:
        self.write_json(await self.service.login(self.connection_name(name), self.json_body()))


class LogoutHandler(BridgeHandler):
    @tornado.web.authenticated
    @authorized
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
    @reads_contents
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
    @tornado.web.authenticated
    @authorized
    @writes_contents
    async def post(self, name: str) -> None:
        job = await self.service.start_download(self.connection_name(name), self.json_body())
        self.set_header("Location", self.bridge.job_url(job.id))
        self.write_json(job.to_json(), status=202)


class JobsHandler(BridgeHandler):
    @tornado.web.authenticated
    def get(self) -> None:
        self.write_json({"jobs": self.service.list_jobs()})


class JobHandler(BridgeHandler):
    @tornado.web.authenticated
    async def get(self, job_id: str) -> None:
        # ``wait``: long poll, answered as soon as the job ends.
        self.write_json(await self.service.job(job_id, self.query("wait")))

    @tornado.web.authenticated
    @authorized
    def delete(self, job_id: str) -> None:
        self.write_json(self.service.cancel_job(job_id), status=202)


class EnvFilesHandler(BridgeHandler):
    @tornado.web.authenticated
    @authorized
    @writes_contents
    async def post(self) -> None:
        self.write_json(await self.service.write_env_files(self.contents_manager, self.json_body()))


class KernelRouteHandler(BridgeHandler):
    """Routes only a kernel started by this server may call (see docs/kernel-session.md)."""

    def claim_body(self) -> dict[str, Any]:
        """The body holding the kernel's claim, read only once the transport is acceptable."""
        self.service.check_kernel_transport(
            self.request.headers, token_authenticated=bool(self.token_authenticated)
        )
        return self.json_body()

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
    # A POST only because the claim travels in the body: it reads a session, changes nothing.
    @tornado.web.authenticated
    @authorized("read")
    async def post(self) -> None:
        self.write_json(await self.service.kernel_session(self.claim_body(), self._kernel_key))


class KernelProvenanceHandler(KernelRouteHandler):
    @tornado.web.authenticated
    @authorized
    @writes_contents
    async def post(self) -> None:
        self.write_json(
            await self.service.kernel_provenance(
                self.claim_body(),
                self._kernel_key,
                session_manager=self.session_manager,
                # Websockets per kernel: an open editor (None: kernel managers without the count).
                kernel_connections=getattr(self.kernel_manager, "_kernel_connections", None),
                contents_manager=self.contents_manager,
                event_logger=self.event_logger,
            )
        )


class ProvenanceHandler(BridgeHandler):
    """Records kernels made for an open notebook, for its frontend to merge and acknowledge."""

    @tornado.web.authenticated
    def get(self) -> None:
        self.write_json(self.service.pending_records(self.query("path")))

    @tornado.web.authenticated
    @authorized
    def delete(self) -> None:
        self.write_json(self.service.acknowledge_records(self.query("path"), self.query("ids")))


class UnknownRouteHandler(BridgeHandler):
    """Any other path under the prefix (a trailing slash, an empty name): a JSON 404."""

    def _unknown(self) -> None:
        raise NotFound(f"no such openBIS bridge route: {self.request.path}")

    @tornado.web.authenticated
    def get(self, rest: str) -> None:
        self._unknown()

    @tornado.web.authenticated
    @authorized
    def post(self, rest: str) -> None:
        self._unknown()

    @tornado.web.authenticated
    @authorized
    def put(self, rest: str) -> None:
        self._unknown()

    @tornado.web.authenticated
    @authorized
    def patch(self, rest: str) -> None:
        self._unknown()

    @tornado.web.authenticated
    @authorized
    def delete(self, rest: str) -> None:
        self._unknown()


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
    (rf"/{ROUTE_PREFIX}/(?P<rest>.*)", UnknownRouteHandler),  # last: everything else
]


def build_routes(bridge: BridgeHost) -> list[tuple[str, type, dict[str, Any]]]:
    """Route table; ExtensionApp prefixes each pattern with the server's base_url."""
    kwargs = {"bridge": bridge}
    return [(pattern, handler, kwargs) for pattern, handler in ALL_HANDLERS]
