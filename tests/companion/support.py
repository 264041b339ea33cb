"""Names and helpers shared by the companion tests (fixtures live in conftest.py)."""

from __future__ import annotations

from pathlib import Path

CONNECTION = "sandbox"
ADMIN_FAULTS = "/sandbox/admin/faults"


def all_text_under(folder: Path) -> str:
    """Everything written under ``folder`` (to look for leaked secrets)."""
    chunks = []
    for path in folder.rglob("*"):
        if path.is_file():
            chunks.append(path.read_bytes().decode("utf-8", "replace"))
    return "\n".join(chunks)
