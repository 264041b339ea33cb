"""Opening data dirs of older sandboxes: ``store.migrate.open_schema`` brings each one up to
``schema.SCHEMA_VERSION`` and keeps every row; a data dir of a newer sandbox is refused."""

from __future__ import annotations

import sqlite3

import pytest

from openbis_sandbox.errors import OpenbisError
from openbis_sandbox.store.db import Store
from openbis_sandbox.store.migrate import ADDED_IN_2
from openbis_sandbox.store.schema import DDL, SCHEMA_VERSION

# the tables version 2 added (everything from authorization_groups on in DDL)
V2_TABLES = (
    "authorization_groups",
    "authorization_group_users",
    "role_assignments",
    "plugins",
    "tags",
    "entity_tags",
    "deletions",
    "trash",
    "physical_data",
    "dataset_components",
)


def _version_1_dir(path, *, versioned: bool) -> None:
    """A data dir as version 1 wrote it (derived from today's DDL minus the version-2 parts)."""
    conn = sqlite3.connect(path / "openbis.sqlite")
    conn.executescript(DDL)
    for table in reversed(V2_TABLES):
        conn.execute(f"DROP TABLE {table}")
    for table, column, _ in ADDED_IN_2:
        conn.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    if versioned:
        conn.execute("INSERT INTO meta(key, value) VALUES ('schema_version', '1')")
    conn.execute("INSERT INTO persons(user_id, password, registration_ms) VALUES ('old', 'pw', 1)")
    conn.execute(
        "INSERT INTO property_types(code, label, description, data_type, registration_ms) "
        "VALUES ('OLD_PT', 'l', 'd', 'VARCHAR', 1)"
    )
    conn.commit()
    conn.close()


def _version_of(path) -> str:
    conn = sqlite3.connect(path / "openbis.sqlite")
    try:
        return conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0]
    finally:
        conn.close()


@pytest.mark.parametrize("versioned", [True, False], ids=["version-1", "unversioned"])
def test_a_version_1_data_dir_is_upgraded_and_keeps_its_rows(tmp_path, versioned):
    _version_1_dir(tmp_path, versioned=versioned)
    store = Store(tmp_path)
    try:
        graph = store.graph()
        assert "old" in graph.persons and graph.property_types["OLD_PT"].sample_type is None
        d = graph.directory
        assert d.groups == {} and d.roles == {} and d.plugins == {}
        assert d.home_spaces == {"old": None}
        assert graph.tags == {} and graph.physical_flags == {}
        assert store.login("old", "pw") is not None
    finally:
        store.close()
    assert _version_of(tmp_path) == str(SCHEMA_VERSION)
    Store(tmp_path).close()  # a second open finds everything in place


def test_a_new_data_dir_gets_the_current_version(tmp_path):
    Store(tmp_path).close()
    assert _version_of(tmp_path) == str(SCHEMA_VERSION)


def test_a_data_dir_of_a_newer_sandbox_is_refused(tmp_path):
    Store(tmp_path).close()
    conn = sqlite3.connect(tmp_path / "openbis.sqlite")
    conn.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (SCHEMA_VERSION + 1,))
    conn.commit()
    conn.close()
    with pytest.raises(OpenbisError, match="schema version"):
        Store(tmp_path)
