"""State of the file-transfer server: download sessions, chunk plans and queues.

SPEC §7: every file of every requested item is cut into 1 MiB chunks (a
zero-length file still gets one), numbered globally per session from 0. The
client queues sequence numbers; each ``download`` call pops the next one.
All methods run on the event-loop thread, so no locking is needed here.
"""

from __future__ import annotations

import uuid
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

from .files import FileNode
from .framing import CHUNK_SIZE

MAX_STREAMS = 50
"""Server-wide stream budget of the real file-transfer server."""


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

    def enqueue(self, sequence_numbers: list[int]) -> None:
        for number in sequence_numbers:
            if not 0 <= number < len(self.chunks):
                raise DownloadError(f"Invalid chunk sequence number: {number}")
        for number in sequence_numbers:
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
    def __init__(self) -> None:
        self._sessions: dict[str, DownloadSession] = {}
        self._streams_in_use = 0

    def start(
        self,
        user_token: str,
        items: list[tuple[str, str, list[FileNode]]],
        wished_streams: int,
    ) -> DownloadSession:
        chunks, ranges = plan_chunks(items)
        # The real server grants min(wished, free/2); never granting zero keeps a
        # long-running sandbox usable when clients leak unfinished sessions.
        granted = max(1, min(wished_streams, (MAX_STREAMS - self._streams_in_use) // 2))
        session = DownloadSession(
            session_id=str(uuid.uuid4()),
            user_token=user_token,
            chunks=chunks,
            ranges=ranges,
            stream_ids=[str(uuid.uuid4()) for _ in range(granted)],
        )
        self._sessions[session.session_id] = session
        self._streams_in_use += granted
        return session

    def get(self, session_id: str | None) -> DownloadSession:
        session = self._sessions.get(session_id or "")
        if session is None:
            raise DownloadError(f"Download session '{session_id}' does not exist")
        return session

    def finish(self, session_id: str | None) -> None:
        session = self.get(session_id)
        del self._sessions[session.session_id]
        self._streams_in_use -= len(session.stream_ids)
