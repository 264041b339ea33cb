"""``POST /datastore_server/file-transfer``: the fast-download server (SPEC §7).

Requests are JSON objects mapping names to arrays of strings (or, with an empty
body, query parameters). Errors are HTTP 200 ``{"error", "exception-class"
[, "retriable"]}``. A ``download`` call streams up to ``numberOfChunks`` frames
back to back (every queued one when the parameter is absent), popping each from
the session's queue as it goes, as openBIS's ``FileTransferServerServlet.handleDownload``
copies ``DownloadServer.download(..., numberOfChunksOrNull)``. Chunks are read from
disk in batches of at most ``BATCH_BYTES`` (``BATCH_CHUNKS`` chunks), the next batch
while the current one is sent, so memory use does not depend on file
sizes or on how many chunks one call asks for.
"""

from __future__ import annotations

import asyncio
import json
import os
from typing import Any

import tornado.iostream
import tornado.web

from ..context import SandboxContext
from ..store.archiving import READABLE_STATUSES
from .download_sessions import (
    ChunkPlan,
    DownloadError,
    DownloadSession,
    DownloadSessions,
    UnknownChunk,
    parse_ranges,
)
from .files import DatasetView, FileNode
from .framing import encode_header, encode_payload_checksum
from .http import injected_delay

DOWNLOAD_EXCEPTION = "ch.ethz.sis.filetransfer.DownloadException"
ILLEGAL_ARGUMENT = "java.lang.IllegalArgumentException"
BATCH_BYTES = 2 * 1024 * 1024
"""Payload bytes read from disk in one go (small chunks are read many at a time). With
the batch being sent and its frames, a stream holds about three batches at most."""
BATCH_CHUNKS = 64
"""Chunks read from disk in one go, so that a call of many small chunks is read in
several batches, the next one while the current one is sent."""
READERS = 4
"""Threads reading the chunks of one batch."""


class FileTransferError(Exception):
    def __init__(self, message: str, exception_class: str = ILLEGAL_ARGUMENT) -> None:
        super().__init__(message)
        self.message = message
        self.exception_class = exception_class


def parse_parameters(body: bytes, query: dict[str, list[bytes]]) -> dict[str, str]:
    """First value of each parameter, from the JSON body or else the query."""
    if body.strip():
        try:
            decoded = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            raise FileTransferError("Could not parse the request body") from None
        if not isinstance(decoded, dict):
            raise FileTransferError("Could not parse the request body")
        parameters: dict[str, str] = {}
        for name, values in decoded.items():
            if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
                raise FileTransferError(f"Parameter '{name}' must be an array of strings")
            if values:
                parameters[name] = values[0]
        return parameters
    return {name: values[0].decode("utf-8") for name, values in query.items() if values}


def parse_download_item_ids(raw: str, protocol_version: int) -> list[str]:
    """v1: one comma-joined string; v2: a JSON array inside the string (SPEC §7.1)."""
    if protocol_version >= 2:
        try:
            decoded = json.loads(raw)
        except ValueError:
            raise FileTransferError(f"Could not parse download item ids: {raw}") from None
        if not isinstance(decoded, list) or not all(isinstance(i, str) for i in decoded):
            raise FileTransferError(f"Could not parse download item ids: {raw}")
        return decoded
    return [part.strip() for part in raw.split(",") if part.strip()]


def _required(parameters: dict[str, str], name: str) -> str:
    value = parameters.get(name)
    if value is None:
        raise FileTransferError(f"Parameter '{name}' is missing")
    return value


def read_chunk(plan: ChunkPlan) -> bytes:
    """The payload of one chunk, read with a single positioned read."""
    if plan.length == 0:
        return b""
    fd = os.open(plan.absolute, os.O_RDONLY)
    try:
        return os.pread(fd, plan.length, plan.offset)
    finally:
        os.close(fd)


def _read_group(plans: list[ChunkPlan]) -> list[bytes]:
    return [read_chunk(plan) for plan in plans]


async def _settle(pending: asyncio.Future) -> None:
    """Wait for reads in flight (their result is no longer wanted)."""
    try:
        await pending
    except (OSError, DownloadError):
        pass


def _chunk_limit(parameters: dict[str, str]) -> int | None:
    """``numberOfChunks``: None (absent) means every queued chunk."""
    raw = parameters.get("numberOfChunks")
    if raw is None:
        return None
    try:
        return int(raw)
    except ValueError:
        raise FileTransferError(f"Parameter 'numberOfChunks' is not an integer: {raw}") from None


def _next_batch(session: DownloadSession, allowance: int | None) -> list[ChunkPlan]:
    """Pop chunks until ``BATCH_BYTES`` of payload, ``BATCH_CHUNKS`` or ``allowance``
    chunks are taken."""
    batch: list[ChunkPlan] = []
    size = 0
    limit = BATCH_CHUNKS if allowance is None else min(allowance, BATCH_CHUNKS)
    while len(batch) < limit and size < BATCH_BYTES:
        plan = session.next_chunk()
        if plan is None:
            break
        batch.append(plan)
        size += plan.length
    return batch


class FileTransferHandler(tornado.web.RequestHandler):
    def initialize(self, ctx: SandboxContext, sessions: DownloadSessions) -> None:
        self.ctx = ctx
        self.sessions = sessions

    def check_xsrf_cookie(self) -> None:
        pass

    async def post(self) -> None:
        await injected_delay(self.ctx, "file-transfer")
        try:
            parameters = parse_parameters(self.request.body, self.request.query_arguments)
            method = _required(parameters, "method")
            if method == "startDownloadSession":
                self._send_json(self._start(parameters), pretty=True)
            elif method == "queue":
                session = self.sessions.get(_required(parameters, "downloadSessionId"))
                try:
                    session.enqueue(parse_ranges(_required(parameters, "ranges")))
                except UnknownChunk as exc:
                    raise FileTransferError(str(exc)) from None
                self.finish()
            elif method == "download":
                await self._download(parameters)
            elif method == "finishDownloadSession":
                self.sessions.finish(_required(parameters, "downloadSessionId"))
                self.finish()
            else:
                raise FileTransferError(f"Unknown method '{method}'")
        except DownloadError as exc:
            self._send_json(
                {
                    "error": exc.message,
                    "exception-class": DOWNLOAD_EXCEPTION,
                    "retriable": exc.retriable,
                }
            )
        except FileTransferError as exc:
            self._send_json({"error": exc.message, "exception-class": exc.exception_class})

    def _send_json(self, body: dict[str, Any], *, pretty: bool = False) -> None:
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(body, indent=2 if pretty else None))

    def _start(self, parameters: dict[str, str]) -> dict[str, Any]:
        token = _required(parameters, "userSessionId")
        user = self.ctx.store.session_user(token)
        if user is None:
            raise DownloadError(f"Session token '{token}' is invalid: user is not logged in.")
        # A 3.6 server predates protocol v2 and never looks at "version".
        version = 2 if self.ctx.is_v37 and parameters.get("version") == "2" else 1
        item_ids = parse_download_item_ids(_required(parameters, "downloadItemIds"), version)
        try:
            wished = int(parameters.get("wishedNumberOfStreams", "1"))
        except ValueError:
            raise FileTransferError("Parameter 'wishedNumberOfStreams' is not a number") from None
        items = []
        views: dict[str, DatasetView | None] = {}  # per data set: checked and resolved once
        for item_id in item_ids:
            perm_id, files = self._resolve_item(user, item_id, views)
            if files is not None:
                items.append((item_id, perm_id, files))
        session = self.sessions.start(token, items, max(1, wished))
        return {
            "downloadSessionId": session.session_id,
            "ranges": session.ranges,
            "streamIds": session.stream_ids,
        }

    def _resolve_item(
        self, user: str, item_id: str, views: dict[str, DatasetView | None]
    ) -> tuple[str, list[FileNode] | None]:
        """The files of ``<permId>/<path>``; None for data sets the user may not see."""
        perm_id, _, relative = item_id.partition("/")
        if perm_id not in views:
            views[perm_id] = self._dataset_view(user, perm_id)
        view = views[perm_id]
        if view is None:
            return perm_id, None
        files = view.files_under(relative)
        if not files:
            raise DownloadError(f"Download item '{item_id}' does not exist")
        return perm_id, files

    def _dataset_view(self, user: str, perm_id: str) -> DatasetView | None:
        store = self.ctx.store
        row = store.get_dataset_row(perm_id)
        if row is None or not store.user_can_access_dataset(user, perm_id):
            return None
        if row["status"] not in READABLE_STATUSES:  # (I) openBIS's wording unconfirmed
            raise DownloadError(
                f"Data set '{perm_id}' is not available: its status is {row['status']}"
            )
        return DatasetView(store.dataset_dir(perm_id))

    async def _download(self, parameters: dict[str, str]) -> None:
        session = self.sessions.get(_required(parameters, "downloadSessionId"))
        stream_id = _required(parameters, "downloadStreamId")
        if stream_id not in session.stream_ids:
            raise DownloadError(f"Download stream '{stream_id}' does not exist")
        allowance = _chunk_limit(parameters)
        session.opened_streams.add(stream_id)
        self.set_header("Content-Type", "application/octet-stream")
        batch = _next_batch(session, allowance)
        if not batch:
            self.finish()  # empty body: the queue is drained
            return
        faults = self.ctx.faults
        body = await self._frames(batch)
        drop_after = faults.drop_after("download")
        stall = faults.stall_after("download", len(body)) if drop_after is None else None
        if drop_after is not None or stall is not None:
            # The chunks of this batch are lost with the connection; the client re-queues.
            await write_body(self, body, drop_after, stall)
            return
        while True:
            self.write(body)
            if allowance is not None:
                allowance -= len(batch)
            batch = _next_batch(session, allowance)
            if not batch:
                break
            # Read the next batch from disk while this one goes out: at most two in memory.
            reading = asyncio.ensure_future(self._frames(batch))
            try:
                await self.flush()  # back-pressure
            except tornado.iostream.StreamClosedError:
                await _settle(reading)
                return
            body = await reading
        self.finish()

    async def _frames(self, batch: list[ChunkPlan]) -> bytes:
        loop = asyncio.get_running_loop()
        # A few reads at once: on a cold cache each small file is a seek of its own, and
        # one read at a time keeps the disk's queue too shallow.
        groups = [batch[i::READERS] for i in range(min(READERS, len(batch)))]
        try:
            done = await asyncio.gather(
                *(loop.run_in_executor(None, _read_group, group) for group in groups)
            )
        except OSError as exc:
            raise DownloadError(f"Could not read a chunk: {exc.strerror}", retriable=True) from None
        faults = self.ctx.faults
        frames = []
        for index, plan in enumerate(batch):
            payload = done[index % len(groups)][index // len(groups)]  # group i: batch[i::n]
            # Bit rot: the server itself reads the bad byte, so the frame's CRC covers it.
            payload = faults.corrupt(plan.file_path, plan.offset, payload, stage="disk")
            checksum = encode_payload_checksum(payload)
            # Damage in transit: the frame's CRC no longer matches.
            payload = faults.corrupt(plan.file_path, plan.offset, payload, stage="wire")
            header = encode_header(
                plan.sequence_number,
                plan.download_item_id,
                plan.file_path,
                plan.offset,
                len(payload),
            )
            frames += (header, payload, checksum)
        return b"".join(frames)


async def write_body(
    handler: tornado.web.RequestHandler, data: bytes, drop_after: int | None, stall: Any = None
) -> None:
    """Send ``data`` as the whole body, or cut the connection after ``drop_after`` bytes, or
    stop after ``stall.after`` bytes and hold the connection (``faults.Stall``) before cutting."""
    if drop_after is None and stall is None:
        handler.finish(data)
        return
    handler.set_header("Content-Length", str(len(data)))
    handler.write(data[: drop_after if stall is None else stall.after])
    try:
        await handler.flush()
        if stall is not None:
            await stall.hold(handler)  # sends nothing more, keeps the connection
    except tornado.iostream.StreamClosedError:
        pass
    abort_connection(handler)


def abort_connection(handler: tornado.web.RequestHandler) -> None:
    """Close the socket mid-response, as a crashing proxy or server would."""
    handler.request.connection.stream.close()  # type: ignore[union-attr]
