"""Re-run a notebook saved in openBIS: fetch it and its inputs, rebuild its environment,
execute it and compare the outputs (``docs/rerun.md``).

Shared by ``jupyter openbis rerun`` and the server's re-run job: no tornado, no Jupyter
server, only pybis (through the client the caller passes), nbclient and subprocesses.
"""

from __future__ import annotations

from .compare import DIFFERENT, ERROR, IDENTICAL, SKIPPED, VOLATILE_TAG, CellVerdict
from .engine import rerun
from .model import (
    EXIT_COULD_NOT_RUN,
    EXIT_DIFFERENT,
    EXIT_IDENTICAL,
    PHASES,
    EnvironmentInfo,
    RerunCancelled,
    RerunFailed,
    RerunOptions,
    RerunReport,
)
from .report import render_report

__all__ = [
    "DIFFERENT",
    "ERROR",
    "EXIT_COULD_NOT_RUN",
    "EXIT_DIFFERENT",
    "EXIT_IDENTICAL",
    "IDENTICAL",
    "PHASES",
    "SKIPPED",
    "VOLATILE_TAG",
    "CellVerdict",
    "EnvironmentInfo",
    "RerunCancelled",
    "RerunFailed",
    "RerunOptions",
    "RerunReport",
    "render_report",
    "rerun",
]
