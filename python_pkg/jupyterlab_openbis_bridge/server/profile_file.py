"""The profile file as the server's connection registry sees it.

The file is shared with ``jupyter openbis`` and other servers. This module reads it when it
changed since it was last seen (a ``stat`` per look), takes its ``flock`` for a
read-modify-write, and writes it back; ``connections.ConnectionRegistry`` decides what the
content means for its connections.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import Conflict, StorageError
from ..profiles import (
    FileSignature,
    Profile,
    ProfileFileContent,
    ProfileFileError,
    file_signature,
    load_profile_file,
    profile_file_lock,
    save_profile_file,
)

log = logging.getLogger(__name__)


class WatchedProfileFile:
    """One profile file (or none: ``path`` None), and the state of it seen last."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._signature: FileSignature | None = None  # of the content read or written last

    def adopt(self, content: ProfileFileContent) -> None:
        """Note which state of the file the start-up profiles came from."""
        self._signature = content.signature

    def read(self, *, force: bool) -> tuple[ProfileFileContent | None, bool]:
        """The file's content if it changed since last seen (always with ``force``; None
        without a file), and whether that content is new and readable, so to be merged."""
        path = self.path
        if path is None or (not force and file_signature(path) == self._signature):
            return None, False
        content = load_profile_file(path)
        fresh = content.signature != self._signature
        if fresh and content.damaged:
            # Half-edited or broken: the registry keeps what it has rather than dropping connections.
            log.warning("openBIS profile file not reloaded: %s", "; ".join(content.warnings))
            fresh = False
        self._signature = content.signature
        return content, fresh

    @contextmanager
    def lock(self) -> Iterator[None]:
        """The file's lock, held from re-reading the file until it is written back."""
        if self.path is None:
            yield
            return
        lock = profile_file_lock(self.path)
        try:
            lock.__enter__()
        except OSError as exc:
            raise StorageError(
                f"cannot lock the profile file {self.path}: {exc.strerror or exc}"
            ) from None
        try:
            yield
        finally:
            lock.__exit__(None, None, None)

    def write(self, profiles: list[Profile]) -> None:
        if self.path is None:
            return
        try:
            save_profile_file(self.path, profiles)
        except ProfileFileError as exc:
            raise Conflict(str(exc)) from None
        except OSError as exc:
            raise StorageError(
                f"cannot write the profile file {self.path}: {exc.strerror or exc}"
            ) from None
        self._signature = file_signature(self.path)
