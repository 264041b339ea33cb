"""Confinement of client-supplied paths to the Jupyter root directory.

Paths arrive contents-API style (``dir/sub/file``, relative to the server
root). Everything is checked lexically first (cheap, gives precise messages)
and then against the real file system, so a symlink cannot lead outside.

Checking a path and then opening it by name leaves a window in which a folder
can be swapped for a symlink. Reads and writes therefore go through
``open_dir`` / ``open_file``: they walk down from a descriptor of the root one
component at a time with ``O_NOFOLLOW``, so whatever is opened lies under the
root by construction. Symlinks *inside* the root are resolved once, when a
request is checked (``real_relative``); the descriptor walk then follows the
resolved names and refuses any link met on the way. ``replace_file`` writes a
whole file the same way: a temporary file made in the opened folder, renamed over
the name within it.
"""

from __future__ import annotations

import errno
import os
import re
import secrets
import stat
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from ..errors import Conflict, Forbidden, InvalidInput, StorageError

MAX_PATH_LENGTH = 1024
MAX_SEGMENT_BYTES = 255
# Percent-encoded separators or dots are never needed in a JSON body: they only
# show up when someone tries to smuggle a traversal past a decoder.
_ENCODED_TRICKS = re.compile(r"%(2f|5c|2e|00)", re.IGNORECASE)
# A first segment such as ``file:`` or ``https:``: a URL pasted where a path belongs.
_URL_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")
# Control, format (e.g. RTL override), surrogate, private-use, unassigned, line/paragraph separators.
_REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


def check_name(raw: str, field: str) -> None:
    """Refuse characters that make a file name misleading or unsafe."""
    for ch in raw:
        if unicodedata.category(ch) in _REFUSED_CATEGORIES:
            raise InvalidInput(
                f"{field} contains a control or invisible character",
                fields={field: "invalid character"},
            )
    if len(raw.encode("utf-8")) > MAX_SEGMENT_BYTES:
        raise InvalidInput(f"{field} has a name that is too long", fields={field: "name too long"})


def parse_relative(
    raw: object, field: str, *, allow_hidden: bool, allow_empty: bool = False
) -> PurePosixPath:
    """Validate an API path lexically; returns it normalised (no leading slash, no ``.``)."""
    if not isinstance(raw, str):
        raise InvalidInput(f"{field} must be a string", fields={field: "must be a string"})
    if raw == "" and allow_empty:
        return PurePosixPath()
    if not raw or len(raw) > MAX_PATH_LENGTH:
        raise InvalidInput(
            f"{field} must be 1-{MAX_PATH_LENGTH} characters", fields={field: "bad length"}
        )
    if raw.startswith(("/", "~")) or re.match(r"^[A-Za-z]:", raw):
        raise InvalidInput(
            f"{field} must be relative to the Jupyter root", fields={field: "absolute path"}
        )
    if "\\" in raw or _ENCODED_TRICKS.search(raw):
        raise InvalidInput(
            f"{field} contains an escaped or foreign separator", fields={field: "invalid path"}
        )
    parts = [part for part in raw.split("/") if part not in ("", ".")]
    if parts and _URL_SCHEME.fullmatch(parts[0]):
        raise InvalidInput(
            f"{field} looks like a URL; give a path relative to the Jupyter root",
            fields={field: "not a path"},
        )
    if not parts and not allow_empty:
        raise InvalidInput(f"{field} is empty", fields={field: "empty path"})
    for part in parts:
        if part == "..":
            raise InvalidInput(f"{field} must not contain '..'", fields={field: "parent reference"})
        if not part.strip():
            raise InvalidInput(
                f"{field} has a name made only of spaces", fields={field: "blank name"}
            )
        check_name(part, field)
        if part.startswith(".") and not allow_hidden:
            raise Forbidden(
                f"{field} refers to a hidden file or folder", fields={field: "hidden path"}
            )
    return PurePosixPath(*parts)


def resolve_in_root(root: Path, relative: PurePosixPath, field: str) -> Path:
    """The absolute location of ``relative`` under ``root``; refuses any escape, including via symlinks."""
    real_root = Path(os.path.realpath(root))
    candidate = Path(os.path.realpath(real_root.joinpath(*relative.parts)))
    if candidate != real_root and real_root not in candidate.parents:
        raise Forbidden(f"{field} leads outside the Jupyter root", fields={field: "outside root"})
    return candidate


def confined(
    root: Path, raw: object, field: str, *, allow_hidden: bool, allow_empty: bool = False
) -> tuple[str, Path]:
    """Parse and resolve in one step: returns the normalised API path and the real path."""
    relative = parse_relative(raw, field, allow_hidden=allow_hidden, allow_empty=allow_empty)
    return relative.as_posix() if relative.parts else "", resolve_in_root(root, relative, field)


def api_path(root: Path, absolute: Path) -> str:
    """The contents-API path of a location under ``root``."""
    return Path(os.path.realpath(absolute)).relative_to(Path(os.path.realpath(root))).as_posix()


def real_relative(root: Path, relative: PurePosixPath, field: str) -> PurePosixPath:
    """``relative`` with in-root symlinks resolved, as a path relative to the real root."""
    real_root = Path(os.path.realpath(root))
    return PurePosixPath(resolve_in_root(root, relative, field).relative_to(real_root).as_posix())


# --- descriptor-based access: nothing outside the root is ever opened ----------------------

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
# ELOOP: a symlink where a real name was expected; ENOTDIR: a file (or, with O_DIRECTORY, a link).
_LINK_ERRORS = frozenset({errno.ELOOP, errno.ENOTDIR, errno.EMLINK})  # EMLINK: BSD's ELOOP


def _moved(field: str, api: str) -> Forbidden:
    return Forbidden(
        f"{api or 'the Jupyter root'} changed or is a symbolic link; it was not used",
        fields={field: "symbolic link or changed"},
    )


@contextmanager
def open_dir(
    root: Path, relative: PurePosixPath, field: str, *, create: bool = False
) -> Iterator[int]:
    """A descriptor of the folder ``relative`` (real names, under ``root``), opened without
    following any link; with ``create``, missing folders are made on the way down."""
    fd = os.open(os.path.realpath(root), os.O_RDONLY | _DIRECTORY | _CLOEXEC)
    try:
        for index, name in enumerate(relative.parts):
            api = "/".join(relative.parts[: index + 1])
            if create:
                try:
                    os.mkdir(name, 0o777, dir_fd=fd)
                except FileExistsError:
                    pass
            try:
                child = os.open(name, os.O_RDONLY | _DIRECTORY | _NOFOLLOW | _CLOEXEC, dir_fd=fd)
            except FileNotFoundError:
                raise Conflict(f"{api} does not exist", fields={field: "not found"}) from None
            except OSError as exc:
                if exc.errno in _LINK_ERRORS:
                    raise _moved(field, api) from None
                raise StorageError(f"{api}: {exc.strerror or 'cannot be opened'}") from None
            os.close(fd)
            fd = child
        yield fd
    finally:
        os.close(fd)


def same_dir(root: Path, relative: PurePosixPath, fd: int) -> bool:
    """Whether ``relative`` (walked without links) is still the folder open as ``fd``."""
    try:
        with open_dir(root, relative, "destination") as again:
            now, held = os.fstat(again), os.fstat(fd)
    except (Forbidden, Conflict, StorageError):
        return False
    return (now.st_dev, now.st_ino) == (held.st_dev, held.st_ino)


def open_file(root: Path, relative: PurePosixPath, field: str) -> int:
    """A read-only descriptor of the regular file ``relative`` (real names), no link followed."""
    if not relative.parts:
        raise InvalidInput(f"{field} is not a file", fields={field: "not a file"})
    with open_dir(root, relative.parent, field) as folder:
        try:
            # O_NONBLOCK: a FIFO put in place of the file must not hang the worker.
            flags = os.O_RDONLY | _NOFOLLOW | _CLOEXEC | os.O_NONBLOCK
            fd = os.open(relative.name, flags, dir_fd=folder)
        except FileNotFoundError:
            raise Conflict(
                f"{relative.as_posix()} no longer exists", fields={field: "not found"}
            ) from None
        except OSError as exc:
            if exc.errno in _LINK_ERRORS:
                raise _moved(field, relative.as_posix()) from None
            raise
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise Forbidden(
            f"{relative.as_posix()} is not a regular file", fields={field: "not a file"}
        )
    return fd


_CREATE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC


def replace_file(
    root: Path,
    folder: PurePosixPath,
    name: str,
    data: bytes,
    field: str,
    *,
    before_rename: Callable[[], None] | None = None,
) -> None:
    """Write ``data`` as ``folder/name`` (real names under ``root``), atomically, through no link.

    The folder is opened from the root without following links; a hidden temporary file is
    created in it with ``O_EXCL | O_NOFOLLOW``, written, fsynced and renamed over ``name``
    within that folder. A link at ``name`` is replaced, never followed; a regular file there
    keeps its permission bits. When the folder was moved or swapped for a link meanwhile,
    nothing is renamed (``Conflict``) and the temporary file is removed.
    ``before_rename`` runs once the data is on disk, before that check and the rename.
    """
    api = (folder / name).as_posix()
    temp = f".openbis-{secrets.token_hex(6)}.tmp"
    with open_dir(root, folder, field) as fd:
        try:
            out = os.open(temp, _CREATE_FLAGS, 0o666, dir_fd=fd)
        except OSError as exc:
            raise StorageError(
                f"{api}: could not be written ({exc.strerror or 'I/O error'})"
            ) from None
        try:
            with os.fdopen(out, "wb") as handle:
                mode = _regular_mode(name, fd)
                if mode is not None:
                    os.fchmod(handle.fileno(), mode)
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            if before_rename is not None:
                before_rename()
            if not same_dir(root, folder, fd):
                raise Conflict(
                    f"{api}: the folder was moved or replaced while it was written; "
                    "nothing was written",
                    fields={field: "changed during the write"},
                )
            os.replace(temp, name, src_dir_fd=fd, dst_dir_fd=fd)
        except BaseException as exc:
            try:
                os.unlink(temp, dir_fd=fd)
            except OSError:
                pass
            if isinstance(exc, OSError):
                raise StorageError(
                    f"{api}: could not be written ({exc.strerror or 'I/O error'})"
                ) from None
            raise
        try:
            os.fsync(fd)  # make the rename itself durable
        except OSError:
            pass  # the file is in place; some file systems cannot sync a folder


def _regular_mode(name: str, folder: int) -> int | None:
    """The permission bits of the regular file ``name`` in ``folder`` (a link is not followed)."""
    try:
        info = os.stat(name, dir_fd=folder, follow_symlinks=False)
    except OSError:
        return None
    return stat.S_IMODE(info.st_mode) if stat.S_ISREG(info.st_mode) else None
