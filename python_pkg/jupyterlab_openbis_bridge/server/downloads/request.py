"""The body of ``POST .../downloads``, checked before a job exists (nothing is fetched)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from ...errors import InvalidInput
from ..browse import PERM_ID_RE
from ..paths import parse_relative, resolve_in_root
from ..settings import BridgeSettings

MAX_DOWNLOAD_DATASETS = 100
MAX_DOWNLOAD_PATHS = 1000  # entries of ``files``


@dataclass(frozen=True)
class DownloadRequest:
    connection: str
    perm_ids: tuple[str, ...]
    destination: PurePosixPath  # folder relative to the root; each data set gets <permId>/ below it
    files: tuple[str, ...] | None  # subset of data-set paths (single data set only)
    flatten: bool  # put the files of a single data set directly into ``destination``
    keep_original_folder: bool
    overwrite: bool
    keep_partial: bool  # a cancelled job leaves the verified files it wrote (for a later resume)


def parse_download_request(
    name: str, body: Mapping[str, Any], settings: BridgeSettings
) -> DownloadRequest:
    """Check a ``POST .../downloads`` body; nothing is fetched or written yet."""
    allowed = {
        "permIds",
        "files",
        "destination",
        "notebookPath",
        "flatten",
        "keepOriginalFolder",
        "overwrite",
        "keepPartial",
    }
    unknown = set(body) - allowed
    if unknown:
        raise InvalidInput("unknown fields", fields={k: "unknown field" for k in sorted(unknown)})
    perm_ids = body.get("permIds")
    if not isinstance(perm_ids, list) or not 1 <= len(perm_ids) <= MAX_DOWNLOAD_DATASETS:
        raise InvalidInput(
            f"permIds must list 1-{MAX_DOWNLOAD_DATASETS} data sets",
            fields={"permIds": "invalid"},
        )
    for index, perm in enumerate(perm_ids):
        if not isinstance(perm, str) or not PERM_ID_RE.fullmatch(perm):
            raise InvalidInput(
                "permIds must be data-set permIds", fields={f"permIds[{index}]": "not a permId"}
            )
    flags = {
        key: body.get(key, default)
        for key, default in (
            ("flatten", False),
            ("keepOriginalFolder", settings.keep_original_folder),
            ("overwrite", False),
            ("keepPartial", False),
        )
    }
    for key, value in flags.items():
        if not isinstance(value, bool):
            raise InvalidInput(f"{key} must be true or false", fields={key: "must be a boolean"})
    unique = tuple(dict.fromkeys(perm_ids))
    files = body.get("files")
    if files is not None:
        if len(unique) != 1:
            raise InvalidInput(
                "files can only be chosen for a single data set",
                fields={"files": "single data set only"},
            )
        if not isinstance(files, list) or not files or not all(isinstance(f, str) for f in files):
            raise InvalidInput(
                "files must be a non-empty list of paths", fields={"files": "invalid"}
            )
        files = list(dict.fromkeys(files))
        if len(files) > MAX_DOWNLOAD_PATHS:
            raise InvalidInput(
                f"files may list at most {MAX_DOWNLOAD_PATHS} paths",
                fields={"files": "too many entries"},
            )
        for index, path in enumerate(files):
            parse_relative(path, f"files[{index}]", allow_hidden=True)
    if flags["flatten"] and len(unique) != 1:
        raise InvalidInput(
            "flatten needs a single data set", fields={"flatten": "single data set only"}
        )
    destination = _destination(body, settings)
    return DownloadRequest(
        connection=name,
        perm_ids=unique,
        destination=destination,
        files=tuple(files) if files is not None else None,
        flatten=flags["flatten"],
        keep_original_folder=flags["keepOriginalFolder"],
        overwrite=flags["overwrite"],
        keep_partial=flags["keepPartial"],
    )


def _destination(body: Mapping[str, Any], settings: BridgeSettings) -> PurePosixPath:
    hidden = settings.allow_hidden
    # Checked even beside a destination: the job keeps it for recording a retry.
    notebook = (
        parse_relative(body["notebookPath"], "notebookPath", allow_hidden=hidden)
        if body.get("notebookPath") is not None
        else None
    )
    if body.get("destination") is not None:
        destination = parse_relative(
            body["destination"], "destination", allow_hidden=hidden, allow_empty=True
        )
    elif notebook is not None:
        destination = notebook.parent / settings.download_folder
    else:
        raise InvalidInput(
            "give a destination or the notebookPath", fields={"destination": "required"}
        )
    resolve_in_root(settings.root_dir, destination, "destination")
    return destination
