"""Masterdata of the seeds: vocabularies, property types of every data type, entity
types with their assignments, and the defaults of a fresh openBIS (/DEFAULT/DEFAULT/DEFAULT)."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timezone

from .inserts import insert_experiment, insert_project, insert_space

SYSTEM = "system"


def _ms(text: str) -> int:
    return int(datetime.fromisoformat(text).replace(tzinfo=timezone.utc).timestamp() * 1000)


BASE_MS = _ms("2025-01-06 08:00:00")

VOCABULARIES = {
    "INSTRUMENTS": (
        "Lab instruments",
        [
            ("MICROSCOPE", "Microscope"),
            ("SPECTROMETER", "UV-Vis spectrometer"),
            ("DIFFRACTOMETER", "X-ray diffractometer"),
        ],
    ),
    "NOTEBOOK_KERNELS": (
        "Kernels of analysis notebooks",
        [("PYTHON3", "Python 3"), ("R", "R"), ("JULIA", "Julia")],
    ),
    "STORAGE_CONDITIONS": (
        "Storage conditions",
        [("ROOM_TEMPERATURE", "Room temperature"), ("FRIDGE", "4 °C"), ("FREEZER", "-20 °C")],
    ),
}

# code: (label, description, data type, vocabulary, managed internally)
PROPERTY_TYPES = {
    "$NAME": ("Name", "Name", "VARCHAR", None, True),
    "$HISTORY_ID": ("History ID", "History ID", "VARCHAR", None, True),
    "NOTES": ("Notes", "Notes", "MULTILINE_VARCHAR", None, False),
    "GOALS": ("Goals", "Goals of the step", "MULTILINE_VARCHAR", None, False),
    "INSTRUMENT": ("Instrument", "Instrument used", "CONTROLLEDVOCABULARY", "INSTRUMENTS", False),
    "KERNEL": ("Kernel", "Notebook kernel", "CONTROLLEDVOCABULARY", "NOTEBOOK_KERNELS", False),
    "STORAGE": (
        "Storage",
        "Storage condition",
        "CONTROLLEDVOCABULARY",
        "STORAGE_CONDITIONS",
        False,
    ),
    "TEMPERATURE": ("Temperature", "Temperature in °C", "REAL", None, False),
    "CONCENTRATION": ("Concentration", "Concentration in mol/l", "REAL", None, False),
    "REPLICATES": ("Replicates", "Number of replicates", "INTEGER", None, False),
    "CALIBRATED": ("Calibrated", "Instrument calibrated", "BOOLEAN", None, False),
    "MEASUREMENT_DATE": ("Measurement date", "Measurement date", "DATE", None, False),
    "START_DATE": ("Start date", "Start date", "TIMESTAMP", None, False),
    "END_DATE": ("End date", "End date", "TIMESTAMP", None, False),
    "CAS_NUMBER": ("CAS number", "CAS registry number", "VARCHAR", None, False),
}

# (kind, code, description, options, [(property, section, mandatory)])
ENTITY_TYPES = [
    ("EXPERIMENT", "UNKNOWN", "Unknown", {}, [("$NAME", "General info", False)]),
    (
        "EXPERIMENT",
        "COLLECTION",
        "Collection of objects",
        {},
        [("$NAME", "General info", False), ("NOTES", "Comments", False)],
    ),
    (
        "SAMPLE",
        "UNKNOWN",
        "Unknown",
        {"generatedCodePrefix": "S"},
        [("$NAME", "General info", False)],
    ),
    (
        "SAMPLE",
        "EXPERIMENTAL_STEP",
        "Experimental step",
        {"generatedCodePrefix": "EXP"},
        [
            ("$NAME", "General info", False),
            ("START_DATE", "General info", False),
            ("END_DATE", "General info", False),
            ("GOALS", "Experimental details", False),
            ("INSTRUMENT", "Experimental details", False),
            ("NOTES", "Comments", False),
        ],
    ),
    (
        "SAMPLE",
        "SAMPLE",
        "Sample",
        {"generatedCodePrefix": "SAM"},
        [
            ("$NAME", "General info", False),
            ("TEMPERATURE", "Details", False),
            ("REPLICATES", "Details", False),
            ("CALIBRATED", "Details", False),
            ("MEASUREMENT_DATE", "Details", False),
            ("STORAGE", "Details", False),
            ("NOTES", "Comments", False),
        ],
    ),
    (
        "SAMPLE",
        "CHEMICAL",
        "Chemical",
        {"generatedCodePrefix": "CHEM"},
        [
            ("$NAME", "General info", True),
            ("CAS_NUMBER", "General info", False),
            ("CONCENTRATION", "Details", False),
            ("STORAGE", "Details", False),
        ],
    ),
    ("DATA_SET", "UNKNOWN", "Unknown", {}, [("$NAME", "General info", False)]),
    (
        "DATA_SET",
        "RAW_DATA",
        "Raw data",
        {},
        [
            ("$NAME", "General info", False),
            ("NOTES", "Comments", False),
            ("INSTRUMENT", "Details", False),
            ("MEASUREMENT_DATE", "Details", False),
        ],
    ),
    (
        "DATA_SET",
        "ANALYZED_DATA",
        "Analyzed data",
        {},
        [
            ("$NAME", "General info", False),
            ("NOTES", "Comments", False),
            ("TEMPERATURE", "Details", False),
            ("REPLICATES", "Details", False),
            ("CALIBRATED", "Details", False),
        ],
    ),
    (
        "DATA_SET",
        "ANALYSIS_NOTEBOOK",
        "Jupyter notebook of an analysis",
        {},
        [
            ("$NAME", "General info", True),
            ("NOTES", "Comments", False),
            ("$HISTORY_ID", "General info", False),
            ("KERNEL", "Details", False),
        ],
    ),
]


def seed_masterdata(conn: sqlite3.Connection) -> None:
    ms = BASE_MS
    conn.execute(
        "INSERT INTO persons(user_id, password, first_name, last_name, email, registration_ms) "
        "VALUES (?, NULL, NULL, NULL, NULL, ?)",
        (SYSTEM, ms),
    )
    for code, (description, terms) in VOCABULARIES.items():
        conn.execute(
            "INSERT INTO vocabularies(code, description, registrator, registration_ms, "
            "modification_ms) "
            "VALUES (?, ?, ?, ?, ?)",
            (code, description, SYSTEM, ms, ms),
        )
        conn.executemany(
            "INSERT INTO terms(vocabulary, code, label, description, ordinal, official, "
            "registrator, "
            "registration_ms, modification_ms) VALUES (?, ?, ?, NULL, ?, 1, ?, ?, ?)",
            [(code, t, label, i + 1, SYSTEM, ms, ms) for i, (t, label) in enumerate(terms)],
        )
    for code, (label, description, data_type, vocabulary, managed) in PROPERTY_TYPES.items():
        conn.execute(
            "INSERT INTO property_types(code, label, description, data_type, vocabulary, "
            "managed_internally, registrator, registration_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (code, label, description, data_type, vocabulary, int(managed), SYSTEM, ms),
        )
    for kind, code, description, options, assignments in ENTITY_TYPES:
        conn.execute(
            "INSERT INTO entity_types(kind, code, description, modification_ms, options) "
            "VALUES (?, ?, ?, ?, ?)",
            (kind, code, description, ms, json.dumps(options)),
        )
        conn.executemany(
            "INSERT INTO assignments(kind, type_code, property_code, section, ordinal, mandatory, "
            "registrator, registration_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (kind, code, prop, section, i + 1, int(mandatory), SYSTEM, ms)
                for i, (prop, section, mandatory) in enumerate(assignments)
            ],
        )
    insert_space(conn, "DEFAULT", "Default space", SYSTEM, ms)
    project = insert_project(conn, "DEFAULT", "DEFAULT", "Default project", SYSTEM, ms)
    insert_experiment(
        conn, project, "DEFAULT", "UNKNOWN", SYSTEM, ms, {"$NAME": "Default experiment"}
    )


# Cycled through by seed_dataset_types so the forms see every kind of input.
_BENCH_DATA_TYPES = (
    "VARCHAR",
    "INTEGER",
    "REAL",
    "BOOLEAN",
    "DATE",
    "CONTROLLEDVOCABULARY",
    "MULTILINE_VARCHAR",
    "TIMESTAMP",
    "CONTROLLEDVOCABULARY",
    "HYPERLINK",
)
BENCH_VOCABULARIES = 9  # plus the demo's INSTRUMENTS and STORAGE_CONDITIONS: 11 in use


def _bench_vocabularies(conn: sqlite3.Connection, ms: int) -> list[str]:
    codes = [f"BENCH_VOCAB_{v:02d}" for v in range(1, BENCH_VOCABULARIES + 1)]
    for code in codes:
        conn.execute(
            "INSERT INTO vocabularies(code, description, registrator, registration_ms, "
            "modification_ms) VALUES (?, ?, ?, ?, ?)",
            (code, f"Benchmark vocabulary {code[-2:]}", SYSTEM, ms, ms),
        )
        conn.executemany(
            "INSERT INTO terms(vocabulary, code, label, description, ordinal, official, "
            "registrator, registration_ms, modification_ms) VALUES (?, ?, ?, NULL, ?, 1, ?, ?, ?)",
            [(code, f"TERM_{t}", f"Term {t}", t, SYSTEM, ms, ms) for t in range(1, 6)],
        )
    return [*codes, "INSTRUMENTS", "STORAGE_CONDITIONS"]


def _bench_property(
    conn: sqlite3.Connection, code: str, index: int, vocabularies: list[str], ms: int
) -> None:
    data_type = _BENCH_DATA_TYPES[index % len(_BENCH_DATA_TYPES)]
    vocabulary = (
        vocabularies[index % len(vocabularies)] if data_type == "CONTROLLEDVOCABULARY" else None
    )
    conn.execute(
        "INSERT INTO property_types(code, label, description, data_type, vocabulary, "
        "managed_internally, registrator, registration_ms) VALUES (?, ?, ?, ?, ?, 0, ?, ?)",
        (code, f"Bench {code.lower()}", f"{data_type} property", data_type, vocabulary, SYSTEM, ms),
    )


def seed_dataset_types(conn: sqlite3.Connection, types: int, properties: int) -> None:
    """``types`` data-set types BENCH_TYPE_<i> with ``properties`` property types each, as a
    real instance has them: a few shared by every type (BENCH_COMMON_<j>, a third of them, at
    most 3) and the rest the type's own (BENCH_T<i>_P<j>), of mixed data types, the
    vocabulary ones spread over 11 shared vocabularies; the first is mandatory. 20x10 gives
    143 property types, so a client that loads each property type and vocabulary one by
    one makes as many requests as against a real instance."""
    ms = BASE_MS
    vocabularies = _bench_vocabularies(conn, ms)
    shared = [f"BENCH_COMMON_{j:02d}" for j in range(1, min(3, properties // 3) + 1)]
    for j, code in enumerate(shared):
        _bench_property(conn, code, j, vocabularies, ms)
    counter = len(shared)
    for i in range(1, types + 1):
        type_code = f"BENCH_TYPE_{i:03d}"
        own = [f"BENCH_T{i:03d}_P{j:03d}" for j in range(len(shared) + 1, properties + 1)]
        for code in own:
            _bench_property(conn, code, counter, vocabularies, ms)
            counter += 1
        conn.execute(
            "INSERT INTO entity_types(kind, code, description, modification_ms, options) "
            "VALUES ('DATA_SET', ?, ?, ?, '{}')",
            (type_code, f"Benchmark type {i}", ms),
        )
        conn.executemany(
            "INSERT INTO assignments(kind, type_code, property_code, section, ordinal, mandatory, "
            "registrator, registration_ms) VALUES ('DATA_SET', ?, ?, 'General info', ?, ?, ?, ?)",
            [
                (type_code, code, j + 1, int(j == 0), SYSTEM, ms)
                for j, code in enumerate([*shared, *own])
            ],
        )
