"""Low-level bulk inserts for the seeds: no validation (the data is known-good), fixed
registration dates, permIds from the store's persistent counter. API creations go through
``Store``, which validates."""

from __future__ import annotations

import sqlite3

from ..store.db import Store, allocate_perm_id
from ..store.file_checksums import record_payloads


def insert_perm_id(conn: sqlite3.Connection, ms: int) -> str:
    return allocate_perm_id(conn, ms)


def insert_space(conn, code, description, user, ms) -> str:
    conn.execute(
        "INSERT INTO spaces(code, description, registrator, registration_ms, modification_ms) "
        "VALUES (?, ?, ?, ?, ?)",
        (code, description, user, ms, ms),
    )
    return code


def insert_project(conn, space, code, description, user, ms) -> str:
    perm_id = insert_perm_id(conn, ms)
    conn.execute(
        "INSERT INTO projects VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (perm_id, code, space, description, user, user, ms, ms),
    )
    return perm_id


def insert_properties(conn, kind, perm_id, props) -> None:
    conn.executemany(
        "INSERT INTO properties VALUES (?, ?, ?, ?)",
        [(kind, perm_id, c, v) for c, v in props.items()],
    )


def insert_experiment(conn, project, code, type_code, user, ms, props) -> str:
    perm_id = insert_perm_id(conn, ms)
    conn.execute(
        "INSERT INTO experiments VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (perm_id, code, project, type_code, user, user, ms, ms),
    )
    insert_properties(conn, "EXPERIMENT", perm_id, props)
    return perm_id


def insert_sample(
    conn, space, project, experiment, code, type_code, user, ms, props, parents=()
) -> str:
    perm_id = insert_perm_id(conn, ms)
    conn.execute(
        "INSERT INTO samples VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (perm_id, code, space, project, experiment, type_code, user, user, ms, ms),
    )
    insert_properties(conn, "SAMPLE", perm_id, props)
    conn.executemany(
        "INSERT INTO sample_links VALUES (?, ?, ?)",
        [(p, perm_id, i) for i, p in enumerate(parents)],
    )
    return perm_id


def insert_dataset(
    store: Store,
    conn,
    type_code,
    sample,
    experiment,
    files: dict[str, bytes],
    user,
    ms,
    props,
    parents=(),
) -> str:
    perm_id = insert_perm_id(conn, ms)
    root = store.dataset_dir(perm_id) / "original"
    for rel_path, content in files.items():
        target = root / rel_path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    size = sum(len(c) for c in files.values())
    conn.execute(
        "INSERT INTO datasets VALUES (?, 'PHYSICAL', ?, ?, ?, ?, 'AVAILABLE', ?, ?, ?, ?, ?)",
        (perm_id, type_code, sample, experiment, size, user, user, ms, ms, ms),
    )
    insert_properties(conn, "DATA_SET", perm_id, props)
    conn.executemany(
        "INSERT INTO dataset_links VALUES (?, ?, ?)",
        [(p, perm_id, i) for i, p in enumerate(parents)],
    )
    record_payloads(conn, perm_id, {f"original/{p}": c for p, c in files.items()})
    return perm_id
