"""Per-session upload workspaces: ``<data_dir>/workspace/<token>/``.

The real DSS keeps one session workspace per session token; uploads land there
and ``createUploadedDataSet`` moves them into the store. The workspace is
deleted when the session ends (the AS ``logout`` calls ``delete_workspace``).
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from ..context import SandboxContext


class WorkspacePathError(ValueError):
    """A client-supplied path that would leave the session workspace."""


def workspace_root(ctx: SandboxContext) -> Path:
    return Path(ctx.data_dir) / "workspace"


def session_workspace(ctx: SandboxContext, token: str) -> Path:
    """The workspace folder of ``token`` (not created here)."""
    if not token or "/" in token or "\\" in token or token in (".", ".."):
        raise WorkspacePathError(f"Invalid session token '{token}'")
    return workspace_root(ctx) / token


def resolve_workspace_path(ctx: SandboxContext, token: str, relative: str) -> Path:
    """``relative`` inside the session workspace; refuses ``..`` and escapes.

    Leading slashes are dropped, as Java's ``new File(parent, child)`` does.
    Symlinks already present in the workspace may not lead outside of it.
    """
    pure = PurePosixPath(relative.lstrip("/"))
    if not relative.strip("/") or ".." in pure.parts or "\\" in relative:
        raise WorkspacePathError(f"Invalid file name '{relative}'")
    root = session_workspace(ctx, token)
    root.mkdir(parents=True, exist_ok=True)
    real_root = root.resolve()
    candidate = (real_root / pure).resolve()
    try:
        candidate.relative_to(real_root)
    except ValueError:
        raise WorkspacePathError(f"Invalid file name '{relative}'") from None
    return candidate


def delete_workspace(ctx: SandboxContext, token: str) -> None:
    """Remove the session workspace of ``token``; a no-op if there is none."""
    try:
        folder = session_workspace(ctx, token)
    except WorkspacePathError:
        return
    shutil.rmtree(folder, ignore_errors=True)


class FileLocks:
    """One lock per file path, dropped again once nobody holds or waits for it.

    Slices of one file are written concurrently by pybis's upload threads; the
    lock keeps each ``pwrite`` (and the file's creation) atomic with respect to
    the others, like the real servlet's per-file synchronisation.
    """

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._locks: dict[Path, tuple[threading.Lock, int]] = {}

    @contextmanager
    def hold(self, path: Path) -> Iterator[None]:
        with self._guard:
            lock, users = self._locks.get(path, (threading.Lock(), 0))
            self._locks[path] = (lock, users + 1)
        try:
            with lock:
                yield
        finally:
            with self._guard:
                lock, users = self._locks[path]
                if users == 1:
                    del self._locks[path]
                else:
                    self._locks[path] = (lock, users - 1)
