"""Download records for notebook metadata, in the shape the frontend writes.

Mirrors ``src/metadata.ts``: ``metadata.openbis.downloads`` holds
``{instance, connection, permId, type, path, files: [{path, size, crc32}], size, time}``
(a data set downloaded again replaces its record) and ``metadata.datasets[permId]``
repeats it in the shape earlier openBIS extensions wrote; ``metadata.openbis.uploads``
holds ``{instance, connection, permId, url, type, owner, parents, time}``.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterable, Mapping
from datetime import datetime, timezone
from typing import Any

MAX_PENDING_PER_NOTEBOOK = 500


def _iso_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def download_records(
    connection: str,
    instance: str,
    listing: Iterable[Mapping[str, Any]],
    details: Mapping[str, Mapping[str, Any]],
    now: str | None = None,
) -> list[dict[str, Any]]:
    """One record per downloaded data set; sizes and CRC32s as openBIS reported them."""
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
    return records


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


def merge_downloads(metadata: dict[str, Any], records: list[dict[str, Any]]) -> None:
    """Add ``records`` to notebook ``metadata`` in place (same rules as ``recordDownloads``)."""
    section = _openbis_section(metadata)
    replaced = {r["permId"] for r in records}
    kept = [
        d for d in section["downloads"] if not (isinstance(d, dict) and d.get("permId") in replaced)
    ]
    metadata["openbis"] = {**section, "downloads": kept + records}
    legacy = (
        dict(metadata.get("datasets") or {}) if isinstance(metadata.get("datasets"), dict) else {}
    )
    for record in records:
        legacy[record["permId"]] = {
            "permId": record["permId"],
            "path": record["path"],
            "url": record["instance"],
            "size": record["size"],
            "files": [f["path"] for f in record["files"]],
            "status": "downloaded",
        }
    metadata["datasets"] = legacy


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
