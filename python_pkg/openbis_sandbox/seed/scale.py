"""The ``scale:N`` seed: bulk rows for paging tests and benchmarks."""

from __future__ import annotations

import sqlite3
import zlib
from datetime import datetime, timezone

from ..store.db import Store
from .inserts import insert_experiment, insert_project
from .masterdata import BASE_MS


def seed_scale(store: Store, conn: sqlite3.Connection, n: int) -> None:
    """N samples and N one-file data sets in /LAB/SCALE/SCALE_RUNS, via bulk inserts."""
    ms = BASE_MS + 200 * 24 * 3600 * 1000
    project = insert_project(
        conn, "LAB", "SCALE", "Bulk data for paging and benchmarks", "alice", ms
    )
    experiment = insert_experiment(
        conn, project, "SCALE_RUNS", "COLLECTION", "alice", ms, {"$NAME": "Scale runs"}
    )
    conn.execute(
        "INSERT INTO counters(name, value) VALUES ('perm_id', 0) ON CONFLICT(name) DO NOTHING"
    )
    start = conn.execute("SELECT value FROM counters WHERE name = 'perm_id'").fetchone()[0]
    stamp = datetime.fromtimestamp(ms / 1000, timezone.utc).strftime("%Y%m%d%H%M%S") + "000"
    sample_rows, dataset_rows, props, checksums = [], [], [], []
    content = b"index,value\n"
    for i in range(n):
        sample_id = f"{stamp}-{start + 2 * i + 1}"
        dataset_id = f"{stamp}-{start + 2 * i + 2}"
        row_ms = ms + i
        sample_rows.append(
            (
                sample_id,
                f"SCALE{i + 1:06d}",
                "LAB",
                project,
                experiment,
                "SAMPLE",
                "alice",
                "alice",
                row_ms,
                row_ms,
            )
        )
        payload = content + f"{i},{i * 0.5}\n".encode()
        folder = store.dataset_dir(dataset_id) / "original"
        folder.mkdir(parents=True)
        (folder / "values.csv").write_bytes(payload)
        checksums.append((dataset_id, "original/values.csv", len(payload), zlib.crc32(payload)))
        dataset_rows.append(
            (
                dataset_id,
                "PHYSICAL",
                "RAW_DATA",
                sample_id,
                experiment,
                len(payload),
                "AVAILABLE",
                "alice",
                "alice",
                row_ms,
                row_ms,
                row_ms,
            )
        )
        props.append(("SAMPLE", sample_id, "$NAME", f"Scale sample {i + 1}"))
        props.append(("DATA_SET", dataset_id, "$NAME", f"Scale data set {i + 1}"))
    conn.executemany("INSERT INTO samples VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", sample_rows)
    conn.executemany(
        "INSERT INTO datasets VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", dataset_rows
    )
    conn.executemany("INSERT INTO properties VALUES (?, ?, ?, ?)", props)
    conn.executemany("INSERT INTO dataset_files VALUES (?, ?, ?, ?)", checksums)
    conn.execute("UPDATE counters SET value = ? WHERE name = 'perm_id'", (start + 2 * n,))
