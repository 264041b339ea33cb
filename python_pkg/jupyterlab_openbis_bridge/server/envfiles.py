"""``requirements.txt`` and ``runtime.txt`` beside a notebook, written through the ContentsManager.

The content is captured in the kernel by the frontend; the server only checks
it and chooses the (fixed) file names and the folder (the notebook's).
"""

from __future__ import annotations

from typing import Any

from ..errors import InvalidInput
from .paths import parse_relative

REQUIREMENTS_NAME = "requirements.txt"
RUNTIME_NAME = "runtime.txt"
MAX_REQUIREMENTS_CHARS = 512 * 1024
MAX_RUNTIME_CHARS = 200


def _text(value: Any, field: str, limit: int, *, single_line: bool) -> str:
    if not isinstance(value, str):
        raise InvalidInput(f"{field} must be a string", fields={field: "must be a string"})
    if len(value) > limit:
        raise InvalidInput(f"{field} is too long", fields={field: f"at most {limit} characters"})
    allowed = "\t" if single_line else "\t\n\r"
    if any((ord(ch) < 32 and ch not in allowed) or ord(ch) == 0x7F for ch in value):
        raise InvalidInput(
            f"{field} contains control characters", fields={field: "control characters"}
        )
    if single_line and value.strip() and "\n" in value.strip():
        raise InvalidInput(f"{field} must be one line", fields={field: "one line"})
    return value if value.endswith("\n") or not value else value + "\n"


def plan_env_files(body: dict[str, Any], *, allow_hidden: bool) -> dict[str, str]:
    """Validate a request; returns ``{contents-API path: text}`` for the files to write."""
    unknown = set(body) - {"notebookPath", "requirements", "runtime"}
    if unknown:
        raise InvalidInput("unknown fields", fields={k: "unknown field" for k in sorted(unknown)})
    notebook = parse_relative(body.get("notebookPath"), "notebookPath", allow_hidden=allow_hidden)
    if notebook.suffix != ".ipynb":
        raise InvalidInput(
            "notebookPath must name a notebook", fields={"notebookPath": "not a notebook"}
        )
    folder = notebook.parent
    files: dict[str, str] = {}
    if body.get("requirements") is not None:
        files[(folder / REQUIREMENTS_NAME).as_posix()] = _text(
            body["requirements"], "requirements", MAX_REQUIREMENTS_CHARS, single_line=False
        )
    if body.get("runtime") is not None:
        files[(folder / RUNTIME_NAME).as_posix()] = _text(
            body["runtime"], "runtime", MAX_RUNTIME_CHARS, single_line=True
        )
    if not files:
        raise InvalidInput(
            "nothing to write", fields={"requirements": "give requirements and/or runtime"}
        )
    return {path.removeprefix("./"): text for path, text in files.items()}
