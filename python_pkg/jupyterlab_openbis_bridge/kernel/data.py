"""Download and load openBIS data sets from kernel code through the server companion.

The server does the transfer (verified, resumable, same layout as the Download
dialog) and the download is recorded in the notebook's metadata, so it becomes
a parent when the notebook is saved to openBIS.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
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


def load(
    perm_id: str,
    *,
    file: str | None = None,
    connection: str | None = None,
    **read_options: Any,
) -> Any:
    """Download a data set; a pandas DataFrame if it is (or ``file`` picks) one CSV/TSV file,
    else the list of local paths.
    """
    paths = download(perm_id, connection=connection).paths(perm_id)
    if file is not None:
        chosen = [p for p in paths if p.name == file or p.as_posix().endswith(f"/{file}")]
        if not chosen:
            raise FileNotFoundError(f"data set {perm_id} has no file {file!r}")
        paths = chosen
    # A table only when that is all there is: never drop the other files of a data set silently.
    if len(paths) != 1 or paths[0].suffix.lower() not in TABULAR:
        return paths
    import pandas

    options = {"sep": TABULAR[paths[0].suffix.lower()], **read_options}
    return pandas.read_csv(paths[0], **options)
