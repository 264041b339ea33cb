"""Read-only view of a data set's file tree on disk.

Everything here is confined to one data-set folder: paths with ``..``, absolute
paths and symlinks that resolve outside the folder are treated as absent, so
no servlet can be talked into serving a file of another data set (or of the
host).
"""

from __future__ import annotations

import os
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
    try:
        entries = sorted(os.scandir(directory), key=lambda entry: entry.name)
    except OSError:
        return
    seen = seen | {directory}
    for entry in entries:
        relative = f"{prefix}{entry.name}"
        real = Path(entry.path).resolve()
        if not _is_within(root, real) or not real.exists():
            continue  # dangling or escaping symlink: not part of the data set
        if real.is_dir():
            if real in seen:
                continue  # a symlink back up the tree would never end
            yield FileNode(relative, real, True, 0)
            yield from _walk_children(root, real, relative + "/", seen)
        else:
            yield FileNode(relative, real, False, real.stat().st_size)


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
