"""Read-only view of a data set's file tree on disk.

Everything here is confined to one data-set folder: paths with ``..``, absolute
paths and symlinks that resolve outside the folder are treated as absent, so
no servlet can be talked into serving a file of another data set (or of the
host).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath


@dataclass(frozen=True)
class FileNode:
    """One node of a data-set tree; ``path`` is relative to the data-set root."""

    path: str
    absolute: Path
    directory: bool
    length: int


def _is_within(root: Path, candidate: Path) -> bool:
    try:
        candidate.relative_to(root)
    except ValueError:
        return False
    return True


def resolve_in_dataset(dataset_root: Path, relative_path: str) -> Path | None:
    """The real location of ``relative_path`` inside the data set, or None.

    None when the path is malformed, escapes the data set (lexically or through
    a symlink) or does not exist.
    """
    pure = PurePosixPath(relative_path)
    if pure.is_absolute() or ".." in pure.parts or "\\" in relative_path:
        return None
    root = dataset_root.resolve()
    candidate = (root / pure).resolve()
    if not _is_within(root, candidate) or not candidate.exists():
        return None
    return candidate


def walk_preorder(dataset_root: Path) -> Iterator[FileNode]:
    """Every node of the tree in pre-order, root (``""``) first, names sorted."""
    root = dataset_root.resolve()
    if not root.is_dir():
        return
    yield FileNode("", root, True, 0)
    yield from _walk_children(root, root, "")


def _walk_children(
    root: Path, directory: Path, prefix: str, seen: frozenset[Path] = frozenset()
) -> Iterator[FileNode]:
    """``directory`` is a real path inside ``root``. Only symlinks are resolved: any other
    entry is already where its name says, so it costs one ``stat`` (the length) at most,
    which keeps listing thousands of files quick."""
    try:
        entries = sorted(os.scandir(directory), key=lambda entry: entry.name)
    except OSError:
        return
    seen = seen | {directory}
    for entry in entries:
        relative = f"{prefix}{entry.name}"
        try:
            if entry.is_symlink():
                real = Path(entry.path).resolve()
                if not _is_within(root, real) or not real.exists():
                    continue  # dangling or escaping symlink: not part of the data set
                is_dir = real.is_dir()
            else:
                real = directory / entry.name
                is_dir = entry.is_dir(follow_symlinks=False)
            if is_dir:
                if real in seen:
                    continue  # a symlink back up the tree would never end
                yield FileNode(relative, real, True, 0)
                yield from _walk_children(root, real, relative + "/", seen)
            else:
                yield FileNode(relative, real, False, real.stat().st_size)
        except OSError:
            continue  # removed while listing


class DatasetView:
    """Lookups of many paths in one data set: each folder is resolved once, then a file in
    it costs one ``lstat`` (a symlink still resolves in full), with the confinement of
    ``resolve_in_dataset``."""

    def __init__(self, dataset_root: Path) -> None:
        self.root = dataset_root.resolve()
        self._folders: dict[PurePosixPath, Path | None] = {}

    def _folder(self, pure: PurePosixPath) -> Path | None:
        if pure not in self._folders:
            found = resolve_in_dataset(self.root, pure.as_posix())
            self._folders[pure] = found if found is not None and found.is_dir() else None
        return self._folders[pure]

    def files_under(self, relative_path: str) -> list[FileNode]:
        """As the module's ``files_under``."""
        pure = PurePosixPath(relative_path)
        if pure.is_absolute() or ".." in pure.parts or "\\" in relative_path:
            return []
        folder = self._folder(pure.parent) if pure.parts else None
        if folder is not None:
            try:
                info = os.lstat(folder / pure.name)
            except OSError:
                return []
            if stat.S_ISREG(info.st_mode):  # the common case: a plain file
                return [FileNode(str(pure), folder / pure.name, False, info.st_size)]
        return files_under(self.root, relative_path)


def files_under(dataset_root: Path, relative_path: str) -> list[FileNode]:
    """The files (not directories) at or below ``relative_path``, in pre-order."""
    target = resolve_in_dataset(dataset_root, relative_path)
    if target is None:
        return []
    if not target.is_dir():
        normalised = str(PurePosixPath(relative_path))
        return [FileNode(normalised, target, False, target.stat().st_size)]
    prefix = str(PurePosixPath(relative_path))
    prefix = "" if prefix == "." else prefix + "/"
    root = dataset_root.resolve()
    return [node for node in _walk_children(root, target, prefix) if not node.directory]


def to_signed_int32(value: int) -> int:
    """Java's ``int`` view of an unsigned CRC32, as openBIS serialises it."""
    return value - (1 << 32) if value >= (1 << 31) else value
