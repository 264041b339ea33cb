"""Writing a job's files under the Jupyter root, and removing them again on cancel.

Nothing is opened by path: each target folder is opened (and made) one component at a
time from a descriptor of the root without following links, once per job; the temporary
file is created in it with ``O_EXCL | O_NOFOLLOW``, checked against size and CRC32, and
renamed within it only after ``same_dir`` confirms the folder is still where it was. A
folder swapped for a symlink during the transfer is never written through; a symlink at
a final name is replaced, never written through.

The folders a job made and the final names it created (not those it replaced) are
recorded, so that a cancelled job can remove exactly what it created.
"""

from __future__ import annotations

import errno
import os
import threading
import zlib
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from ...errors import ChecksumMismatch, Conflict, Forbidden, StorageError, UpstreamError
from ..paths import open_dir, same_dir
from .plan import PlannedFile

_DIR_FLAGS = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0)
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CREATE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | getattr(os, "O_CLOEXEC", 0)


def verify(item: PlannedFile, received: int, crc: int) -> None:
    if received != item.size:
        raise UpstreamError(f"{item.api_path}: received {received} of {item.size} bytes")
    if item.crc32 is not None and crc != item.crc32:
        raise ChecksumMismatch(
            f"{item.api_path}: checksum mismatch (CRC32 {crc:08x}, expected {item.crc32:08x})"
        )


class LocalTarget:
    """The folders and files of one job; thread-safe."""

    def __init__(self, root: Path, job_id: str) -> None:
        self._root = root
        self._job_id = job_id
        self._lock = threading.Lock()
        self._folders: dict[PurePosixPath, int] = {}
        self._made: list[PurePosixPath] = []  # folders this job created, parents first
        self._created: list[tuple[PurePosixPath, str]] = []  # final names it created
        self._written: set[tuple[PurePosixPath, str]] = set()  # final names it wrote

    def temp_name(self, item: PlannedFile) -> str:
        # Short hidden name: the file browser ignores it and long names stay under NAME_MAX.
        return f".openbis-{self._job_id[:12]}-{zlib.crc32(item.api_path.encode()):08x}.part"

    def folder(self, relative: PurePosixPath) -> int:
        """A descriptor of ``relative`` (real names), made where missing; cached per job."""
        with self._lock:
            fd = self._folders.get(relative)
            if fd is None:
                fd = self._open_making(relative)
                self._folders[relative] = fd
            return fd

    def _open_making(self, relative: PurePosixPath) -> int:
        with open_dir(self._root, PurePosixPath(), "destination") as root_fd:
            fd = os.dup(root_fd)
        try:
            for index, name in enumerate(relative.parts):
                try:
                    os.mkdir(name, 0o777, dir_fd=fd)
                    self._made.append(PurePosixPath(*relative.parts[: index + 1]))
                except FileExistsError:
                    pass
                try:
                    child = os.open(name, _DIR_FLAGS | _NOFOLLOW, dir_fd=fd)
                except OSError as exc:
                    raise _open_error(exc, "/".join(relative.parts[: index + 1])) from None
                os.close(fd)
                fd = child
        except BaseException:
            os.close(fd)
            raise
        return fd

    def write(self, item: PlannedFile, blocks: Iterable[bytes | memoryview]) -> None:
        """Write ``blocks`` under a temporary name, verify, rename to the final name.

        What the source of ``blocks`` raises (a lost connection, a cancel) passes through
        unchanged; only a failing disk becomes a ``StorageError``."""
        folder = self.folder(item.folder)
        temp, out_fd = self._create_temp(item, folder)
        try:
            received = crc = 0
            with os.fdopen(out_fd, "wb", buffering=0) as out:  # blocks are large already
                for block in blocks:
                    try:
                        written = 0
                        while written < len(block):
                            written += out.write(block[written:]) or 0
                    except OSError as exc:
                        raise _write_error(item, exc) from None
                    crc = zlib.crc32(block, crc)
                    received += len(block)
            verify(item, received, crc)
            self._check_folder(item, folder)
            self._rename(item, folder, temp)
        except BaseException:
            _unlink_quietly(temp, folder)
            raise

    def write_verified(self, files: list[tuple[PlannedFile, bytes]]) -> None:
        """Whole files already checked in memory against size and CRC32 (``verify``): all are
        written under their temporary names first, then each folder is checked once
        (``same_dir``) and its files renamed, which saves a walk from the root per file."""
        pending: dict[PurePosixPath, list[tuple[PlannedFile, str]]] = {}
        try:
            for item, data in files:
                folder = self.folder(item.folder)
                temp, out_fd = self._create_temp(item, folder)
                pending.setdefault(item.folder, []).append((item, temp))
                try:
                    _write_all(out_fd, data)
                except OSError as exc:
                    raise _write_error(item, exc) from None
                finally:
                    os.close(out_fd)
            for relative, entries in list(pending.items()):
                folder = self.folder(relative)
                self._check_folder(entries[0][0], folder)
                while entries:
                    item, temp = entries[0]
                    self._rename(item, folder, temp)
                    entries.pop(0)
        except BaseException:
            for relative, entries in pending.items():
                for _, temp in entries:
                    _unlink_quietly(temp, self.folder(relative))
            raise

    def _create_temp(self, item: PlannedFile, folder: int) -> tuple[str, int]:
        temp = self.temp_name(item)
        try:
            try:
                return temp, os.open(temp, _CREATE_FLAGS, 0o666, dir_fd=folder)
            except FileExistsError:  # left by a crashed process with this job id
                os.unlink(temp, dir_fd=folder)
                return temp, os.open(temp, _CREATE_FLAGS, 0o666, dir_fd=folder)
        except OSError as exc:
            raise _write_error(item, exc) from None

    def _check_folder(self, item: PlannedFile, folder: int) -> None:
        if not same_dir(self._root, item.folder, folder):
            raise Conflict(
                f"{item.api_path}: the destination folder was moved or replaced during the download",
                fields={"destination": "changed during the download"},
            )

    def _rename(self, item: PlannedFile, folder: int, temp: str) -> None:
        try:
            try:
                os.stat(item.name, dir_fd=folder, follow_symlinks=False)
                existed = True
            except FileNotFoundError:
                existed = False
            # Within the checked folder: a symlink at the final name is replaced.
            os.replace(temp, item.name, src_dir_fd=folder, dst_dir_fd=folder)
        except OSError as exc:
            raise _write_error(item, exc) from None
        with self._lock:
            self._written.add((item.folder, item.name))
            if not existed:
                self._created.append((item.folder, item.name))

    def written(self) -> set[tuple[PurePosixPath, str]]:
        """``(folder, name)`` of every file this job has put in place so far."""
        with self._lock:
            return set(self._written)

    def remove_created(self) -> None:
        """Remove the files this job created and then its folders, where they are empty."""
        with self._lock:
            created, made = list(self._created), list(self._made)
            self._created.clear()
        for folder, name in created:
            fd = self._folders.get(folder)
            if fd is not None:
                _unlink_quietly(name, fd)
        for relative in reversed(made):  # deepest first; rmdir never removes a non-empty one
            try:
                with open_dir(self._root, relative.parent, "destination") as parent:
                    os.rmdir(relative.name, dir_fd=parent)
            except (OSError, Conflict, Forbidden, StorageError):
                pass

    def close(self) -> None:
        with self._lock:
            folders, self._folders = list(self._folders.values()), {}
        for fd in folders:
            os.close(fd)


def _write_all(fd: int, data: bytes) -> None:
    """``data`` to a descriptor with plain ``write`` calls (no buffered file object per file)."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _write_error(item: PlannedFile, exc: OSError) -> StorageError:
    return StorageError(f"{item.api_path}: could not be written ({exc.strerror or 'I/O error'})")


def _open_error(exc: OSError, api: str) -> Forbidden | StorageError:
    if exc.errno in (errno.ELOOP, errno.ENOTDIR):  # a link or a file where a folder was
        return Forbidden(
            f"{api} was moved or replaced by a link during the download",
            fields={"destination": "changed during the download"},
        )
    return StorageError(f"{api}: {exc.strerror or 'cannot be opened'}")


def _unlink_quietly(name: str, folder: int) -> None:
    try:
        os.unlink(name, dir_fd=folder)
    except OSError:
        pass
