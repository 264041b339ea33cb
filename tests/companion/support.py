"""Names and helpers shared by the companion tests (fixtures live in conftest.py)."""

from __future__ import annotations

from pathlib import Path

CONNECTION = "sandbox"
ADMIN_FAULTS = "/sandbox/admin/faults"
OUTSIDE_SECRET = "outside-secret-7f3a"  # in the ``outside`` fixture's secret.txt


def all_text_under(folder: Path) -> str:
    """Everything written under ``folder`` (to look for leaked secrets)."""
    chunks = []
    for path in folder.rglob("*"):
        if path.is_file():
            chunks.append(path.read_bytes().decode("utf-8", "replace"))
    return "\n".join(chunks)


def listing(folder: Path) -> list[str]:
    """Every path under ``folder``, relative and sorted (to see that nothing changed)."""
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*"))
