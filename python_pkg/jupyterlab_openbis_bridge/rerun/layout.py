"""Layout phase: put each input data set where the notebook read it.

The places come from the notebook's provenance (``metadata.openbis.downloads``, paths
relative to the notebook; see ``provenance_paths``). An input with no usable record goes
to the extension's default ``data/<permId>/`` beside the notebook. Records written before
paths were notebook-relative cannot be placed (the notebook's old location is unknown):
they get the default too, and the report says so.

A recorded path is untrusted input: it must stay inside the work folder. When records
step up from the notebook's folder (``../shared/x``), the notebook is placed that many
folders (named ``notebook``) below the work folder.
"""

from __future__ import annotations

import os
import posixpath
import shutil
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from ..provenance_paths import PATH_BASE, read_downloads
from .model import RerunFailed

PHASE = "fetch"
DEFAULT_FOLDER = "data"
# The folder name repeated below the work folder when records step up from the notebook's.
NOTEBOOK_FOLDER = "notebook"


@dataclass
class Layout:
    notebook_folder: Path  # where the notebook goes inside the work folder
    targets: dict[str, PurePosixPath]  # permId -> folder relative to the notebook
    keep_original: dict[str, bool]  # permId -> files keep their original/ prefix
    notes: list[str] = field(default_factory=list)


def _checked(path: str) -> PurePosixPath | None:
    """A recorded folder, normalised; None when it is absolute or empty."""
    if not path or path.startswith("/") or "\\" in path or "\x00" in path:
        return None
    normal = posixpath.normpath(path)
    return None if normal in (".", "") else PurePosixPath(normal)


def _depth(path: PurePosixPath) -> int:
    """How many folders ``path`` steps up from the notebook's folder at most."""
    level = deepest = 0
    for part in path.parts:
        level += -1 if part == ".." else 1
        deepest = max(deepest, -level)
    return deepest


def plan_layout(workdir: Path, notebook: Mapping[str, Any], inputs: list[str]) -> Layout:
    metadata = notebook.get("metadata") or {}
    records = {r["permId"]: r for r in read_downloads(metadata, "notebook.ipynb")}
    targets: dict[str, PurePosixPath] = {}
    keep: dict[str, bool] = {}
    notes: list[str] = []
    for perm in inputs:
        record = records.get(perm)
        target = None
        if record is None:
            notes.append(f"{perm}: no download record; placed in {DEFAULT_FOLDER}/{perm}/")
        elif (
            record.get("legacy") or record.get("pathBase") != PATH_BASE or _was_old(metadata, perm)
        ):
            notes.append(
                f"{perm}: recorded by an older version (path relative to the Jupyter root); "
                f"placed in {DEFAULT_FOLDER}/{perm}/"
            )
        else:
            target = _checked(str(record.get("path") or ""))
            if target is None:
                notes.append(f"{perm}: unusable recorded path; placed in {DEFAULT_FOLDER}/{perm}/")
        targets[perm] = target or PurePosixPath(DEFAULT_FOLDER, perm)
        keep[perm] = bool(record) and any(
            str(f.get("path", "")).startswith(f"{targets[perm].as_posix()}/original/")
            for f in record.get("files") or []
            if isinstance(f, Mapping)
        )
    depth = max((_depth(t) for t in targets.values()), default=0)
    folder = workdir.joinpath(*([NOTEBOOK_FOLDER] * depth)) if depth else workdir
    return Layout(folder, targets, keep, notes)


def _was_old(metadata: Mapping[str, Any], perm: str) -> bool:
    """Whether the stored record (before migration on read) had no ``pathBase``."""
    section = metadata.get("openbis")
    stored = section.get("downloads") if isinstance(section, Mapping) else None
    for record in stored if isinstance(stored, list) else []:
        if isinstance(record, Mapping) and record.get("permId") == perm:
            return record.get("pathBase") != PATH_BASE
    return False


def _check_inside(real_workdir: str, folder: Path, perm_id: str) -> None:
    if os.path.commonpath([real_workdir, os.path.realpath(folder)]) != real_workdir:
        raise RerunFailed(PHASE, f"{perm_id}: a recorded path leads outside the work folder")


def placements(
    downloaded: Path, layout: Layout, perm_id: str, workdir: Path
) -> list[tuple[Path, PurePosixPath]]:
    """Each downloaded file of ``perm_id`` (``downloaded/<openBIS paths>``) and its place,
    relative to ``workdir``; a place that leads outside the work folder is refused."""
    target = layout.notebook_folder.joinpath(*layout.targets[perm_id].parts)
    found = []
    for source in sorted(p for p in downloaded.rglob("*") if p.is_file()):
        relative = PurePosixPath(source.relative_to(downloaded).as_posix())
        if not layout.keep_original.get(perm_id) and relative.parts[:1] == ("original",):
            relative = PurePosixPath(*relative.parts[1:]) if len(relative.parts) > 1 else relative
        final = os.path.normpath(target.joinpath(*relative.parts))
        place = PurePosixPath(os.path.relpath(final, workdir).replace(os.sep, "/"))
        if place.is_absolute() or place.parts[:1] in (("..",), (".",)):
            raise RerunFailed(PHASE, f"{perm_id}: a recorded path leads outside the work folder")
        found.append((source, place))
    return found


def place_files(downloaded: Path, layout: Layout, perm_id: str, workdir: Path) -> int:
    """Move a downloaded data set (``downloaded/<openBIS paths>``) into place; returns files."""
    real_workdir = os.path.realpath(workdir)
    moved = 0
    for source, place in placements(downloaded, layout, perm_id, workdir):
        final = workdir.joinpath(*place.parts)
        _check_inside(real_workdir, final.parent, perm_id)  # before anything is created
        final.parent.mkdir(parents=True, exist_ok=True)
        _check_inside(real_workdir, Path(os.path.realpath(final.parent)), perm_id)
        shutil.move(str(source), final)
        moved += 1
    return moved
