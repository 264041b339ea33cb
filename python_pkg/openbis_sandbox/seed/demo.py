"""The ``demo`` seed: a small ELN-style lab of two users, spaces, projects, collections,
chemicals, samples, experimental steps and data sets with real files.

The pieces run in a fixed order because permIds come from the store's counter: the same
seed always yields the same permIds. ``Lab`` collects the permIds the later pieces need,
keyed by entity code (``PROJ1``, ``EXP1``, ``CHEM1``, ``SAMPLE1``, ``STEP1``, …).
"""

from __future__ import annotations

import sqlite3

from ..store.db import Store
from .files import measurement_csv, notebook_bytes, png_bytes
from .inserts import (
    insert_dataset,
    insert_experiment,
    insert_project,
    insert_sample,
    insert_space,
)
from .masterdata import BASE_MS, SYSTEM

DAY_MS = 24 * 3600 * 1000

Lab = dict[str, str]
"""PermIds of the demo's entities by code (``DEFAULT_EXP``: the default collection)."""


def seed_demo(store: Store, conn: sqlite3.Connection) -> None:
    t = BASE_MS + DAY_MS
    _insert_users(conn)
    lab = _insert_spaces_and_collections(conn, t)
    _insert_chemicals(conn, lab, t)
    _insert_samples(conn, lab, t)
    _insert_steps(conn, lab, t)
    lab["DEFAULT_EXP"] = conn.execute(
        "SELECT perm_id FROM experiments WHERE code = 'DEFAULT'"
    ).fetchone()[0]
    _insert_measurement_datasets(store, conn, lab, t)
    _insert_follow_up_datasets(store, conn, lab, t)


def _insert_users(conn: sqlite3.Connection) -> None:
    for user, first, last in (("alice", "Alice", "Muster"), ("bob", "Bob", "Beispiel")):
        conn.execute(
            "INSERT OR IGNORE INTO persons(user_id, password, first_name, last_name, email, "
            "registration_ms) VALUES (?, NULL, ?, ?, ?, ?)",
            (user, first, last, f"{user}@lab.example.org", BASE_MS),
        )


def _insert_spaces_and_collections(conn: sqlite3.Connection, t: int) -> Lab:
    day = DAY_MS
    insert_space(conn, "LAB", "Our lab's experiments", "alice", t)
    insert_space(conn, "METHODS", "Materials and protocols", "bob", t + 3600_000)
    lab: Lab = {}
    lab["PROJ1"] = insert_project(conn, "LAB", "PROJ1", "Absorbance study", "alice", t + 2 * day)
    lab["PROJ2"] = insert_project(conn, "LAB", "PROJ2", "Crystal growth", "bob", t + 20 * day)
    lab["MATERIALS"] = insert_project(
        conn, "METHODS", "MATERIALS", "Chemicals in stock", "bob", t + 3 * day
    )
    lab["EXP1"] = insert_experiment(
        conn,
        lab["PROJ1"],
        "EXP1",
        "COLLECTION",
        "alice",
        t + 4 * day,
        {"$NAME": "Absorbance runs", "NOTES": "First series"},
    )
    lab["EXP2"] = insert_experiment(
        conn,
        lab["PROJ1"],
        "EXP2",
        "COLLECTION",
        "alice",
        t + 40 * day,
        {"$NAME": "Temperature series"},
    )
    lab["EXP3"] = insert_experiment(
        conn, lab["PROJ2"], "EXP3", "COLLECTION", "bob", t + 60 * day, {"$NAME": "Growth trials"}
    )
    lab["CHEMICALS"] = insert_experiment(
        conn,
        lab["MATERIALS"],
        "CHEMICALS",
        "COLLECTION",
        "bob",
        t + 5 * day,
        {"$NAME": "Chemicals"},
    )
    return lab


def _insert_chemicals(conn: sqlite3.Connection, lab: Lab, t: int) -> None:
    chemicals = (
        (
            "CHEM1",
            t + 6 * DAY_MS,
            {
                "$NAME": "Ethanol",
                "CAS_NUMBER": "64-17-5",
                "CONCENTRATION": "17.1",
                "STORAGE": "ROOM_TEMPERATURE",
            },
        ),
        (
            "CHEM2",
            t + 6 * DAY_MS + 60_000,
            {"$NAME": "Sodium chloride", "CAS_NUMBER": "7647-14-5", "STORAGE": "ROOM_TEMPERATURE"},
        ),
        (
            "CHEM3",
            t + 7 * DAY_MS,
            {"$NAME": "Phosphate buffer", "CONCENTRATION": "0.1", "STORAGE": "FRIDGE"},
        ),
    )
    for code, ms, props in chemicals:
        lab[code] = insert_sample(
            conn, "METHODS", lab["MATERIALS"], lab["CHEMICALS"], code, "CHEMICAL", "bob", ms, props
        )


def _insert_samples(conn: sqlite3.Connection, lab: Lab, t: int) -> None:
    """SAMPLE1..3 in EXP1, made from ethanol (1, 2) or the buffer (3)."""
    for i, (temp, replicates) in enumerate(((21.5, 3), (37.0, 5), (4.0, 2)), start=1):
        lab[f"SAMPLE{i}"] = insert_sample(
            conn,
            "LAB",
            lab["PROJ1"],
            lab["EXP1"],
            f"SAMPLE{i}",
            "SAMPLE",
            "alice",
            t + (10 + i) * DAY_MS,
            {
                "$NAME": f"Sample {i}",
                "TEMPERATURE": str(temp),
                "REPLICATES": str(replicates),
                "CALIBRATED": "true" if i != 3 else "false",
                "MEASUREMENT_DATE": f"2025-02-{10 + i:02d}",
                "STORAGE": "FRIDGE",
            },
            parents=[lab["CHEM1"]] if i < 3 else [lab["CHEM3"]],
        )


def _insert_steps(conn: sqlite3.Connection, lab: Lab, t: int) -> None:
    """The experimental steps STEP1..3, chained by parent links."""
    lab["STEP1"] = insert_sample(
        conn,
        "LAB",
        lab["PROJ1"],
        lab["EXP1"],
        "STEP1",
        "EXPERIMENTAL_STEP",
        "alice",
        t + 15 * DAY_MS,
        {
            "$NAME": "Measure absorbance",
            "START_DATE": "2025-01-21 09:00:00 +0000",
            "END_DATE": "2025-01-21 17:30:00 +0000",
            "GOALS": "Baseline spectra",
            "INSTRUMENT": "SPECTROMETER",
        },
        parents=[lab["SAMPLE1"], lab["SAMPLE2"]],
    )
    lab["STEP2"] = insert_sample(
        conn,
        "LAB",
        lab["PROJ1"],
        lab["EXP2"],
        "STEP2",
        "EXPERIMENTAL_STEP",
        "alice",
        t + 45 * DAY_MS,
        {
            "$NAME": "Fit temperature model",
            "INSTRUMENT": "MICROSCOPE",
            "NOTES": "Follow-up of STEP1",
        },
        parents=[lab["STEP1"]],
    )
    lab["STEP3"] = insert_sample(
        conn,
        "LAB",
        lab["PROJ2"],
        lab["EXP3"],
        "STEP3",
        "EXPERIMENTAL_STEP",
        "bob",
        t + 70 * DAY_MS,
        {
            "$NAME": "Grow crystals",
            "START_DATE": "2025-03-18 10:00:00 +0000",
            "INSTRUMENT": "DIFFRACTOMETER",
        },
        parents=[lab["CHEM3"]],
    )


def _insert_measurement_datasets(store: Store, conn: sqlite3.Connection, lab: Lab, t: int) -> None:
    """Two raw data sets of EXP1 and their analysis (``ANALYZED`` in ``lab``)."""
    raw1 = insert_dataset(
        store,
        conn,
        "RAW_DATA",
        lab["SAMPLE1"],
        lab["EXP1"],
        {"data.csv": measurement_csv(20, 1)},
        "alice",
        t + 16 * DAY_MS,
        {
            "$NAME": "Absorbance run 1",
            "INSTRUMENT": "SPECTROMETER",
            "MEASUREMENT_DATE": "2025-01-22",
            "NOTES": "Baseline corrected",
        },
    )
    raw2 = insert_dataset(
        store,
        conn,
        "RAW_DATA",
        lab["STEP1"],
        lab["EXP1"],
        {"image.png": png_bytes()},
        "alice",
        t + 17 * DAY_MS,
        {"$NAME": "Cuvette photo", "INSTRUMENT": "MICROSCOPE"},
    )
    lab["ANALYZED"] = insert_dataset(
        store,
        conn,
        "ANALYZED_DATA",
        lab["STEP1"],
        lab["EXP1"],
        {
            "results/summary.txt": b"mean absorbance: 0.52\nstd: 0.11\nn: 20\n",
            "results/plots/fit.csv": measurement_csv(8, 2),
        },
        "alice",
        t + 30 * DAY_MS,
        {
            "$NAME": "Absorbance summary",
            "TEMPERATURE": "21.5",
            "REPLICATES": "3",
            "CALIBRATED": "true",
        },
        parents=[raw1, raw2],
    )


def _insert_follow_up_datasets(store: Store, conn: sqlite3.Connection, lab: Lab, t: int) -> None:
    """The analysis notebook, the diffraction data and a data set of the default collection."""
    insert_dataset(
        store,
        conn,
        "ANALYSIS_NOTEBOOK",
        lab["STEP2"],
        lab["EXP2"],
        {"analysis.ipynb": notebook_bytes("Temperature model")},
        "alice",
        t + 50 * DAY_MS,
        {
            "$NAME": "Temperature model notebook",
            "KERNEL": "PYTHON3",
            "NOTES": "Fits an Arrhenius model",
            "$HISTORY_ID": "hist-0001",
        },
        parents=[lab["ANALYZED"]],
    )
    insert_dataset(
        store,
        conn,
        "RAW_DATA",
        lab["STEP3"],
        lab["EXP3"],
        {"diffraction.csv": measurement_csv(30, 3)},
        "bob",
        t + 75 * DAY_MS,
        {"$NAME": "Diffraction pattern", "INSTRUMENT": "DIFFRACTOMETER"},
    )
    insert_dataset(
        store,
        conn,
        "RAW_DATA",
        None,
        lab["DEFAULT_EXP"],
        {"readme.txt": b"default data set\n"},
        SYSTEM,
        t + 90 * DAY_MS,
        {"$NAME": "Default data set"},
    )
