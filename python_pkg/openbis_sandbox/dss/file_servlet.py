"""``GET /datastore_server/<permId>/<path>?sessionID=…``: the plain DSS file servlet.

pybis uses it at API ≤ 3.5 (SPEC §4.4); the sandbox serves it at every API
version because browsers and ``curl`` use it too. Files stream in 1 MiB reads,
so memory use does not depend on file size. Like the real servlet, an invalid
session yields HTTP 200 with a short HTML page rather than an error status.
"""

from __future__ import annotations

import asyncio
import mimetypes
import os
from pathlib import Path
from urllib.parse import quote

import tornado.iostream
import tornado.web

from ..context import SandboxContext
from ..store.archiving import READABLE_STATUSES
from .file_transfer import abort_connection
from .files import resolve_in_dataset
from .http import injected_delay, send_container_error

READ_BLOCK = 4 * 1024 * 1024
# How far ahead the kernel is asked to prefetch: a single synchronous read at a
# time keeps the disk's queue too shallow to stream a cold file at disk speed.
PREFETCH_BYTES = 32 * 1024 * 1024
SESSION_EXPIRED_PAGE = "<html><body>Download session expired.</body></html>"


async def _settle(read: asyncio.Future) -> None:
    """Wait for an in-flight read so its descriptor is not closed under it."""
    try:
        await read
    except OSError:
        pass


def _read_block(fd: int, offset: int) -> bytes:
    os.posix_fadvise(fd, offset + READ_BLOCK, PREFETCH_BYTES, os.POSIX_FADV_WILLNEED)
    return os.pread(fd, READ_BLOCK, offset)


def content_disposition(name: str) -> str:
    ascii_name = name.encode("ascii", "replace").decode("ascii").replace('"', "_")
    return f"inline; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"


class DataSetFileHandler(tornado.web.RequestHandler):
    def initialize(self, ctx: SandboxContext) -> None:
        self.ctx = ctx

    async def get(self, perm_id: str, relative_path: str) -> None:
        await injected_delay(self.ctx, "file-get")
        token = self.get_query_argument("sessionID", None)
        user = self.ctx.store.session_user(token) if token else None
        if user is None:
            self.set_header("Content-Type", "text/html")
            self.finish(SESSION_EXPIRED_PAGE)
            return
        store = self.ctx.store
        target = None
        row = store.get_dataset_row(perm_id)
        if row is not None and store.user_can_access_dataset(user, perm_id):
            if row["status"] not in READABLE_STATUSES:  # (I) openBIS's answer unconfirmed
                send_container_error(
                    self,
                    500,
                    f"Data set '{perm_id}' is not available: its status is {row['status']}",
                )
                return
            target = resolve_in_dataset(store.dataset_dir(perm_id), relative_path)
        if target is None or not target.is_file():
            send_container_error(
                self, 404, f"File '{relative_path}' of data set '{perm_id}' not found"
            )
            return
        await self._stream(target, relative_path)

    async def _stream(self, target: Path, relative_path: str) -> None:
        size = target.stat().st_size
        content_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        self.set_header("Content-Type", content_type)
        self.set_header("Content-Disposition", content_disposition(target.name))
        self.set_header("Content-Length", str(size))
        faults = self.ctx.faults
        drop_after = faults.drop_after("get")
        stall = faults.stall_after("get", size) if drop_after is None else None
        loop = asyncio.get_running_loop()
        fd = os.open(target, os.O_RDONLY)
        try:
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_SEQUENTIAL)
            offset = 0
            # Read the next block while the current one is being sent, so disk and
            # network overlap; at most two blocks are held at any time.
            pending = loop.run_in_executor(None, _read_block, fd, offset)
            while offset < size:
                block = await pending
                if not block:
                    break  # the file shrank under us; the client sees a short body
                next_offset = offset + len(block)
                if next_offset < size:
                    pending = loop.run_in_executor(None, _read_block, fd, next_offset)
                block = faults.corrupt(relative_path, offset, block, stage=None)
                if drop_after is not None and next_offset >= drop_after:
                    self.write(block[: drop_after - offset])
                    await self._flush_quietly()
                    abort_connection(self)
                    return
                if stall is not None and next_offset >= stall.after:
                    self.write(block[: stall.after - offset])
                    if await self._flush_quietly():
                        await stall.hold(self)  # sends nothing more, keeps the connection
                    abort_connection(self)
                    return
                self.write(block)
                offset = next_offset
                if not await self._flush_quietly():
                    return  # client went away
        finally:
            await _settle(pending)
            os.close(fd)
        self.finish()

    async def _flush_quietly(self) -> bool:
        try:
            await self.flush()
        except tornado.iostream.StreamClosedError:
            return False
        return True
