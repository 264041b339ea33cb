"""The ``files:NxK`` seed: demo plus one data set of N files of K KiB each.

Lab data sets often hold thousands of small files; uploading that many through pybis
takes a file per request, so tests and benchmarks get such a data set seeded instead.
The files sit in folders of 100 (``original/many/partNNN/fNNNNN.bin``), hold random
bytes, and their checksums are recorded as at any registration.
"""

from __future__ import annotations

import os
import sqlite3

from ..store.db import Store
from .inserts import insert_dataset
from .masterdata import BASE_MS

EXPERIMENT_CODE = "EXP3"  # /LAB/PROJ2/EXP3 of the demo lab


def many_files_name(count: int, kib: int) -> str:
    """The ``$NAME`` of the seeded data set, by which tests and benchmarks find it."""
    return f"{count} files of {kib} KiB"


def seed_many_files(store: Store, conn: sqlite3.Connection, count: int, kib: int) -> str:
    (experiment,) = conn.execute(
        "SELECT perm_id FROM experiments WHERE code = ?", (EXPERIMENT_CODE,)
    ).fetchone()
    block = os.urandom(kib * 1024 + 64)
    files = {
        f"many/part{i // 100:03d}/f{i:05d}.bin": block[i % 64 : i % 64 + kib * 1024]
        for i in range(count)
    }
    ms = BASE_MS + 300 * 24 * 3600 * 1000
    return insert_dataset(
        store,
        conn,
        "RAW_DATA",
        None,
        experiment,
        files,
        "alice",
        ms,
        {"$NAME": many_files_name(count, kib)},
    )
