"""HTTP/1.1 keep-alive connections to the data store that a job can cut at any moment.

A download job owns its sockets (``http.client`` over one TLS context per job) so that
cancelling can shut each of them down from another thread: a read blocked on a stalled
openBIS, or a request still waiting for its answer, returns at once instead of at the
end of its read timeout. ``requests`` hides its sockets, which is why it is not used here.
Every socket carries the job's read timeout, so a stall is still an error on its own.
"""

from __future__ import annotations

import http.client
import os
import socket
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

from ...errors import (
    BridgeError,
    Cancelled,
    TLSVerificationFailed,
    UpstreamTimeout,
    UpstreamUnreachable,
)
from ...openbis_client import ca_bundle_error

CLEANUP_TIMEOUT_S = 5.0


def tls_context(verify: bool | str) -> ssl.SSLContext:
    """The context ``requests`` would use for ``verify`` (a CA bundle path, True or False)."""
    try:
        if verify is False:
            context = ssl.create_default_context()
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
            return context
        if isinstance(verify, str):
            if os.path.isdir(verify):
                return ssl.create_default_context(capath=verify)
            return ssl.create_default_context(cafile=verify)
        try:
            import certifi  # requests' own bundle, so both agree on what is trusted
        except ImportError:
            return ssl.create_default_context()
        return ssl.create_default_context(cafile=certifi.where())
    except (OSError, ssl.SSLError) as exc:
        raise ca_bundle_error(verify, OSError(str(exc))) from None


def wire_error(exc: BaseException, *, lost: str, stalled: str) -> BridgeError | None:
    """The bridge error for a failed exchange on one of these connections."""
    if isinstance(exc, ssl.SSLCertVerificationError):
        return TLSVerificationFailed(
            "the openBIS certificate could not be verified (configure caBundle for a private CA)"
        )
    if isinstance(exc, (TimeoutError, socket.timeout)):
        return UpstreamTimeout(stalled)
    if isinstance(exc, (OSError, http.client.HTTPException)):
        return UpstreamUnreachable(lost)
    return None


class Wire:
    """The live connections of one job, cut all at once by ``abort``."""

    def __init__(self, verify: bool | str, timeout: float) -> None:
        self.context = tls_context(verify)
        self.timeout = timeout
        self._lock = threading.Lock()
        self._open: set[http.client.HTTPConnection] = set()
        self.aborted = threading.Event()

    def connect(self, url: str) -> http.client.HTTPConnection:
        """A connection to ``url``'s host (not opened until the first request)."""
        parts = urlsplit(url)
        if parts.scheme == "https":
            conn: http.client.HTTPConnection = http.client.HTTPSConnection(
                parts.hostname or "", parts.port, timeout=self.timeout, context=self.context
            )
        else:
            conn = http.client.HTTPConnection(
                parts.hostname or "", parts.port, timeout=self.timeout
            )
        with self._lock:
            if self.aborted.is_set():
                raise Cancelled("the job was cancelled")
            self._open.add(conn)
        return conn

    def after_abort(self, url: str) -> http.client.HTTPConnection:
        """A connection that ``abort`` does not cut, with a short timeout: for the one
        request that tidies up after a cancel (ending openBIS's download session)."""
        parts = urlsplit(url)
        timeout = min(self.timeout, CLEANUP_TIMEOUT_S)
        if parts.scheme == "https":
            return http.client.HTTPSConnection(
                parts.hostname or "", parts.port, timeout=timeout, context=self.context
            )
        return http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=timeout)

    def release(self, conn: http.client.HTTPConnection) -> None:
        with self._lock:
            self._open.discard(conn)
        conn.close()

    @contextmanager
    def connection(self, url: str) -> Iterator[http.client.HTTPConnection]:
        conn = self.connect(url)
        try:
            yield conn
        finally:
            self.release(conn)

    def abort(self) -> None:
        """Cut every connection: blocked reads and writes return with an error at once."""
        with self._lock:
            self.aborted.set()
            connections = list(self._open)
        for conn in connections:
            sock = conn.sock
            if sock is not None:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


def request(
    conn: http.client.HTTPConnection,
    method: str,
    target: str,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> http.client.HTTPResponse:
    """Send and read the answer's head; once more on a fresh socket if a kept-alive one was
    closed by the server meanwhile (the requests here are idempotent or not yet received)."""
    reused = conn.sock is not None
    try:
        conn.request(method, target, body=body, headers=headers or {})
        return conn.getresponse()
    except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
        if not reused:
            raise
        conn.close()
        conn.request(method, target, body=body, headers=headers or {})
        return conn.getresponse()


def read_exact(response: http.client.HTTPResponse, size: int) -> bytes:
    """``size`` bytes of the body, or ``IncompleteRead`` when it ends before."""
    data = response.read(size)
    if len(data) != size:
        raise http.client.IncompleteRead(data, size - len(data))
    return data
