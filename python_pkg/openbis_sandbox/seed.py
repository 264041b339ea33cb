"""Initial content: ``empty`` (masterdata defaults only), ``demo`` (a small ELN-style lab),
``scale:N`` (demo plus N samples and N data sets, bulk-inserted) and ``types:TxP`` (demo
plus T data-set types with P properties each, for upload-form benchmarks).

Seeding happens once per data dir; an already seeded dir is left untouched.
"""

from __future__ import annotations

import argparse
import re
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone

from .seed_files import measurement_csv, notebook_bytes, png_bytes
from .seed_inserts import (
    insert_dataset,
    insert_experiment,
    insert_project,
    insert_sample,
    insert_space,
)
from .seed_masterdata import BASE_MS, SYSTEM, seed_dataset_types, seed_masterdata
from .store import Store

SEED_CHOICES_HELP = (
    "demo (default), empty, scale:N (demo plus N samples and N data sets) or "
    "types:TxP (demo plus T data-set types with P properties each)"
)
_TYPES_RE = re.compile(r"types:(\d{1,4})x(\d{1,3})")


@dataclass(frozen=True)
class SeedSpec:
    name: str  # "demo" | "empty" | "scale" | "types"
    scale: int = 0
    types: int = 0
    properties: int = 0

    @property
    def label(self) -> str:
        if self.name == "scale":
            return f"scale:{self.scale}"
        if self.name == "types":
            return f"types:{self.types}x{self.properties}"
        return self.name


def parse_seed(text: str) -> SeedSpec:
    if text in ("demo", "empty"):
        return SeedSpec(text)
    if text.startswith("scale:") and text[6:].isdigit():
        return SeedSpec("scale", int(text[6:]))
    match = _TYPES_RE.fullmatch(text)
    if match and int(match[1]) >= 1 and int(match[2]) >= 1:
        return SeedSpec("types", types=int(match[1]), properties=int(match[2]))
    raise argparse.ArgumentTypeError(f"--seed must be {SEED_CHOICES_HELP}")


# --- demo lab ---------------------------------------------------------------------------


def seed_demo(store: Store, conn: sqlite3.Connection) -> None:
    day = 24 * 3600 * 1000
    for user, first, last in (("alice", "Alice", "Muster"), ("bob", "Bob", "Beispiel")):
        conn.execute(
            "INSERT OR IGNORE INTO persons(user_id, password, first_name, last_name, email, "
            "registration_ms) VALUES (?, NULL, ?, ?, ?, ?)",
            (user, first, last, f"{user}@lab.example.org", BASE_MS),
        )
    t = BASE_MS + day
    insert_space(conn, "LAB", "Our lab's experiments", "alice", t)
    insert_space(conn, "METHODS", "Materials and protocols", "bob", t + 3600_000)
    proj1 = insert_project(conn, "LAB", "PROJ1", "Absorbance study", "alice", t + 2 * day)
    proj2 = insert_project(conn, "LAB", "PROJ2", "Crystal growth", "bob", t + 20 * day)
    materials = insert_project(
        conn, "METHODS", "MATERIALS", "Chemicals in stock", "bob", t + 3 * day
    )
    exp1 = insert_experiment(
        conn,
        proj1,
        "EXP1",
        "COLLECTION",
        "alice",
        t + 4 * day,
        {"$NAME": "Absorbance runs", "NOTES": "First series"},
    )
    exp2 = insert_experiment(
        conn, proj1, "EXP2", "COLLECTION", "alice", t + 40 * day, {"$NAME": "Temperature series"}
    )
    exp3 = insert_experiment(
        conn, proj2, "EXP3", "COLLECTION", "bob", t + 60 * day, {"$NAME": "Growth trials"}
    )
    chems = insert_experiment(
        conn, materials, "CHEMICALS", "COLLECTION", "bob", t + 5 * day, {"$NAME": "Chemicals"}
    )
    ethanol = insert_sample(
        conn,
        "METHODS",
        materials,
        chems,
        "CHEM1",
        "CHEMICAL",
        "bob",
        t + 6 * day,
        {
            "$NAME": "Ethanol",
            "CAS_NUMBER": "64-17-5",
            "CONCENTRATION": "17.1",
            "STORAGE": "ROOM_TEMPERATURE",
        },
    )
    insert_sample(
        conn,
        "METHODS",
        materials,
        chems,
        "CHEM2",
        "CHEMICAL",
        "bob",
        t + 6 * day + 60_000,
        {"$NAME": "Sodium chloride", "CAS_NUMBER": "7647-14-5", "STORAGE": "ROOM_TEMPERATURE"},
    )
    buffer = insert_sample(
        conn,
        "METHODS",
        materials,
        chems,
        "CHEM3",
        "CHEMICAL",
        "bob",
        t + 7 * day,
        {"$NAME": "Phosphate buffer", "CONCENTRATION": "0.1", "STORAGE": "FRIDGE"},
    )
    samples = []
    for i, (temp, replicates) in enumerate(((21.5, 3), (37.0, 5), (4.0, 2)), start=1):
        samples.append(
            insert_sample(
                conn,
                "LAB",
                proj1,
                exp1,
                f"SAMPLE{i}",
                "SAMPLE",
                "alice",
                t + (10 + i) * day,
                {
                    "$NAME": f"Sample {i}",
                    "TEMPERATURE": str(temp),
                    "REPLICATES": str(replicates),
                    "CALIBRATED": "true" if i != 3 else "false",
                    "MEASUREMENT_DATE": f"2025-02-{10 + i:02d}",
                    "STORAGE": "FRIDGE",
                },
                parents=[ethanol] if i < 3 else [buffer],
            )
        )
    step1 = insert_sample(
        conn,
        "LAB",
        proj1,
        exp1,
        "STEP1",
        "EXPERIMENTAL_STEP",
        "alice",
        t + 15 * day,
        {
            "$NAME": "Measure absorbance",
            "START_DATE": "2025-01-21 09:00:00 +0000",
            "END_DATE": "2025-01-21 17:30:00 +0000",
            "GOALS": "Baseline spectra",
            "INSTRUMENT": "SPECTROMETER",
        },
        parents=samples[:2],
    )
    step2 = insert_sample(
        conn,
        "LAB",
        proj1,
        exp2,
        "STEP2",
        "EXPERIMENTAL_STEP",
        "alice",
        t + 45 * day,
        {
            "$NAME": "Fit temperature model",
            "INSTRUMENT": "MICROSCOPE",
            "NOTES": "Follow-up of STEP1",
        },
        parents=[step1],
    )
    step3 = insert_sample(
        conn,
        "LAB",
        proj2,
        exp3,
        "STEP3",
        "EXPERIMENTAL_STEP",
        "bob",
        t + 70 * day,
        {
            "$NAME": "Grow crystals",
            "START_DATE": "2025-03-18 10:00:00 +0000",
            "INSTRUMENT": "DIFFRACTOMETER",
        },
        parents=[buffer],
    )
    default_exp = conn.execute("SELECT perm_id FROM experiments WHERE code = 'DEFAULT'").fetchone()[
        0
    ]

    raw1 = insert_dataset(
        store,
        conn,
        "RAW_DATA",
        samples[0],
        exp1,
        {"data.csv": measurement_csv(20, 1)},
        "alice",
        t + 16 * day,
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
        step1,
        exp1,
        {"image.png": png_bytes()},
        "alice",
        t + 17 * day,
        {"$NAME": "Cuvette photo", "INSTRUMENT": "MICROSCOPE"},
    )
    analysed = insert_dataset(
        store,
        conn,
        "ANALYZED_DATA",
        step1,
        exp1,
        {
            "results/summary.txt": b"mean absorbance: 0.52\nstd: 0.11\nn: 20\n",
            "results/plots/fit.csv": measurement_csv(8, 2),
        },
        "alice",
        t + 30 * day,
        {
            "$NAME": "Absorbance summary",
            "TEMPERATURE": "21.5",
            "REPLICATES": "3",
            "CALIBRATED": "true",
        },
        parents=[raw1, raw2],
    )
    insert_dataset(
        store,
        conn,
        "ANALYSIS_NOTEBOOK",
        step2,
        exp2,
        {"analysis.ipynb": notebook_bytes("Temperature model")},
        "alice",
        t + 50 * day,
        {
            "$NAME": "Temperature model notebook",
            "KERNEL": "PYTHON3",
            "NOTES": "Fits an Arrhenius model",
            "$HISTORY_ID": "hist-0001",
        },
        parents=[analysed],
    )
    insert_dataset(
        store,
        conn,
        "RAW_DATA",
        step3,
        exp3,
        {"diffraction.csv": measurement_csv(30, 3)},
        "bob",
        t + 75 * day,
        {"$NAME": "Diffraction pattern", "INSTRUMENT": "DIFFRACTOMETER"},
    )
    insert_dataset(
        store,
        conn,
        "RAW_DATA",
        None,
        default_exp,
        {"readme.txt": b"default data set\n"},
        SYSTEM,
        t + 90 * day,
        {"$NAME": "Default data set"},
    )


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
    sample_rows, dataset_rows, props = [], [], []
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
    conn.execute("UPDATE counters SET value = ? WHERE name = 'perm_id'", (start + 2 * n,))


def seed_store(store: Store, spec: SeedSpec) -> bool:
    """Seed an unseeded store; returns False (and changes nothing) if already seeded."""
    with store.transaction() as conn:
        if conn.execute("SELECT 1 FROM meta WHERE key = 'seed'").fetchone():
            return False
        seed_masterdata(conn)
        if spec.name != "empty":
            seed_demo(store, conn)
        if spec.name == "scale":
            seed_scale(store, conn, spec.scale)
        if spec.name == "types":
            seed_dataset_types(conn, spec.types, spec.properties)
        conn.execute("INSERT INTO meta(key, value) VALUES ('seed', ?)", (spec.label,))
    return True
