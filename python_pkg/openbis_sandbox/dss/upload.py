"""``POST /datastore_server/session_workspace_file_upload`` (SPEC §8.2 step 3).

pybis posts each file (or each 10 MiB slice of a big file, from up to ten
threads, out of order) as a raw body. The body is streamed to disk at offset
``startByte`` without truncating, so slices can land in any order; memory use
is bounded by one write block per request whatever the file size.
"""

from __future__ import annotations

import asyncio
import json
import os
import threading
from dataclasses import dataclass
from pathlib import Path

import tornado.web

from ..context import SandboxContext
from .http import injected_delay, send_container_error
from .workspace import FileLocks, WorkspacePathError, resolve_workspace_path

WRITE_BLOCK = 1024 * 1024
"""Bytes buffered per request before one positioned write."""

MAX_UPLOAD_BODY = 1 << 40
"""Per-request body limit; the real servlet has none worth modelling."""


class UploadRejected(Exception):
    """The request is invalid; the real servlet throws, the container answers 500."""


@dataclass(frozen=True)
class UploadRequest:
    filename: str
    upload_id: int
    start_byte: int
    end_byte: int
    empty_folder: bool
    token: str


def _parse_bool(value: str | None) -> bool:
    # Java's Boolean.parseBoolean: only "true", in any case, is true.
    return value is not None and value.lower() == "true"


def _parse_long(name: str, value: str | None) -> int:
    if value is None:
        raise UploadRejected(f"Parameter '{name}' is missing")
    try:
        return int(value)
    except ValueError:
        raise UploadRejected(f"Parameter '{name}' is not a number: '{value}'") from None


def parse_upload_request(ctx: SandboxContext, arguments: dict[str, str | None]) -> UploadRequest:
    """Validate the query parameters in the order the real servlet does."""
    token = arguments.get("sessionID")
    if not token or ctx.store.session_user(token) is None:
        raise UploadRejected(f"Session token '{token}' is invalid: user is not logged in.")
    upload_id = _parse_long("id", arguments.get("id"))
    start_byte = _parse_long("startByte", arguments.get("startByte"))
    end_byte = _parse_long("endByte", arguments.get("endByte"))
    filename = arguments.get("filename")
    if not filename:
        raise UploadRejected("Parameter 'filename' is missing")
    if start_byte < 0:
        raise UploadRejected(f"Invalid startByte {start_byte}")
    return UploadRequest(
        filename=filename,
        upload_id=upload_id,
        start_byte=start_byte,
        end_byte=end_byte,
        empty_folder=_parse_bool(arguments.get("emptyFolder")),
        token=token,
    )


class PositionedFileWriter:
    """Writes a request body into one file starting at a fixed offset.

    The file is opened read/write without truncation; each block goes out with
    ``os.pwrite`` under the file's lock, in a worker thread so the event loop
    keeps serving the other slices meanwhile.
    """

    def __init__(self, path: Path, offset: int, locks: FileLocks) -> None:
        self._path = path
        self._offset = offset
        self._locks = locks
        self._buffer = bytearray()
        self._fd: int | None = None
        # close() may run on the loop while a worker thread is mid-write; a
        # closed-then-reused descriptor number must never be written to.
        self._fd_guard = threading.Lock()
        self.bytes_written = 0

    def open(self) -> None:
        with self._locks.hold(self._path):
            self._path.parent.mkdir(parents=True, exist_ok=True)
            self._fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o644)

    async def feed(self, data: bytes) -> None:
        self._buffer += data
        if len(self._buffer) >= WRITE_BLOCK:
            await self._flush()

    async def finish(self) -> None:
        await self._flush()
        self.close()

    def close(self) -> None:
        with self._fd_guard:
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None

    async def _flush(self) -> None:
        if not self._buffer or self._fd is None:
            return
        block = bytes(self._buffer)
        self._buffer.clear()
        await asyncio.get_running_loop().run_in_executor(None, self._write_at, block)

    def _write_at(self, block: bytes) -> None:
        view = memoryview(block)
        position = self._offset + self.bytes_written
        with self._fd_guard, self._locks.hold(self._path):
            if self._fd is None:
                return  # the client went away; nothing more to store
            while view:
                written = os.pwrite(self._fd, view, position)
                view = view[written:]
                position += written
        self.bytes_written += len(block)


@tornado.web.stream_request_body
class SessionWorkspaceUploadHandler(tornado.web.RequestHandler):
    def initialize(self, ctx: SandboxContext, locks: FileLocks) -> None:
        self.ctx = ctx
        self.locks = locks
        self.rejection: str | None = None
        self.upload: UploadRequest | None = None
        self.writer: PositionedFileWriter | None = None

    def check_xsrf_cookie(self) -> None:
        pass

    async def prepare(self) -> None:
        await injected_delay(self.ctx, "upload")
        self.request.connection.set_max_body_size(MAX_UPLOAD_BODY)
        arguments = {
            name: self.get_query_argument(name, None) for name in self.request.query_arguments
        }
        try:
            self.upload = parse_upload_request(self.ctx, arguments)
            target = resolve_workspace_path(self.ctx, self.upload.token, self.upload.filename)
            if self.upload.empty_folder:
                target.mkdir(parents=True, exist_ok=True)
            else:
                self.writer = PositionedFileWriter(target, self.upload.start_byte, self.locks)
                self.writer.open()
        except (UploadRejected, WorkspacePathError) as exc:
            # Answered after the body was drained, so the keep-alive connection
            # pybis pools stays usable, as with the real container.
            self.rejection = str(exc)
        except OSError as exc:
            self.rejection = f"{type(exc).__name__}: {exc}"

    async def data_received(self, chunk: bytes) -> None:
        if self.writer is not None:
            await self.writer.feed(chunk)

    async def post(self) -> None:
        if self.rejection is not None or self.upload is None:
            send_container_error(self, 500, self.rejection or "Invalid request")
            return
        size = -1
        if self.writer is not None:
            await self.writer.finish()
            size = self.writer.bytes_written
        self.set_header("Content-Type", "text/json")
        self.finish(
            json.dumps(
                {
                    "id": self.upload.upload_id,
                    "startByte": self.upload.start_byte,
                    "endByte": self.upload.end_byte,
                    "filename": self.upload.filename,
                    "emptyFolder": self.upload.empty_folder,
                    "size": size,
                    "status": "ok",
                }
            )
        )

    def on_connection_close(self) -> None:
        if self.writer is not None:
            self.writer.close()

    def on_finish(self) -> None:
        if self.writer is not None:
            self.writer.close()
