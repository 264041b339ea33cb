"""Archiving of data sets: the status moves AVAILABLE → ARCHIVE_PENDING → ARCHIVED (or,
keeping the files, AVAILABLE → BACKUP_PENDING → AVAILABLE with ``presentInArchive``), and
ARCHIVED → UNARCHIVE_PENDING → AVAILABLE (openBIS ``ArchivingStatus``,
``ArchiveDataSetsOperation``, ``UnarchiveDataSetsOperation``).

In openBIS a DSS maintenance task finishes the pending step later. The sandbox finishes it
on the first read at least ``delay_s()`` seconds after the request (``Store.graph`` calls
``due``/``advance``): the pending state is observable right after the call, the final one
shortly after, and the schedule survives a restart (it is a column).
``OPENBIS_SANDBOX_ARCHIVING_DELAY_S`` sets the delay (default 2 s).

Only AVAILABLE data sets are archived and only ARCHIVED ones unarchived; others are left
as they are (I). An archive with ``removeFromDataStore`` keeps the files on disk, but the
DSS refuses to serve them until the data set is AVAILABLE again.
"""

from __future__ import annotations

import os
import sqlite3

from .updates import write_flags

DEFAULT_DELAY_S = 2.0
# statuses whose files the DSS serves (the files are in the store)
READABLE_STATUSES = ("AVAILABLE", "BACKUP_PENDING", "ARCHIVE_PENDING")


def delay_s() -> float:
    try:
        return float(os.environ.get("OPENBIS_SANDBOX_ARCHIVING_DELAY_S", DEFAULT_DELAY_S))
    except ValueError:
        return DEFAULT_DELAY_S


def _status(conn: sqlite3.Connection, perm_id: str) -> str | None:
    row = conn.execute("SELECT status FROM datasets WHERE perm_id = ?", (perm_id,)).fetchone()
    return None if row is None else row["status"]


def _schedule(conn, perm_id: str, status: str, target: str, at_ms: int) -> None:
    conn.execute("UPDATE datasets SET status = ? WHERE perm_id = ?", (status, perm_id))
    write_flags(
        conn,
        perm_id,
        {"pending_target": target, "pending_until_ms": at_ms + int(delay_s() * 1000)},
    )


def archive(conn: sqlite3.Connection, perm_ids: list[str], *, remove: bool, at_ms: int) -> None:
    for perm_id in perm_ids:
        if _status(conn, perm_id) != "AVAILABLE":
            continue
        if remove:
            _schedule(conn, perm_id, "ARCHIVE_PENDING", "ARCHIVED", at_ms)
        else:
            _schedule(conn, perm_id, "BACKUP_PENDING", "AVAILABLE", at_ms)


def unarchive(conn: sqlite3.Connection, perm_ids: list[str], *, at_ms: int) -> None:
    for perm_id in perm_ids:
        if _status(conn, perm_id) == "ARCHIVED":
            _schedule(conn, perm_id, "UNARCHIVE_PENDING", "AVAILABLE", at_ms)


def due(conn: sqlite3.Connection, now_ms: int) -> bool:
    return (
        conn.execute(
            "SELECT 1 FROM physical_data WHERE pending_until_ms <= ? LIMIT 1", (now_ms,)
        ).fetchone()
        is not None
    )


def advance(conn: sqlite3.Connection, now_ms: int) -> None:
    """Finish every pending step whose time has come."""
    rows = conn.execute(
        "SELECT p.perm_id, p.pending_target, d.status FROM physical_data p "
        "JOIN datasets d ON d.perm_id = p.perm_id WHERE p.pending_until_ms <= ?",
        (now_ms,),
    ).fetchall()
    for row in rows:
        flags = {"pending_target": None, "pending_until_ms": None}
        if row["status"] in ("ARCHIVE_PENDING", "BACKUP_PENDING"):
            flags.update(present_in_archive=1, archiving_requested=0)
        else:
            flags.update(unarchiving_requested=0)
        conn.execute(
            "UPDATE datasets SET status = ? WHERE perm_id = ?",
            (row["pending_target"], row["perm_id"]),
        )
        write_flags(conn, row["perm_id"], flags)
