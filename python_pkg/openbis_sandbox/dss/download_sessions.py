"""State of the file-transfer server: download sessions, chunk plans and queues.

SPEC §7: every file of every requested item is cut into 1 MiB chunks (a
zero-length file still gets one), numbered globally per session from 0. The
client queues sequence numbers; each ``download`` call pops up to
``numberOfChunks`` of them (all of the queue when absent), as openBIS's
``ch.ethz.sis.filetransfer.DownloadInputStream`` does.
All methods run on the event-loop thread, so no locking is needed here.

Where SPEC and openBIS differ, this follows openBIS (``ch.ethz.sis.filetransfer``):
``DownloadServer.startDownloadSession`` refuses with a retriable ``DownloadException``
when no stream is free; ``FileTransferServerServlet.ConcurrencyProvider`` allows
``api.v3.fast-download.maximum-number-of-allowed-streams`` (10 by default) streams in all,
half of the free ones per session, and counts only the streams a ``download`` call has
opened (``DownloadServerDownload.getState``); ``finishDownloadSession`` of an unknown
session does nothing; ``ChunkQueue.offer`` rejects an unknown number with
``IllegalArgumentException`` after queueing the ones before it.
"""

from __future__ import annotations

import uuid
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

from .files import FileNode
from .framing import CHUNK_SIZE

MAX_STREAMS = 10
"""``api.v3.fast-download.maximum-number-of-allowed-streams``'s default in openBIS's
``FileTransferServerServlet`` (SPEC §7 says 50)."""
NO_FREE_STREAMS = (
    "Download server cannot provide any download streams at the moment. Please try again later."
)


class UnknownChunk(Exception):
    """``IllegalArgumentException`` of openBIS's ``ChunkQueue.offer``."""


class DownloadError(Exception):
    """Answered as ``{"error", "exception-class", "retriable"}`` (SPEC §7)."""

    def __init__(self, message: str, *, retriable: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.retriable = retriable


@dataclass(frozen=True)
class ChunkPlan:
    sequence_number: int
    download_item_id: str
    data_set_perm_id: str
    file_path: str
    """Data-set-relative path written into the frame, e.g. ``original/a.csv``."""
    absolute: Path
    offset: int
    length: int


@dataclass
class DownloadSession:
    session_id: str
    user_token: str
    chunks: list[ChunkPlan]
    ranges: dict[str, str]
    stream_ids: list[str]
    pending: deque[int] = field(default_factory=deque)
    pending_set: set[int] = field(default_factory=set)
    opened_streams: set[str] = field(default_factory=set)
    """Streams a ``download`` call has used: the ones openBIS counts as in use."""

    def enqueue(self, sequence_numbers: list[int]) -> None:
        for number in sequence_numbers:
            if not 0 <= number < len(self.chunks):
                raise UnknownChunk(f"Unknown chunk with sequence number: {number}")
            if number not in self.pending_set:  # already pending: ignored
                self.pending.append(number)
                self.pending_set.add(number)

    def next_chunk(self) -> ChunkPlan | None:
        if not self.pending:
            return None
        number = self.pending.popleft()
        self.pending_set.discard(number)
        return self.chunks[number]


def plan_chunks(
    items: list[tuple[str, str, list[FileNode]]],
) -> tuple[list[ChunkPlan], dict[str, str]]:
    """Chunks and ``first:last`` ranges for ``(item id, data set permId, files)``."""
    chunks: list[ChunkPlan] = []
    ranges: dict[str, str] = {}
    for item_id, perm_id, files in items:
        first = len(chunks)
        for node in files:
            offsets = range(0, node.length, CHUNK_SIZE) if node.length else range(1)
            for offset in offsets:
                chunks.append(
                    ChunkPlan(
                        sequence_number=len(chunks),
                        download_item_id=item_id,
                        data_set_perm_id=perm_id,
                        file_path=node.path,
                        absolute=node.absolute,
                        offset=offset,
                        length=min(CHUNK_SIZE, node.length - offset),
                    )
                )
        if len(chunks) > first:
            ranges[item_id] = f"{first}:{len(chunks) - 1}"
    return chunks, ranges


def parse_ranges(text: str) -> list[int]:
    """``"0:0, 1:3"`` → ``[0, 1, 2, 3]``; a lone ``n`` means ``n:n``."""
    numbers: list[int] = []
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        first, _, last = part.partition(":")
        try:
            start = int(first)
            end = int(last) if last else start
        except ValueError:
            raise DownloadError(f"Invalid range: '{part}'") from None
        if end < start:
            raise DownloadError(f"Invalid range: '{part}'")
        numbers.extend(range(start, end + 1))
    return numbers


class DownloadSessions:
    def __init__(self, max_streams: int = MAX_STREAMS) -> None:
        self._sessions: dict[str, DownloadSession] = {}
        self._max_streams = max_streams

    def streams_in_use(self) -> int:
        return sum(len(session.opened_streams) for session in self._sessions.values())

    def start(
        self,
        user_token: str,
        items: list[tuple[str, str, list[FileNode]]],
        wished_streams: int,
    ) -> DownloadSession:
        granted = min(wished_streams, (self._max_streams - self.streams_in_use()) // 2)
        if granted <= 0:
            raise DownloadError(NO_FREE_STREAMS, retriable=True)
        chunks, ranges = plan_chunks(items)
        session = DownloadSession(
            session_id=str(uuid.uuid4()),
            user_token=user_token,
            chunks=chunks,
            ranges=ranges,
            stream_ids=[str(uuid.uuid4()) for _ in range(granted)],
        )
        self._sessions[session.session_id] = session
        return session

    def get(self, session_id: str | None) -> DownloadSession:
        session = self._sessions.get(session_id or "")
        if session is None:
            raise DownloadError(f"Download session '{session_id}' does not exist")
        return session

    def finish(self, session_id: str | None) -> None:
        self._sessions.pop(session_id or "", None)  # unknown: nothing to do, as in openBIS
