"""The CRC32 of every data-set file, computed once when the data set is registered.

openBIS's DSS writes each file's length and CRC32 into its path-info database when a
data set is registered (``PathInfoDatabaseFeedingTask`` / ``DatabaseBasedDataSetPathsInfoFeeder``
store ``checksum_crc32`` per file), and ``searchFiles`` answers from there without
reading the files. The sandbox does the same with the ``dataset_files`` table: the
DSS registration, the seeds and the schema upgrade to version 3 fill it; the DSS
reads it.
"""

from __future__ import annotations

import os
import sqlite3
import zlib
from pathlib import Path

READ_BLOCK = 1024 * 1024


def file_crc32(path: Path) -> int:
    """Unsigned CRC32 of a file, read in constant memory."""
    checksum = 0
    with open(path, "rb") as stream:
        while block := stream.read(READ_BLOCK):
            checksum = zlib.crc32(block, checksum)
    return checksum


def tree_checksums(dataset_dir: Path) -> list[tuple[str, int, int]]:
    """``(data-set-relative path, length, CRC32)`` of every regular file below the folder."""
    rows: list[tuple[str, int, int]] = []
    if not dataset_dir.is_dir():
        return rows
    for folder, _, names in os.walk(dataset_dir):
        for name in names:
            absolute = Path(folder) / name
            if absolute.is_symlink() or not absolute.is_file():
                continue
            relative = absolute.relative_to(dataset_dir).as_posix()
            rows.append((relative, absolute.stat().st_size, file_crc32(absolute)))
    return rows


def record(conn: sqlite3.Connection, perm_id: str, dataset_dir: Path) -> None:
    """Store the checksums of the data set's files (replacing any recorded before)."""
    conn.execute("DELETE FROM dataset_files WHERE perm_id = ?", (perm_id,))
    conn.executemany(
        "INSERT INTO dataset_files(perm_id, path, length, crc32) VALUES (?, ?, ?, ?)",
        [(perm_id, path, length, crc) for path, length, crc in tree_checksums(dataset_dir)],
    )


def record_payloads(conn: sqlite3.Connection, perm_id: str, files: dict[str, bytes]) -> None:
    """Store checksums of files whose contents are at hand (``original/<path>`` → bytes)."""
    conn.executemany(
        "INSERT OR REPLACE INTO dataset_files(perm_id, path, length, crc32) VALUES (?, ?, ?, ?)",
        [(perm_id, path, len(data), zlib.crc32(data)) for path, data in files.items()],
    )


def recorded(conn: sqlite3.Connection, perm_id: str) -> dict[str, tuple[int, int]]:
    """``path → (length, CRC32)`` as recorded at registration."""
    rows = conn.execute(
        "SELECT path, length, crc32 FROM dataset_files WHERE perm_id = ?", (perm_id,)
    )
    return {path: (length, crc) for path, length, crc in rows}


def backfill(conn: sqlite3.Connection, store_dir: Path) -> None:
    """Record the files of data sets registered before checksums were kept (upgrade to 3)."""
    for (perm_id,) in conn.execute("SELECT perm_id FROM datasets").fetchall():
        record(conn, perm_id, store_dir / perm_id)
