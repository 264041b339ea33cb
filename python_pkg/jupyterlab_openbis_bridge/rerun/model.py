"""What a re-run is asked to do, what it reports, and how it says it could not run."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .compare import DIFFERENT, ERROR, IDENTICAL, SKIPPED, CellVerdict

# Exit codes of ``jupyter openbis rerun`` (docs/rerun.md, docs/cli.md); never renumber.
EXIT_IDENTICAL = 0
EXIT_DIFFERENT = 1
EXIT_COULD_NOT_RUN = 2

PHASES = ("fetch", "environment", "execute", "compare", "save")

# ``progress(phase, done, total, message)``: total None while unknown.
Progress = Callable[[str, int, "int | None", str], None]


def no_progress(phase: str, done: int, total: int | None, message: str) -> None:
    """The default: a re-run that reports nothing while it works."""


class RerunFailed(Exception):
    """The notebook could not be re-run (exit code 2): ``phase`` says where, ``detail`` why."""

    def __init__(self, phase: str, message: str, detail: str = "") -> None:
        super().__init__(message)
        self.phase = phase
        self.message = message
        self.detail = detail


class RerunCancelled(RerunFailed):
    def __init__(self, phase: str) -> None:
        super().__init__(phase, "the re-run was cancelled")


@dataclass(frozen=True)
class RerunOptions:
    perm_id: str
    workdir: Path
    keep: bool = False
    # Reuse the packages of the Python that runs the re-run (a .pth file in the new venv):
    # only what is missing or pinned differently is installed. Fast; less isolated.
    reuse_site_packages: bool = False
    installer: str = "auto"  # auto (uv when installed, else pip) | uv | pip
    python: str | None = None  # an interpreter to use instead of the recorded version
    cell_timeout: float = 600.0
    save: bool = False
    cancelled: Callable[[], bool] = field(default=lambda: False)


@dataclass
class EnvironmentInfo:
    recorded_python: str | None  # e.g. "3.11", from runtime.txt
    used_python: str  # the version of the venv's interpreter
    installer: str
    requirements: int  # lines installed from requirements.txt
    notes: list[str] = field(default_factory=list)  # e.g. the Python version differs

    @property
    def python_differs(self) -> bool:
        return self.recorded_python is not None and self.recorded_python != self.used_python


@dataclass
class RerunReport:
    perm_id: str
    notebook: Path  # the re-executed notebook
    cells: list[CellVerdict]
    environment: EnvironmentInfo
    timings: dict[str, float]  # seconds per phase
    parents: list[str]  # input data sets laid out for the run
    saved_as: str | None = None  # permId of the registered re-run (--save)
    notes: list[str] = field(default_factory=list)

    def count(self, verdict: str) -> int:
        return sum(1 for c in self.cells if c.verdict == verdict)

    @property
    def exit_code(self) -> int:
        changed = self.count(DIFFERENT) + self.count(ERROR)
        return EXIT_DIFFERENT if changed else EXIT_IDENTICAL

    def summary(self) -> str:
        parts = [f"{self.count(IDENTICAL)} identical"]
        for verdict in (DIFFERENT, ERROR, SKIPPED):
            if self.count(verdict):
                parts.append(f"{self.count(verdict)} {verdict}")
        outcome = "same results" if self.exit_code == EXIT_IDENTICAL else "results differ"
        return f"{outcome}: {len(self.cells)} code cells, " + ", ".join(parts)

    def as_json(self) -> dict[str, Any]:
        env = self.environment
        return {
            "permId": self.perm_id,
            "notebook": str(self.notebook),
            "exitCode": self.exit_code,
            "summary": self.summary(),
            "cells": [c.as_json() for c in self.cells],
            "environment": {
                "recordedPython": env.recorded_python,
                "usedPython": env.used_python,
                "pythonDiffers": env.python_differs,
                "installer": env.installer,
                "requirements": env.requirements,
                "notes": list(env.notes),
            },
            "timings": dict(self.timings),
            "parents": list(self.parents),
            "savedAs": self.saved_as,
            "notes": list(self.notes),
        }
