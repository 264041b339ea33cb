"""Download and load openBIS data sets from kernel code through the server companion.

The server does the transfer (verified, resumable, same layout as the Download
dialog) and the download is recorded in the notebook's metadata, so it becomes
a parent when the notebook is saved to openBIS.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from pathlib import Path, PurePosixPath
from typing import Any

from .client import BridgeAPIError, BridgeClient, as_list, get_client

TABULAR = {".csv": ",", ".tsv": "\t", ".tab": "\t"}


@dataclass
class DownloadResult:
    """What a download produced: ``dataSets`` as the server lists them, and local paths."""

    job: dict[str, Any]
    root: Path
    provenance: dict[str, Any] | None = None
    data_sets: list[dict[str, Any]] = field(init=False)

    def __post_init__(self) -> None:
        self.data_sets = list((self.job.get("result") or {}).get("dataSets", []))

    def paths(self, perm_id: str | None = None) -> list[Path]:
        return [
            self.root.joinpath(*api_path.split("/"))
            for entry in self.data_sets
            if perm_id is None or entry["permId"] == perm_id
            for api_path in entry["files"]
        ]

    def folder(self, perm_id: str) -> Path:
        """The local folder the data set's files were written below."""
        for entry in self.data_sets:
            if entry["permId"] == perm_id:
                return self.root.joinpath(*str(entry["path"]).split("/"))
        raise KeyError(perm_id)

    def __repr__(self) -> str:
        files = sum(len(e["files"]) for e in self.data_sets)
        return f"<DownloadResult {len(self.data_sets)} data set(s), {files} file(s)>"


def to_api_path(client: BridgeClient, destination: str | os.PathLike[str]) -> str:
    """A path as kernel code means it (relative to the working directory) → contents path."""
    root = client.server.root_dir.resolve()
    target = (Path.cwd() / destination).resolve()
    try:
        relative = target.relative_to(root)
    except ValueError:
        raise ValueError(f"{destination} is outside the Jupyter root {root}") from None
    return PurePosixPath(*relative.parts).as_posix()


def job_error(job: dict[str, Any]) -> BridgeAPIError:
    error = job.get("error") or {}
    return BridgeAPIError(
        0,
        str(error.get("reason") or job["state"]),
        str(error.get("message") or f"the job {job['state']}"),
        error.get("fields"),
    )


def start_download(
    perm_ids: str | Sequence[str],
    *,
    connection: str | None = None,
    destination: str | os.PathLike[str] | None = None,
    files: Sequence[str] | None = None,
    overwrite: bool = False,
    client: BridgeClient | None = None,
) -> tuple[str, dict[str, Any]]:
    """Start a download job; returns (connection, job). Bad requests fail here."""
    client = client or get_client()
    name = client.resolve_connection(connection)
    body: dict[str, Any] = {"permIds": as_list(perm_ids), "overwrite": overwrite}
    if files is not None:
        body["files"] = list(files)
    if destination is not None:
        body["destination"] = to_api_path(client, destination)
    else:
        notebook = client.notebook_path()
        if notebook is not None:
            body["notebookPath"] = notebook  # the server's default: <notebook folder>/data
        else:
            body["destination"] = to_api_path(client, "data")
    return name, client.start_download(name, body)


def finish_download(
    job: dict[str, Any], *, record: bool = True, client: BridgeClient | None = None
) -> DownloadResult:
    """Check a finished job and record it in the notebook's metadata."""
    client = client or get_client()
    if job["state"] != "succeeded":
        raise job_error(job)
    provenance = client.record_job(job["id"]) if record else None
    return DownloadResult(job, client.server.root_dir, provenance)


def download(
    perm_ids: str | Sequence[str],
    *,
    connection: str | None = None,
    destination: str | os.PathLike[str] | None = None,
    files: Sequence[str] | None = None,
    overwrite: bool = False,
    record: bool = True,
    timeout: float | None = None,
    on_progress: Callable[[dict[str, Any]], None] | None = None,
) -> DownloadResult:
    """Download data sets into ``<notebook folder>/data/<permId>/`` (or ``destination``).

    Files already present with the right checksum are skipped, so running a cell
    again is cheap. The download is recorded in the notebook's metadata.
    """
    client = get_client()
    _, job = start_download(
        perm_ids,
        connection=connection,
        destination=destination,
        files=files,
        overwrite=overwrite,
        client=client,
    )
    done = client.wait_job(job["id"], timeout=timeout, on_progress=on_progress)
    return finish_download(done, record=record, client=client)


def select_files(entries: Sequence[dict[str, Any]], wanted: str | Sequence[str]) -> list[str]:
    """openBIS paths of the files ``wanted`` names: each name or glob pattern matches a file's
    path in the data set (``original/plots/fit.csv``) or its end (``plots/fit.csv``, ``fit.csv``,
    ``*.csv``); each must match at least one file."""
    names = [wanted] if isinstance(wanted, str) else list(wanted)
    if not names:
        raise ValueError("files= names no file")
    chosen: list[str] = []
    for name in names:
        matches = [e["path"] for e in entries if _matches(str(e["path"]), name)]
        if not matches:
            known = ", ".join(_local_name(str(e["path"])) for e in entries) or "none"
            raise FileNotFoundError(f"no file matches {name!r} (the data set has: {known})")
        chosen.extend(m for m in matches if m not in chosen)
    return chosen


def _local_name(remote: str) -> str:
    """Where a data-set file lands below its folder (the server drops a leading ``original/``)."""
    parts = PurePosixPath(remote).parts
    return PurePosixPath(*parts[1:]).as_posix() if parts[:1] == ("original",) else remote


def _matches(remote: str, name: str) -> bool:
    """``name`` matches the whole path or its end: ``fit.csv``, ``plots/fit.csv``, ``*.csv``."""
    parts = PurePosixPath(remote).parts
    return any(fnmatchcase("/".join(parts[i:]), name) for i in range(len(parts)))


def read_table(path: Path, **read_options: Any) -> Any:
    import pandas

    options = {"sep": TABULAR[path.suffix.lower()], **read_options}
    return pandas.read_csv(path, **options)


def load(
    perm_id: str,
    *,
    files: str | Sequence[str] | None = None,
    file: str | None = None,
    connection: str | None = None,
    **read_options: Any,
) -> Any:
    """Download a data set (or the files ``files`` selects) and read what can be read.

    * one CSV/TSV file: a pandas ``DataFrame``;
    * several files, all CSV/TSV: a ``dict`` of file name (path below the data set's
      folder, e.g. ``"plots/fit.csv"``) to ``DataFrame``, in name order;
    * otherwise (any file that is not CSV/TSV, or no file): the ``list`` of local paths,
      so no file of the selection is dropped silently.

    ``files`` takes a name or a list of names and glob patterns (``"*.csv"``), matched
    against each file's path in openBIS or its end (``"plots/fit.csv"``, ``"fit.csv"``);
    only the selected files are downloaded. ``file="x"`` is ``files=["x"]``.
    ``read_options`` go to ``pandas.read_csv``.
    """
    if file is not None:
        if files is not None:
            raise TypeError("give files= or file=, not both")
        files = [file]
    client = get_client()
    chosen = None
    if files is not None:
        name = client.resolve_connection(connection)
        entries = client.dataset(name, perm_id).get("files") or []
        chosen, connection = select_files(entries, files), name
    result = download(perm_id, connection=connection, files=chosen)
    paths = result.paths(perm_id)
    if not paths or any(p.suffix.lower() not in TABULAR for p in paths):
        return paths
    if len(paths) == 1:
        return read_table(paths[0], **read_options)
    folder = result.folder(perm_id)
    tables = {p.relative_to(folder).as_posix(): p for p in paths}
    return {key: read_table(tables[key], **read_options) for key in sorted(tables)}
