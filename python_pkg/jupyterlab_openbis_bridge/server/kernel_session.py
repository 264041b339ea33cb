"""Server side of the login shared with kernels (see docs/kernel-session.md).

A kernel started by this server asks for the openBIS session of a connection
and for its downloads to be recorded in its notebook. Both requests must carry
a kernel proof (``kernel_proof``) and come from a non-browser, token-authenticated
client. No tornado here: handlers pass headers, bodies and lookups in.
"""

from __future__ import annotations

import logging
import os
import stat
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TypeVar

from jupyter_core.utils import ensure_async

from .. import kernel_proof
from ..errors import Conflict, Forbidden, InvalidInput, NotFound, NotLoggedIn, SessionExpired
from ..openbis_client import BridgeOpenbis
from .connections import STATE_CONNECTED, ConnectionRegistry
from .jobs import JobManager
from .provenance import (
    PendingRecords,
    download_records,
    merge_downloads,
    merge_uploads,
    upload_record,
)

T = TypeVar("T")
KernelKey = Callable[[str], bytes | None]

log = logging.getLogger(__name__)
audit = logging.getLogger(__name__.rsplit(".", 1)[0] + ".audit")

PURPOSE_SESSION = "session"
PURPOSE_PROVENANCE = "provenance"
# Sent by every current browser on fetch/XHR; never by requests/urllib in a kernel.
BROWSER_HEADERS = ("Origin", "Sec-Fetch-Site", "Sec-Fetch-Mode", "Sec-Fetch-Dest")
CLAIM_FIELDS = {"kernelId", "timestamp", "nonce", "proof"}


@dataclass(frozen=True)
class KernelClaim:
    kernel_id: str
    extra: dict[str, Any]


def check_transport(headers: Mapping[str, str], *, token_authenticated: bool) -> None:
    """Only programs holding the Jupyter token may ask, never a browser page.

    A cookie alone would let any tab of the user's browser (and a same-site page)
    call us; the kernel client sends ``Authorization: token …`` and no cookie.
    """
    if any(headers.get(name) for name in BROWSER_HEADERS):
        raise Forbidden("kernel routes do not answer browser requests")
    # Without a cookie, Jupyter's own check (@authenticated) has demanded the token,
    # unless the server runs without authentication at all (then anyone may run code).
    if headers.get("Cookie") and not token_authenticated:
        raise Forbidden("kernel routes need the Jupyter token, not a login cookie")


def verify_claim(
    body: Mapping[str, Any],
    purpose: str,
    kernel_key: KernelKey,
    extra_fields: set[str],
    now: float | None = None,
    *,
    ledger: kernel_proof.ProofLedger,
) -> KernelClaim:
    """A kernel's claim, checked: its fields, its proof, its time and that it is not a replay."""
    unknown = set(body) - CLAIM_FIELDS - extra_fields
    if unknown:
        raise InvalidInput("unknown fields", fields={k: "unknown field" for k in sorted(unknown)})
    kernel_id, timestamp, proof = body.get("kernelId"), body.get("timestamp"), body.get("proof")
    nonce = body.get("nonce")
    if not isinstance(kernel_id, str) or not kernel_proof.KERNEL_ID_RE.fullmatch(kernel_id):
        raise InvalidInput("kernelId is not a kernel id", fields={"kernelId": "invalid"})
    if not isinstance(timestamp, int) or isinstance(timestamp, bool):
        raise InvalidInput("timestamp must be whole seconds", fields={"timestamp": "invalid"})
    if not isinstance(nonce, str) or not kernel_proof.NONCE_RE.fullmatch(nonce):
        raise InvalidInput("nonce is missing", fields={"nonce": "invalid"})
    if not isinstance(proof, str) or len(proof) != 64:
        raise InvalidInput("proof is missing", fields={"proof": "invalid"})
    key = kernel_key(kernel_id)
    now = time.time() if now is None else now
    # Unknown kernel and wrong key answer alike: the caller learns nothing about other kernels.
    if key is None or not kernel_proof.is_valid(
        key, purpose, kernel_id, timestamp, nonce, proof, now
    ):
        raise Forbidden("not a kernel of this Jupyter server (or its clock is off)")
    if not ledger.first_use(kernel_id, nonce, timestamp, now):
        log.warning("kernel proof replayed for kernel %s; refused", kernel_id)
        raise Forbidden("this kernel proof was already used")
    return KernelClaim(kernel_id, {k: body[k] for k in extra_fields if k in body})


def runtime_dir_problem(runtime_dir: Path | None) -> str | None:
    """Why Jupyter's runtime directory is not private to this user, or None if it is.

    It holds the server's token (``jpserver-*.json``) and every kernel's signing key:
    whoever can read them can pass as a kernel.
    """
    if runtime_dir is None:
        return None
    try:
        info = runtime_dir.stat()
    except OSError as exc:
        return f"cannot be checked ({exc.strerror or exc})"
    if hasattr(os, "getuid") and info.st_uid != os.getuid():
        return "belongs to another user"
    mode = stat.S_IMODE(info.st_mode)
    if mode & 0o077:
        return f"is accessible to other users (mode {mode:o}; it should be 700)"
    return None


class BridgeAccess(Protocol):
    """What the kernel hand-off needs of the service facade (``BridgeService`` is one).

    A protocol rather than the service's own type: the service owns a ``KernelSessions``,
    so naming the service here would make the two modules import each other.
    """

    registry: ConnectionRegistry
    jobs: JobManager

    async def call(self, name: str, fn: Callable[[BridgeOpenbis], T]) -> T: ...

    async def dataset(self, name: str, perm_id: str) -> dict[str, Any]: ...


class KernelSessions:
    """Hands kernels a live session token and records their downloads."""

    def __init__(self, service: BridgeAccess, runtime_dir: Path | None = None) -> None:
        self._service = service
        self._runtime_dir = runtime_dir
        self.ledger = kernel_proof.ProofLedger()
        self.pending = PendingRecords()

    async def claimed_session(
        self, body: Mapping[str, Any], kernel_key: KernelKey
    ) -> dict[str, Any]:
        """``POST kernel/session``: the session of a connection, for a proven kernel."""
        problem = runtime_dir_problem(self._runtime_dir)
        if problem is not None:
            log.warning(
                "openBIS sessions are not handed to kernels: Jupyter's runtime directory %s %s",
                self._runtime_dir,
                problem,
            )
            raise Forbidden(
                f"openBIS sessions are not handed to kernels: Jupyter's runtime directory "
                f"{problem}; make it private to you (chmod 700)"
            )
        claim = verify_claim(body, PURPOSE_SESSION, kernel_key, {"connection"}, ledger=self.ledger)
        return await self.session(claim.extra.get("connection"), kernel_id=claim.kernel_id)

    async def claimed_record(
        self,
        body: Mapping[str, Any],
        kernel_key: KernelKey,
        *,
        session_manager: Any,
        kernel_connections: Mapping[str, int] | None,
        contents_manager: Any,
        event_logger: Any,
    ) -> dict[str, Any]:
        """``POST kernel/provenance``: record a proven kernel's job in its notebook."""
        claim = verify_claim(body, PURPOSE_PROVENANCE, kernel_key, {"jobId"}, ledger=self.ledger)
        path = await notebook_of_kernel(session_manager, claim.kernel_id)
        # A websocket on the kernel means an open editor whose next save would undo a file
        # edit. Kernel managers without this count are treated as attached (queue, never clobber).
        attached = kernel_connections is None or kernel_connections.get(claim.kernel_id, 0) > 0
        return await self.record_job(
            claim.extra.get("jobId"),
            path,
            attached,
            contents_manager,
            event_logger,
            kernel_id=claim.kernel_id,
        )

    def choose_connection(self, name: Any) -> str:
        """The named connection, else the only logged-in one, else the only one there is."""
        registry = self._service.registry
        if name is not None:
            if not isinstance(name, str):
                raise InvalidInput("connection must be a name", fields={"connection": "invalid"})
            return registry.get(name).name
        every = registry.all()
        live = [c for c in every if c.state == STATE_CONNECTED or c.describe()["hasToken"]]
        if len(live) == 1:
            return live[0].name
        if not live and len(every) == 1:
            return every[0].name
        if not every:
            raise NotFound("no openBIS connection is configured")
        if not live:
            raise NotLoggedIn("not logged in to openBIS: log in from the openBIS panel first")
        names = ", ".join(sorted(c.name for c in live))
        raise Conflict(f"several openBIS connections are logged in; name one of: {names}")

    async def session(self, name: Any, *, kernel_id: str | None = None) -> dict[str, Any]:
        connection = self.choose_connection(name)

        def live_token(client: BridgeOpenbis) -> str:
            # Checked on every hand-out: a kernel asks again only when its token died,
            # and the registry renews with a held password when this raises.
            if not client.is_session_active():
                raise SessionExpired("the openBIS session has expired")
            return str(client.token)

        token = await self._service.call(connection, live_token)
        conn = self._service.registry.get(connection)
        profile = conn.profile
        audit.info(
            "openBIS session of %r (%s, user %s) handed to kernel %s",
            connection,
            profile.url,
            conn.username or "(token)",
            kernel_id or "(unnamed)",
        )
        return {
            "connection": connection,
            "url": profile.url,
            "token": token,
            "verifyCertificates": profile.verify_certificates,
            "caBundle": profile.ca_bundle if profile.verify_certificates else None,
            "authMethod": conn.auth_method,
        }

    async def record_job(
        self,
        job_id: Any,
        notebook_path: str | None,
        frontend_attached: bool,
        contents_manager: Any,
        event_logger: Any = None,
        *,
        kernel_id: str | None = None,
    ) -> dict[str, Any]:
        """Turn a finished download or save job into notebook metadata records.

        The records are built here from the job, never taken from the kernel. They are
        written into the notebook file when no frontend has its kernel open (a file edit
        would be undone by the open editor's next save); otherwise they are queued for
        the frontend, which merges them into its model, and an event tells it so.
        """
        if not isinstance(job_id, str):
            raise InvalidInput("jobId is required", fields={"jobId": "required"})
        job = self._service.jobs.get(job_id)
        if job.kind not in ("download", "upload") or job.state != "succeeded" or not job.result:
            raise Conflict(
                "only a finished download or save can be recorded", fields={"jobId": "invalid"}
            )
        connection = job.connection
        instance = self._service.registry.get(connection).profile.url
        if job.kind == "upload":
            kind, records = "uploads", [upload_record(connection, instance, job.result)]
        else:
            kind, records = (
                "downloads",
                await self._download_records(connection, instance, job.result, notebook_path),
            )
        answer: dict[str, Any] = {"kind": kind, "notebookPath": notebook_path, "records": records}
        if notebook_path is None:
            return {**answer, "delivery": "none"}
        if frontend_attached:
            self.pending.add(notebook_path, kind, records)
            if event_logger is not None:
                emit_pending_event(event_logger, notebook_path, kind, len(records), kernel_id)
            return {**answer, "delivery": "queued"}
        model = await ensure_async(
            contents_manager.get(notebook_path, content=True, type="notebook")
        )
        notebook = model["content"]
        if kind == "uploads":
            merge_uploads(notebook.metadata, records)
        else:
            merge_downloads(notebook.metadata, records, notebook_path)
        await ensure_async(
            contents_manager.save(
                {"type": "notebook", "format": "json", "content": notebook}, notebook_path
            )
        )
        return {**answer, "delivery": "written"}

    async def _download_records(
        self,
        connection: str,
        instance: str,
        result: Mapping[str, Any],
        notebook_path: str | None = None,
    ) -> list[dict[str, Any]]:
        listing = result.get("dataSets", [])
        details = {}
        for entry in listing:
            try:
                details[entry["permId"]] = await self._service.dataset(connection, entry["permId"])
            except NotFound:
                details[entry["permId"]] = {"files": []}
        return download_records(connection, instance, listing, details, notebook_path=notebook_path)


PENDING_EVENT_SCHEMA_ID = "https://events.jupyter.org/jupyterlab_openbis_bridge/provenance"
PENDING_EVENT_SCHEMA: dict[str, Any] = {
    "$id": PENDING_EVENT_SCHEMA_ID,
    "version": "2",
    "title": "openBIS provenance waiting",
    "description": "A kernel recorded openBIS downloads/saves for an open notebook; "
    "fetch them from /openbis-bridge/provenance?path=…",
    "type": "object",
    "required": ["path", "kind", "count"],
    "properties": {
        "path": {"type": "string", "description": "contents path of the notebook"},
        "kind": {"enum": ["downloads", "uploads"], "description": "which records"},
        "count": {"type": "integer", "description": "how many were added"},
        # The session's path can lag behind the document's (see emit_pending_event):
        # the kernel id names the notebook unambiguously.
        "kernelId": {"type": ["string", "null"], "description": "kernel that recorded them"},
    },
}


def register_event_schema(event_logger: Any) -> None:
    """At start-up: event subscribers only hear schemas registered before they subscribed."""
    if event_logger is not None and PENDING_EVENT_SCHEMA_ID not in event_logger.schemas.schema_ids:
        event_logger.register_event_schema(PENDING_EVENT_SCHEMA)


def emit_pending_event(
    event_logger: Any, path: str, kind: str, count: int, kernel_id: str | None = None
) -> None:
    """Tell frontends (``serviceManager.events.stream``) that records wait for ``path``.

    ``path`` is the kernel session's path, which is not always the document's: a
    notebook renamed while its kernel was starting keeps its old session path
    (JupyterLab's ``SessionContext`` moves the new session to the path it was
    created with). The frontend finds the notebook by ``kernelId`` and reads the
    queue under ``path``.
    """
    register_event_schema(event_logger)
    event_logger.emit(
        schema_id=PENDING_EVENT_SCHEMA_ID,
        data={"path": path, "kind": kind, "count": count, "kernelId": kernel_id},
    )


async def notebook_of_kernel(session_manager: Any, kernel_id: str) -> str | None:
    """The notebook whose session owns ``kernel_id`` (None for a bare kernel or console)."""
    for session in await ensure_async(session_manager.list_sessions()):
        kernel = session.get("kernel") or {}
        if kernel.get("id") == kernel_id and session.get("type") in ("notebook", None):
            path = session.get("path")
            if isinstance(path, str) and path.endswith(".ipynb"):
                return path
    return None
