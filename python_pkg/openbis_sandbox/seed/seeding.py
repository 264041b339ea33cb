"""Initial content: ``empty`` (masterdata defaults only), ``fresh`` (what a newly installed
openBIS with ELN-LIMS holds: ``empty`` plus the default object /DEFAULT/DEFAULT/DEFAULT and
the ELN's validation plugins), ``demo`` (a small ELN-style lab),
``scale:N`` (demo plus N samples and N data sets, bulk-inserted), ``types:TxP`` (demo
plus T data-set types with P properties each, for upload-form benchmarks) and
``files:NxK`` (demo plus one data set of N files of K KiB, for transfer tests).

Seeding happens once per data dir; an already seeded dir is left untouched.
"""

from __future__ import annotations

import argparse
import re
from dataclasses import dataclass

from ..store.db import Store
from .demo import seed_demo
from .fresh import seed_fresh
from .many_files import seed_many_files
from .masterdata import seed_dataset_types, seed_masterdata
from .scale import seed_scale

SEED_CHOICES_HELP = (
    "demo (default), empty, fresh (a new openBIS with ELN-LIMS: empty plus the object "
    "/DEFAULT/DEFAULT/DEFAULT and the ELN's validation plugins), scale:N (demo plus N samples and N data sets) or "
    "types:TxP (demo plus T data-set types with P properties each) or "
    "files:NxK (demo plus one data set of N files of K KiB)"
)
_TYPES_RE = re.compile(r"types:(\d{1,4})x(\d{1,3})")
_FILES_RE = re.compile(r"files:(\d{1,6})x(\d{1,6})")


@dataclass(frozen=True)
class SeedSpec:
    name: str  # "demo" | "empty" | "fresh" | "scale" | "types" | "files"
    scale: int = 0
    types: int = 0
    properties: int = 0
    files: int = 0
    file_kib: int = 0

    @property
    def label(self) -> str:
        if self.name == "scale":
            return f"scale:{self.scale}"
        if self.name == "types":
            return f"types:{self.types}x{self.properties}"
        if self.name == "files":
            return f"files:{self.files}x{self.file_kib}"
        return self.name


def parse_seed(text: str) -> SeedSpec:
    if text in ("demo", "empty", "fresh"):
        return SeedSpec(text)
    if text.startswith("scale:") and text[6:].isdigit():
        return SeedSpec("scale", int(text[6:]))
    match = _TYPES_RE.fullmatch(text)
    if match and int(match[1]) >= 1 and int(match[2]) >= 1:
        return SeedSpec("types", types=int(match[1]), properties=int(match[2]))
    match = _FILES_RE.fullmatch(text)
    if match and int(match[1]) >= 1:
        return SeedSpec("files", files=int(match[1]), file_kib=int(match[2]))
    raise argparse.ArgumentTypeError(f"--seed must be {SEED_CHOICES_HELP}")


def seed_store(store: Store, spec: SeedSpec) -> bool:
    """Seed an unseeded store; returns False (and changes nothing) if already seeded."""
    with store.transaction() as conn:
        if conn.execute("SELECT 1 FROM meta WHERE key = 'seed'").fetchone():
            return False
        seed_masterdata(conn)
        if spec.name == "fresh":
            seed_fresh(conn)
        elif spec.name != "empty":
            seed_demo(store, conn)
        if spec.name == "scale":
            seed_scale(store, conn, spec.scale)
        if spec.name == "types":
            seed_dataset_types(conn, spec.types, spec.properties)
        if spec.name == "files":
            seed_many_files(store, conn, spec.files, spec.file_kib)
        conn.execute("INSERT INTO meta(key, value) VALUES ('seed', ?)", (spec.label,))
    return True
