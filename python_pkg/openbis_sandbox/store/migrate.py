"""Opening a data dir: a new one gets ``schema.DDL``; one written by an older sandbox is
brought up to ``SCHEMA_VERSION`` by the steps in ``UPGRADES``, one version at a time,
keeping every row (nothing is ever dropped or rewritten).

The version is ``meta.schema_version``. A data dir without it is new (no ``meta`` table)
or predates versioning, which the first step treats like version 1.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

from ..errors import OpenbisError
from . import file_checksums
from .schema import DDL, SCHEMA_VERSION

# (table, column, declaration): the columns version 2 added to version-1 tables
ADDED_IN_2: tuple[tuple[str, str, str], ...] = (
    ("persons", "space", "TEXT"),
    ("persons", "webapp_settings", "TEXT NOT NULL DEFAULT '{}'"),
    ("property_types", "sample_type", "TEXT"),
    ("property_types", "meta_data", "TEXT NOT NULL DEFAULT '{}'"),
    ("assignments", "plugin", "TEXT"),
)


def _to_2(conn: sqlite3.Connection) -> None:
    """Version 1 → 2: the added columns (the added tables come from ``DDL``). A column may
    already be there: data dirs of the unversioned development builds between 1 and 2."""
    for table, column, declaration in ADDED_IN_2:
        present = {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
        if column not in present:
            conn.execute(f"ALTER TABLE {table} ADD COLUMN {column} {declaration}")


def _to_3(conn: sqlite3.Connection) -> None:
    """Version 2 → 3: the CRC32 of every stored file, computed once now (the table comes
    from ``DDL``), so that ``searchFiles`` never has to read a file."""
    [(_, _, database)] = conn.execute("PRAGMA database_list").fetchall()[:1]
    file_checksums.backfill(conn, Path(database).parent / "store")


# target version → the step that reaches it from the version before
UPGRADES: dict[int, Callable[[sqlite3.Connection], None]] = {2: _to_2, 3: _to_3}


def stored_version(conn: sqlite3.Connection) -> int | None:
    """``meta.schema_version``, or None for a new data dir."""
    if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'meta'").fetchone():
        return None
    row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    return int(row[0]) if row else 1


def open_schema(conn: sqlite3.Connection) -> None:
    """Create or upgrade ``conn``'s schema to ``SCHEMA_VERSION`` (one transaction)."""
    version = stored_version(conn)
    if version is not None and version > SCHEMA_VERSION:
        raise OpenbisError(
            f"This data dir has schema version {version}; this openbis-sandbox reads up to "
            f"{SCHEMA_VERSION}. Use a newer openbis-sandbox or a new --data-dir."
        )
    conn.execute("BEGIN IMMEDIATE")
    try:
        for statement in DDL.split(";"):  # executescript would commit the transaction
            if statement.strip():
                conn.execute(statement)
        for target in range((version or SCHEMA_VERSION) + 1, SCHEMA_VERSION + 1):
            UPGRADES[target](conn)
        conn.execute(
            "INSERT OR REPLACE INTO meta(key, value) VALUES ('schema_version', ?)",
            (str(SCHEMA_VERSION),),
        )
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
