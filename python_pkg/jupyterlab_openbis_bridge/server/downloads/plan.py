"""What a download job fetches and where each file goes, looked up inside the job.

One ``getDataSets`` and one ``searchFiles`` per data set give status, sizes and CRC32s.
Each remote name is checked (openBIS is trusted for content, not for names), mapped to
its folder under the Jupyter root (in-root links of folders resolved once per folder,
the last name never followed), and checked against what is already there: a regular
file of the right size and CRC32 is *present* (a retry skips it), anything else in
the way is a conflict unless ``overwrite`` was asked for.
"""

from __future__ import annotations

import os
import stat
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from ...errors import BridgeError, Conflict, Forbidden, InvalidInput, NotFound, UpstreamError
from ...openbis_client import BridgeOpenbis
from ..browse import fetch_datasets_brief
from ..connections import ConnectionRegistry
from ..paths import open_file, parse_relative, real_relative
from .listing import list_files
from .request import DownloadRequest

DOWNLOADABLE_STATUSES = {"AVAILABLE", "LOCKED"}


@dataclass(frozen=True)
class PlannedFile:
    perm_id: str
    remote_path: str
    local: Path  # final location (absolute, inside the root; the last name is not resolved)
    api_path: str  # contents-API path of ``local``
    folder: PurePosixPath  # real folder of ``local``, relative to the real root
    size: int
    crc32: int | None

    @property
    def name(self) -> str:
        return self.local.name


@dataclass(frozen=True)
class DownloadPlan:
    files: tuple[PlannedFile, ...]  # to fetch
    present: tuple[PlannedFile, ...]  # already there, verified: skipped
    listing: list[dict[str, Any]]


class Planner:
    def __init__(self, registry: ConnectionRegistry, root: Path, *, allow_hidden: bool) -> None:
        self._registry = registry
        self._root = root
        self._real_root = Path(os.path.realpath(root))
        self._allow_hidden = allow_hidden

    def plan(self, request: DownloadRequest) -> DownloadPlan:
        briefs, files_by_dataset = self._registry.call(
            request.connection, lambda client: _lookup(client, request.perm_ids)
        )
        folders: dict[PurePosixPath, tuple[PurePosixPath, Path]] = {}
        planned: list[PlannedFile] = []
        listing: list[dict[str, Any]] = []
        for perm in request.perm_ids:
            _check_downloadable(perm, briefs[perm])
            entries = _select(files_by_dataset.get(perm, []), request.files)
            folder = request.destination if request.flatten else request.destination / perm
            mine = [
                item
                for entry in entries
                if (item := self._planned(perm, folder, entry, request, folders)) is not None
            ]
            planned.extend(mine)
            listing.append(
                {
                    "permId": perm,
                    "type": briefs[perm].get("type"),
                    "path": folder.as_posix(),
                    "files": [p.api_path for p in mine],
                    "size": sum(p.size for p in mine),
                }
            )
        seen: set[Path] = set()
        for item in planned:
            if item.local in seen:
                raise InvalidInput(f"two files would be written to {item.api_path}; do not flatten")
            seen.add(item.local)
        fetch, present = self._triage(planned, request.overwrite)
        return DownloadPlan(tuple(fetch), tuple(present), listing)

    def _planned(
        self,
        perm: str,
        folder: PurePosixPath,
        entry: dict[str, Any],
        request: DownloadRequest,
        folders: dict[PurePosixPath, tuple[PurePosixPath, Path]],
    ) -> PlannedFile | None:
        remote = entry["path"]
        relative = PurePosixPath(remote)
        if (
            not request.keep_original_folder
            and relative.parts[:1] == ("original",)
            and len(relative.parts) > 1
        ):
            relative = PurePosixPath(*relative.parts[1:])
        try:
            checked = parse_relative(
                relative.as_posix(), "remote file", allow_hidden=self._allow_hidden
            )
        except Forbidden:
            return None  # hidden files are not written when the server hides them
        except InvalidInput:
            raise UpstreamError(
                f"data set {perm} has a file name that cannot be stored safely"
            ) from None
        target = folder / checked
        if target.parent not in folders:  # one walk per folder, not per file
            real_folder = real_relative(self._root, target.parent, "destination")
            folders[target.parent] = (real_folder, self._real_root.joinpath(*real_folder.parts))
        real_folder, absolute_folder = folders[target.parent]
        size = entry.get("size")
        return PlannedFile(
            perm,
            remote,
            absolute_folder / target.name,
            target.as_posix(),
            real_folder,
            size if isinstance(size, int) else 0,
            entry.get("crc32"),
        )

    def _triage(
        self, planned: list[PlannedFile], overwrite: bool
    ) -> tuple[list[PlannedFile], list[PlannedFile]]:
        """Files to fetch and files already present; conflicts raise."""
        fetch: list[PlannedFile] = []
        present: list[PlannedFile] = []
        checked_folders: set[Path] = set()
        for item in planned:
            folder = item.local.parent
            if folder not in checked_folders:
                checked_folders.add(folder)
                blocking = next((p for p in [folder, *folder.parents] if _is_non_dir(p)), None)
                if blocking is not None:
                    raise Conflict(
                        f"{item.api_path} cannot be created: a file is in the way",
                        fields={"destination": "not a folder"},
                    )
            mode = _lstat_mode(item.local)
            if mode is None:
                fetch.append(item)
            elif stat.S_ISDIR(mode):
                raise Conflict(
                    f"{item.api_path} exists and is a folder", fields={"destination": "conflict"}
                )
            elif self.already_present(item):
                present.append(item)
            elif overwrite:
                fetch.append(item)
            else:
                raise Conflict(
                    f"{item.api_path} exists with different content; pass overwrite to replace it",
                    fields={"destination": "file exists"},
                )
        return fetch, present

    def already_present(self, item: PlannedFile) -> bool:
        """A regular file (not a link) of the right size and CRC32 is at the final name."""
        if item.crc32 is None:
            return False  # cannot verify, so fetch again
        mode = _lstat_mode(item.local)
        if mode is None or not stat.S_ISREG(mode):
            return False
        try:
            fd = open_file(self._root, item.folder / item.name, "destination")
        except (BridgeError, OSError):
            return False
        with os.fdopen(fd, "rb") as handle:
            if os.fstat(handle.fileno()).st_size != item.size:
                return False
            crc = 0
            while block := handle.read(1024 * 1024):
                crc = zlib.crc32(block, crc)
        return crc == item.crc32


def _lookup(
    client: BridgeOpenbis, perm_ids: tuple[str, ...]
) -> tuple[dict[str, dict[str, Any]], dict[str, list[dict[str, Any]]]]:
    briefs = fetch_datasets_brief(client, list(perm_ids))
    missing = [p for p in perm_ids if p not in briefs]
    if missing:
        raise NotFound(
            f"no data set {missing[0]!r}", fields={"permIds": f"unknown: {', '.join(missing)}"}
        )
    for perm in perm_ids:  # before the file listings: an archived data set lists nothing
        _check_downloadable(perm, briefs[perm])
    return briefs, {p: list_files(client, p) for p in perm_ids}


def _check_downloadable(perm: str, brief: dict[str, Any]) -> None:
    if brief.get("dataSetKind") == "LINK":
        raise Conflict(f"data set {perm} is a link to external data and has no files here")
    if brief.get("status") not in DOWNLOADABLE_STATUSES:
        raise Conflict(
            f"data set {perm} is {brief.get('status')}; ask openBIS to unarchive it first"
        )


def _select(entries: list[dict[str, Any]], wanted: tuple[str, ...] | None) -> list[dict[str, Any]]:
    """All files, or those equal to / below the requested paths (each must match something)."""
    if wanted is None:
        return entries
    chosen: list[dict[str, Any]] = []
    taken: set[str] = set()
    for path in wanted:
        prefix = path.rstrip("/") + "/"
        matches = [e for e in entries if e["path"] == path or e["path"].startswith(prefix)]
        if not matches:
            raise NotFound(
                f"the data set has no file {path!r}", fields={"files": f"unknown: {path}"}
            )
        for match in matches:
            if match["path"] not in taken:
                taken.add(match["path"])
                chosen.append(match)
    return chosen


def _lstat_mode(path: Path) -> int | None:
    try:
        return os.lstat(path).st_mode
    except OSError:
        return None


def _is_non_dir(path: Path) -> bool:
    try:
        return not stat.S_ISDIR(os.stat(path).st_mode)
    except OSError:
        return False  # missing: it will be created
