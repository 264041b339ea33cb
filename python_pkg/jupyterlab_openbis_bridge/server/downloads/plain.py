"""One file, one ``GET /datastore_server/<permId>/<path>?sessionID=`` on a kept-alive connection.

The plain DSS file servlet streams a file as stored; the body goes through CRC32 into the
temporary file in blocks of ``READ_CHUNK``, with the job's progress and cancel checks
between blocks (a cancel also cuts the socket, so a block never holds it up). Used for files larger than one fast-download chunk (a single stream is
as fast as curl) and for jobs with only a few files.
"""

from __future__ import annotations

import http.client
import threading
from collections.abc import Iterator
from urllib.parse import quote, urlsplit

from ...errors import NotFound, SessionExpired, UpstreamError
from ..jobs import Job
from .local import LocalTarget
from .plan import PlannedFile
from .session import SessionInfo, Stopped, transfer_errors
from .wire import request

READ_CHUNK = 1024 * 1024
SESSION_EXPIRED_MARKER = b"Download session expired"


def fetch_plain(
    conn: http.client.HTTPConnection,
    session: SessionInfo,
    item: PlannedFile,
    target: LocalTarget,
    job: Job,
    stop: threading.Event,
) -> None:
    base = urlsplit(session.dss_url).path.rstrip("/")
    path = (
        f"{base}/datastore_server/{quote(item.perm_id, safe='')}/{quote(item.remote_path)}"
        f"?sessionID={quote(session.token, safe='')}"
    )
    counted = [0]
    target.folder(item.folder)  # made (and held open) before the first byte is asked for
    try:
        with transfer_errors(
            job,
            stop,
            lost=f"{item.api_path}: the connection to openBIS was lost",
            stalled=f"{item.api_path}: openBIS stopped sending data",
        ):
            response = request(conn, "GET", path)
            try:
                _check_status(response)
                target.write(item, _body(response, job, stop, counted))
            except BaseException:
                conn.close()  # a body left unread cannot be followed by the next request
                raise
    except BaseException:
        job.add_bytes(-counted[0])
        raise


def _check_status(response: http.client.HTTPResponse) -> None:
    if response.status == 404:
        raise NotFound("openBIS no longer has this file")
    if response.status != 200:
        raise UpstreamError(f"openBIS answered HTTP {response.status}")


def _body(
    response: http.client.HTTPResponse, job: Job, stop: threading.Event, counted: list[int]
) -> Iterator[memoryview]:
    """The body in blocks of one reused buffer: ``readinto`` fills it in C (one TLS record
    is only 16 KiB) with a single copy, and the GIL is free while it waits; each block is
    hashed and written before the next read overwrites it."""
    is_html = (response.getheader("Content-Type") or "").startswith("text/html")
    buffer = memoryview(bytearray(READ_CHUNK))
    first = True
    while count := response.readinto(buffer):
        job.check_cancelled()
        if stop.is_set():
            raise Stopped()
        block = buffer[:count]
        if first and is_html and SESSION_EXPIRED_MARKER in bytes(block[:200]):
            raise SessionExpired("the openBIS download session expired")
        first = False
        counted[0] += count
        job.add_bytes(count)
        yield block
    if response.length:  # the body ended before Content-Length said it would
        raise http.client.IncompleteRead(b"", response.length)
    response.read()  # marks an empty answer complete, so the connection takes the next request
