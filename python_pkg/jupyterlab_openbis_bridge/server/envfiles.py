"""``requirements.txt`` and ``runtime.txt``: staged per save, or written beside a notebook.

The content is captured in the kernel; the server only checks it and chooses the
(fixed) file names. A save request carries it as ``environment`` (``parse_environment``):
the files are then written into a private temporary folder for that one save
(``staged_environment``), uploaded from there and removed, so nothing in the user's
folder is written or overwritten and two notebooks in one folder never share them.

``POST env-files`` (``plan_env_files``/``write_env_files``) still writes them beside
the notebook for a user who asks for that; saving no longer needs it.

A link at a file name is refused (``check_target``), wherever it points. With
Jupyter's file-based ContentsManager (the usual case) the files are then written
by us, not through the ContentsManager, which opens by name and would follow a
link swapped in after the check: ``paths.replace_file`` walks down from the root
without following links, writes a temporary file in the opened folder and renames
it there. The ContentsManager's save hooks and its save event still run, so the
result is the same for users. Any other ContentsManager (not on local disk, so no
link can be swapped in under the root) is still written through.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import stat
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import Any

from jupyter_core.utils import ensure_async
from jupyter_server.services.contents.filemanager import FileContentsManager

from ..errors import Forbidden, InvalidInput
from .paths import parse_relative, real_relative, replace_file, resolve_in_root

REQUIREMENTS_NAME = "requirements.txt"
RUNTIME_NAME = "runtime.txt"
MAX_REQUIREMENTS_CHARS = 512 * 1024
MAX_RUNTIME_CHARS = 200

# For tests: called with a file's API path once it is checked and before it is written
# (by us: once its bytes are on disk, just before the rename), so a test can swap things.
hold_before_write: Callable[[str], None] | None = None


def _text(value: Any, field: str, limit: int, *, single_line: bool) -> str:
    if not isinstance(value, str):
        raise InvalidInput(f"{field} must be a string", fields={field: "must be a string"})
    if len(value) > limit:
        raise InvalidInput(f"{field} is too long", fields={field: f"at most {limit} characters"})
    allowed = "\t" if single_line else "\t\n\r"
    if any((ord(ch) < 32 and ch not in allowed) or ord(ch) == 0x7F for ch in value):
        raise InvalidInput(
            f"{field} contains control characters", fields={field: "control characters"}
        )
    if single_line and value.strip() and "\n" in value.strip():
        raise InvalidInput(f"{field} must be one line", fields={field: "one line"})
    return value if value.endswith("\n") or not value else value + "\n"


ENVIRONMENT_FILES = {"requirements": REQUIREMENTS_NAME, "runtime": RUNTIME_NAME}


def parse_environment(value: Any) -> dict[str, str]:
    """A save request's ``environment``: ``{file name: text}`` (empty when not given)."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise InvalidInput(
            "environment must be an object", fields={"environment": "requirements and/or runtime"}
        )
    unknown = set(value) - set(ENVIRONMENT_FILES)
    if unknown:
        raise InvalidInput(
            "unknown fields", fields={f"environment.{k}": "unknown field" for k in sorted(unknown)}
        )
    files = {}
    for key, name in ENVIRONMENT_FILES.items():
        if value.get(key) is not None:
            limit = MAX_REQUIREMENTS_CHARS if key == "requirements" else MAX_RUNTIME_CHARS
            files[name] = _text(
                value[key], f"environment.{key}", limit, single_line=key == "runtime"
            )
    return files


@contextmanager
def staged_environment(files: dict[str, str]) -> Iterator[Path | None]:
    """A private folder holding ``files`` for one save; removed afterwards (None if empty)."""
    if not files:
        yield None
        return
    folder = Path(tempfile.mkdtemp(prefix="openbis-bridge-env-"))  # mode 0700
    try:
        for name, text in files.items():
            (folder / name).write_text(text, encoding="utf-8")
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def plan_env_files(body: dict[str, Any], *, allow_hidden: bool) -> dict[str, str]:
    """Validate a request; returns ``{contents-API path: text}`` for the files to write."""
    unknown = set(body) - {"notebookPath", "requirements", "runtime"}
    if unknown:
        raise InvalidInput("unknown fields", fields={k: "unknown field" for k in sorted(unknown)})
    notebook = parse_relative(body.get("notebookPath"), "notebookPath", allow_hidden=allow_hidden)
    if notebook.suffix != ".ipynb":
        raise InvalidInput(
            "notebookPath must name a notebook", fields={"notebookPath": "not a notebook"}
        )
    folder = notebook.parent
    files: dict[str, str] = {}
    if body.get("requirements") is not None:
        files[(folder / REQUIREMENTS_NAME).as_posix()] = _text(
            body["requirements"], "requirements", MAX_REQUIREMENTS_CHARS, single_line=False
        )
    if body.get("runtime") is not None:
        files[(folder / RUNTIME_NAME).as_posix()] = _text(
            body["runtime"], "runtime", MAX_RUNTIME_CHARS, single_line=True
        )
    if not files:
        raise InvalidInput(
            "nothing to write", fields={"requirements": "give requirements and/or runtime"}
        )
    return {path.removeprefix("./"): text for path, text in files.items()}


def check_target(root: Path, path: str) -> None:
    """The file ``path`` may be written: its folder is inside the root and it is not a link."""
    relative = PurePosixPath(path)
    resolve_in_root(root, relative.parent, "notebookPath")
    try:
        mode = os.lstat(Path(root).joinpath(*relative.parts)).st_mode
    except FileNotFoundError:
        return
    except OSError:
        mode = 0
    if stat.S_ISLNK(mode) or (mode and not stat.S_ISREG(mode)):
        raise Forbidden(
            f"{path} is a symbolic link or not a regular file; it is not written through",
            fields={"notebookPath": f"{relative.name} is not a regular file"},
        )


def is_file_based(contents_manager: Any, root: Path) -> bool:
    """Whether ``contents_manager`` keeps its files on local disk under ``root``."""
    if not isinstance(contents_manager, FileContentsManager):  # the async one derives from it
        return False
    return os.path.realpath(contents_manager.root_dir) == os.path.realpath(root)


async def write_env_files(root: Path, files: dict[str, str], contents_manager: Any) -> list[str]:
    """Write the planned ``files`` (one folder); returns their API paths."""
    folder = PurePosixPath(next(iter(files))).parent
    if not os.path.isdir(resolve_in_root(root, folder, "notebookPath")):
        raise InvalidInput(
            "the notebook's folder does not exist", fields={"notebookPath": "no such folder"}
        )
    direct = is_file_based(contents_manager, root)
    written = []
    for path, text in files.items():
        check_target(root, path)  # no link written through
        model: dict[str, Any] = {"type": "file", "format": "text", "content": text}
        if direct:
            await _write_directly(root, path, model, contents_manager)
        else:
            _hold(path)
            await ensure_async(contents_manager.save(model, path))
        written.append(path)
    return written


async def _write_directly(root: Path, path: str, model: dict[str, Any], manager: Any) -> None:
    """What ``FileContentsManager.save`` does for a text file, without following any link."""
    manager.run_pre_save_hooks(model=model, path=path)
    relative = PurePosixPath(path)
    real_folder = real_relative(root, relative.parent, "notebookPath")
    await asyncio.to_thread(
        replace_file,
        root,
        real_folder,
        relative.name,
        str(model["content"]).encode("utf-8"),
        "notebookPath",
        before_rename=lambda: _hold(path),
    )
    saved = await ensure_async(manager.get(path, content=False))
    os_path = os.path.join(os.path.realpath(root), *real_folder.parts, relative.name)
    manager.run_post_save_hooks(model=saved, os_path=os_path)
    manager.emit(data={"action": "save", "path": path})


def _hold(path: str) -> None:
    if hold_before_write is not None:
        hold_before_write(path)
