"""Many small files through openBIS's fast-download protocol (SPEC §7).

One ``createFastDownloadSession`` (DSS JSON-RPC) gives the file-transfer URL and user
session; one ``startDownloadSession`` there cuts every requested file into chunks
(a file of at most one chunk, the only kind sent this way, is exactly one); one
``queue`` call queues them all; then every granted stream asks for up to
``CHUNKS_PER_CALL`` chunks per ``download`` call, which openBIS streams back to back
(``DownloadServer.download(..., numberOfChunksOrNull)``), until its answer is empty.
A few requests move thousands of files, where the plain file servlet needs one round
trip per file.

Each frame is checked twice: its own CRC32 (a chunk damaged in transit is queued again,
as pybis does, up to ``MAX_ATTEMPTS`` times) and then, as a whole file, against the size
and CRC32 ``searchFiles`` reported, before it gets its final name.
"""

from __future__ import annotations

import http.client
import json
import struct
import threading
import zlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from ...errors import (
    ChecksumMismatch,
    SessionExpired,
    UpstreamError,
    UpstreamTimeout,
    UpstreamUnreachable,
)
from ...openbis_client import BridgeOpenbis, is_session_rejection
from ..jobs import Job
from .local import LocalTarget, verify
from .plan import PlannedFile
from .session import Stopped, transfer_errors
from .wire import Wire, read_exact, request

CHUNK_SIZE = 1024 * 1024  # openBIS's chunk size (FileTransferServerServlet: FileUtils.ONE_MB)
CHUNKS_PER_CALL = 256  # few round trips; the files are stored while the rest is on its way
STORE_BYTES = 4 * 1024 * 1024  # verified files held in memory before they are written
STORE_FILES = 64  # ... or this many: meanwhile the socket's buffers take what openBIS sends
WISHED_STREAMS = 2
MAX_ATTEMPTS = 3
_FIXED = struct.Struct(">IhBhqi")  # seq, itemIdLen, isDirectory, pathLen, offset, payloadLen
_CRC = struct.Struct(">Q")


class FastDownloadUnavailable(Exception):
    """The data store cannot serve this session now (no free stream, old server): use plain GETs."""


def suits_fast_download(item: PlannedFile) -> bool:
    # v1 item ids are comma-joined (SPEC §7.1): a comma in a name would split it.
    return item.size <= CHUNK_SIZE and "," not in item.remote_path


@dataclass
class _Session:
    url: str
    id: str
    streams: list[str]
    by_sequence: dict[int, PlannedFile]
    attempts: dict[int, int] = field(default_factory=dict)
    received: set[int] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)
    lost: BaseException | None = None  # why a stream ended early, if one did


class FastDownload:
    def __init__(
        self,
        items: list[PlannedFile],
        target: LocalTarget,
        job: Job,
        wire: Wire,
        stop: threading.Event,
        call: Callable[[Callable[[BridgeOpenbis], Any]], Any],
    ) -> None:
        self._items = {f"{item.perm_id}/{item.remote_path}": item for item in items}
        self._target = target
        self._job = job
        self._wire = wire
        self._stop = stop
        self._call = call  # runs a function with the connection's pybis client
        self._control: http.client.HTTPConnection | None = None

    def run(self) -> None:
        try:
            session = self._start()
            try:
                self._rounds(session)
            finally:
                self._finish(session)
        finally:
            if self._control is not None:
                self._wire.release(self._control)

    def _rounds(self, session: _Session) -> None:
        """Queue what is missing and drain it over every stream, at most ``MAX_ATTEMPTS`` times."""
        pending = sorted(session.by_sequence)
        for _ in range(MAX_ATTEMPTS):
            self._post(
                session.url,
                {
                    "method": "queue",
                    "downloadSessionId": session.id,
                    "ranges": _ranges(pending),
                },
            )
            with ThreadPoolExecutor(len(session.streams)) as pool:
                for future in [pool.submit(self._stream, session, s) for s in session.streams]:
                    future.result()
            pending = sorted(set(session.by_sequence) - session.received)
            if not pending:
                return
        if session.lost is not None:
            raise session.lost
        raise UpstreamError(
            f"openBIS did not send {len(pending)} chunks after {MAX_ATTEMPTS} tries"
        )

    # --- protocol steps --------------------------------------------------------------------

    def _start(self) -> _Session:
        file_ids = [
            {
                "@type": "dss.dto.datasetfile.id.DataSetFilePermId",
                "dataSetId": {"@type": "as.dto.dataset.id.DataSetPermId", "permId": i.perm_id},
                "filePath": item_id,  # permId-prefixed, as pybis sends it (SPEC §4)
            }
            for item_id, i in self._items.items()
        ]
        options = {
            "@type": "dss.dto.datasetfile.fastdownload.FastDownloadSessionOptions",
            "wishedNumberOfStreams": WISHED_STREAMS,
        }
        try:
            created = self._call(
                lambda c: c.dss_call("createFastDownloadSession", file_ids, options)
            )
        except (SessionExpired, UpstreamUnreachable, UpstreamTimeout):
            raise
        except UpstreamError:  # a data store without fast download: plain GETs do it all
            raise FastDownloadUnavailable() from None
        if not isinstance(created, dict) or not isinstance(created.get("downloadUrl"), str):
            raise FastDownloadUnavailable()
        url = created["downloadUrl"]
        answer = self._post(
            url,
            {
                "method": "startDownloadSession",
                "userSessionId": str(created.get("fileTransferUserSessionId")),
                "downloadItemIds": ", ".join(self._items),
                "wishedNumberOfStreams": str(WISHED_STREAMS),
            },
        )
        try:
            ranges, streams = answer["ranges"], answer["streamIds"]
            by_sequence = {}
            for item_id, text in ranges.items():
                first, _, last = text.partition(":")
                if int(first) != int(last or first):
                    raise UpstreamError(f"{item_id} came as several chunks")
                by_sequence[int(first)] = self._items[item_id]
        except (KeyError, TypeError, ValueError, AttributeError):
            raise UpstreamError("openBIS answered startDownloadSession unexpectedly") from None
        if len(by_sequence) != len(self._items) or not streams:
            raise UpstreamError("openBIS did not offer every requested file for download")
        return _Session(url, answer["downloadSessionId"], list(streams), by_sequence)

    def _post(self, url: str, parameters: dict[str, str]) -> dict[str, Any]:
        body = json.dumps({name: [value] for name, value in parameters.items()}).encode()
        with transfer_errors(
            self._job,
            self._stop,
            lost="the connection to openBIS was lost",
            stalled="openBIS stopped answering",
        ):
            if self._control is None:  # start, queue and finish share one kept-alive socket
                self._control = self._wire.connect(url)
            response = request(
                self._control,
                "POST",
                urlsplit(url).path,
                body,
                {"Content-Type": "application/json"},
            )
            text = response.read()
        if response.status != 200:
            raise UpstreamError(f"openBIS file transfer answered HTTP {response.status}")
        decoded = json.loads(text) if text.strip() else {}
        _raise_for_error(decoded)
        return decoded

    def _finish(self, session: _Session) -> None:
        """End the session, also after a cancel: openBIS counts its streams as in use until
        then (``DownloadServerDownload.getState``), and its budget is shared by everyone."""
        if self._wire.aborted.is_set():
            conn = self._wire.after_abort(session.url)
            try:
                body = json.dumps(
                    {"method": ["finishDownloadSession"], "downloadSessionId": [session.id]}
                ).encode()
                request(conn, "POST", urlsplit(session.url).path, body).read()
            except Exception:  # best effort: the job is cancelled either way
                pass
            finally:
                conn.close()
            return
        try:
            self._post(
                session.url, {"method": "finishDownloadSession", "downloadSessionId": session.id}
            )
        except Exception:  # best effort: the files are already in place
            pass

    def _stream(self, session: _Session, stream_id: str) -> None:
        """One stream until the queue is drained. A lost or stalled connection ends only
        this stream: the chunks it was carrying are queued again for the next round."""
        try:
            self._drain(session, stream_id)
        except (UpstreamUnreachable, UpstreamTimeout) as exc:
            session.lost = exc

    def _drain(self, session: _Session, stream_id: str) -> None:
        body = json.dumps(
            {
                "method": ["download"],
                "downloadSessionId": [session.id],
                "downloadStreamId": [stream_id],
                "numberOfChunks": [str(CHUNKS_PER_CALL)],
            }
        ).encode()
        path = urlsplit(session.url).path
        with (
            transfer_errors(
                self._job,
                self._stop,
                lost="the connection to openBIS was lost",
                stalled="openBIS stopped sending data",
            ),
            self._wire.connection(session.url) as conn,
        ):
            while True:
                self._job.check_cancelled()
                if self._stop.is_set():
                    raise Stopped()
                response = request(conn, "POST", path, body, {"Content-Type": "application/json"})
                if response.status != 200:
                    raise UpstreamError(f"openBIS file transfer answered HTTP {response.status}")
                if (response.getheader("Content-Type") or "").startswith("application/json"):
                    _raise_for_error(json.loads(response.read() or b"{}"))
                    return  # a retriable error: what is missing is queued again
                if not self._frames(response, session):
                    return  # empty answer: the queue is drained

    def _frames(self, response: http.client.HTTPResponse, session: _Session) -> int:
        """Read every frame of one ``download`` answer; returns how many there were. The
        verified files of the answer are then stored together (``LocalTarget.write_verified``)."""
        count = held = 0
        ready: list[tuple[int, PlannedFile, bytes]] = []
        while fixed := response.read(_FIXED.size):  # b"": the answer ends between frames
            if len(fixed) < _FIXED.size:
                raise http.client.IncompleteRead(fixed, _FIXED.size - len(fixed))
            sequence, item_length, _, path_length, offset, length = _FIXED.unpack(fixed)
            if min(item_length, path_length, length) < 0:  # signed fields on the wire
                raise UpstreamError("openBIS sent a malformed chunk header")
            names = read_exact(response, item_length + path_length)
            (header_crc,) = _CRC.unpack(read_exact(response, _CRC.size))
            if zlib.crc32(fixed + names) != header_crc:
                raise UpstreamError("openBIS sent a damaged chunk header")
            payload = read_exact(response, length)
            (payload_crc,) = _CRC.unpack(read_exact(response, _CRC.size))
            count += 1
            item = self._checked(session, sequence, offset, payload, payload_crc)
            if item is not None:
                ready.append((sequence, item, payload))
                held += len(payload)
                if held >= STORE_BYTES or len(ready) >= STORE_FILES:
                    self._store(session, ready)
                    ready, held = [], 0
        self._store(session, ready)
        return count

    def _store(self, session: _Session, ready: list[tuple[int, PlannedFile, bytes]]) -> None:
        if not ready:
            return
        self._job.set_current(ready[-1][1].api_path)
        self._target.write_verified([(item, payload) for _, item, payload in ready])
        with session.lock:
            session.received.update(sequence for sequence, _, _ in ready)
        for _, _, payload in ready:
            self._job.add_bytes(len(payload))
            self._job.file_done()

    def _checked(
        self, session: _Session, sequence: int, offset: int, payload: bytes, crc: int
    ) -> PlannedFile | None:
        """The file a frame completes once it passed both checks; None when it was damaged
        in transit (queued again after this round, as pybis does)."""
        item = session.by_sequence.get(sequence)
        if item is None or offset != 0:
            raise UpstreamError(f"openBIS sent chunk {sequence}, which was not asked for")
        actual = zlib.crc32(payload)
        if actual != crc:
            with session.lock:
                session.attempts[sequence] = session.attempts.get(sequence, 0) + 1
                if session.attempts[sequence] >= MAX_ATTEMPTS:
                    raise ChecksumMismatch(
                        f"{item.api_path}: damaged in transit {MAX_ATTEMPTS} times"
                    )
            return None
        verify(item, len(payload), actual)  # against searchFiles: bit rot on the data store
        return item


def _raise_for_error(decoded: Any) -> None:
    """openBIS's ``{"error", "exception-class", "retriable"}`` answer as a bridge error."""
    if not isinstance(decoded, dict) or "error" not in decoded:
        return
    message = str(decoded.get("error"))
    if is_session_rejection(message) or "is invalid" in message:
        raise SessionExpired("the openBIS session has expired")
    if decoded.get("retriable") is True:
        if "cannot provide any download streams" in message:
            raise FastDownloadUnavailable()
        return
    raise UpstreamError(f"openBIS file transfer failed: {message}")


def _ranges(sequences: list[int]) -> str:
    """``[0, 1, 2, 5]`` → ``"0:2, 5:5"``."""
    parts: list[str] = []
    start = previous = None
    for number in sequences:
        if start is None:
            start = previous = number
        elif number == previous + 1:
            previous = number
        else:
            parts.append(f"{start}:{previous}")
            start = previous = number
    if start is not None:
        parts.append(f"{start}:{previous}")
    return ", ".join(parts)
