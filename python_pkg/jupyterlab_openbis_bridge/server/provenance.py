"""Download records for notebook metadata, in the shape the frontend writes.

Mirrors ``src/metadata.ts``: ``metadata.openbis.downloads`` holds one record per data set,
``{instance, connection, permId, type, path, pathBase, files: [{path, size, crc32}], size,
time}`` with ``path`` and the files' paths relative to the notebook's folder
(``pathBase: "notebook"``, see ``provenance_paths``); a data set downloaded again replaces its
record. ``metadata.datasets`` (earlier openBIS extensions) is no longer written: its entry for a
data set recorded here is removed, the others are kept as they are. ``metadata.openbis.uploads``
holds ``{instance, connection, permId, url, type, owner, parents, time}``.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterable, Mapping
from datetime import datetime, timezone
from typing import Any

from ..provenance_paths import migrate_download

MAX_PENDING_PER_NOTEBOOK = 500


def _iso_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def download_records(
    connection: str,
    instance: str,
    listing: Iterable[Mapping[str, Any]],
    details: Mapping[str, Mapping[str, Any]],
    now: str | None = None,
    notebook_path: str | None = None,
) -> list[dict[str, Any]]:
    """One record per downloaded data set; sizes and CRC32s as openBIS reported them.

    ``listing`` paths are relative to the Jupyter root; with ``notebook_path`` the records
    hold them relative to that notebook's folder (else they are root-relative, unmarked, and
    are migrated when merged into a notebook).
    """
    stamp = now or _iso_now()
    records = []
    for entry in listing:
        perm = entry["permId"]
        known = {}
        for info in details.get(perm, {}).get("files", []):
            relative = str(info.get("path", ""))
            value = {"size": info.get("size"), "crc32": info.get("crc32")}
            known[relative] = value
            known.setdefault(relative.removeprefix("original/"), value)
        prefix = f"{entry['path']}/"
        files = []
        for path in entry.get("files", []):
            relative = path[len(prefix) :] if path.startswith(prefix) else path
            match = known.get(relative) or known.get(relative.removeprefix("original/")) or {}
            files.append({"path": path, "size": match.get("size"), "crc32": match.get("crc32")})
        records.append(
            {
                "instance": instance,
                "connection": connection,
                "permId": perm,
                "type": entry.get("type"),
                "path": entry["path"],
                "files": files,
                "size": entry.get("size", 0),
                "time": stamp,
            }
        )
    if notebook_path is None:
        return records
    return [migrate_download(record, notebook_path) for record in records]


def upload_record(
    connection: str, instance: str, result: Mapping[str, Any], now: str | None = None
) -> dict[str, Any]:
    owner = result.get("owner")
    return {
        "instance": instance,
        "connection": connection,
        "permId": result["permId"],
        "url": result.get("url"),
        "type": result.get("type"),
        "owner": owner.get("identifier") if isinstance(owner, dict) else owner,
        "parents": list(result.get("parents") or []),
        "time": now or _iso_now(),
    }


def _openbis_section(metadata: dict[str, Any]) -> dict[str, Any]:
    current = metadata.get("openbis") if isinstance(metadata.get("openbis"), dict) else {}
    return {
        **current,
        "downloads": current.get("downloads") if isinstance(current.get("downloads"), list) else [],
        "uploads": current.get("uploads") if isinstance(current.get("uploads"), list) else [],
    }


def merge_uploads(metadata: dict[str, Any], records: list[dict[str, Any]]) -> None:
    section = _openbis_section(metadata)
    metadata["openbis"] = {**section, "uploads": section["uploads"] + records}


def merge_downloads(
    metadata: dict[str, Any], records: list[dict[str, Any]], notebook_path: str | None = None
) -> None:
    """Add ``records`` to notebook ``metadata`` in place (same rules as ``recordDownloads``).

    With ``notebook_path``, every record (old ones too) ends up notebook-relative.
    """
    section = _openbis_section(metadata)
    replaced = {r["permId"] for r in records}
    kept = [
        d for d in section["downloads"] if not (isinstance(d, dict) and d.get("permId") in replaced)
    ]
    merged = kept + records
    if notebook_path is not None:
        merged = [migrate_download(d, notebook_path) if isinstance(d, dict) else d for d in merged]
    metadata["openbis"] = {**section, "downloads": merged}
    legacy = metadata.get("datasets")
    if isinstance(legacy, dict):
        recorded = {d.get("permId") for d in merged if isinstance(d, dict)}
        remaining = {k: v for k, v in legacy.items() if k not in recorded}
        if remaining:
            metadata["datasets"] = remaining
        else:
            del metadata["datasets"]


class PendingRecords:
    """Records waiting for an open notebook's frontend to merge them (in memory only)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_path: dict[str, list[dict[str, Any]]] = {}

    def add(self, path: str, kind: str, records: list[dict[str, Any]]) -> list[str]:
        entries = [
            {"id": uuid.uuid4().hex, "kind": kind, "created": time.time(), "record": r}
            for r in records
        ]
        with self._lock:
            queue = self._by_path.setdefault(path, [])
            queue.extend(entries)
            del queue[:-MAX_PENDING_PER_NOTEBOOK]  # bounded: a frontend may never come
        return [e["id"] for e in entries]

    def list(self, path: str, kind: str) -> list[dict[str, Any]]:
        with self._lock:
            return [
                {k: v for k, v in e.items() if k != "kind"}
                for e in self._by_path.get(path, [])
                if e["kind"] == kind
            ]

    def acknowledge(self, path: str, ids: Iterable[str]) -> int:
        done = set(ids)
        with self._lock:
            queue = self._by_path.get(path, [])
            kept = [e for e in queue if e["id"] not in done]
            removed = len(queue) - len(kept)
            if kept:
                self._by_path[path] = kept
            else:
                self._by_path.pop(path, None)
        return removed
