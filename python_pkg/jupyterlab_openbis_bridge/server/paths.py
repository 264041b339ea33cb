"""Confinement of client-supplied paths to the Jupyter root directory.

Paths arrive contents-API style (``dir/sub/file``, relative to the server
root). Everything is checked lexically first (cheap, gives precise messages)
and then against the real file system, so a symlink cannot lead outside.
"""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path, PurePosixPath

from ..errors import Forbidden, InvalidInput

MAX_PATH_LENGTH = 1024
MAX_SEGMENT_BYTES = 255
# Percent-encoded separators or dots are never needed in a JSON body: they only
# show up when someone tries to smuggle a traversal past a decoder.
_ENCODED_TRICKS = re.compile(r"%(2f|5c|2e|00)", re.IGNORECASE)
# Control, format (e.g. RTL override), surrogate, private-use, unassigned, line/paragraph separators.
_REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


def check_name(raw: str, field: str) -> None:
    """Refuse characters that make a file name misleading or unsafe."""
    for ch in raw:
        if unicodedata.category(ch) in _REFUSED_CATEGORIES:
            raise InvalidInput(
                f"{field} contains a control or invisible character",
                fields={field: "invalid character"},
            )
    if len(raw.encode("utf-8")) > MAX_SEGMENT_BYTES:
        raise InvalidInput(f"{field} has a name that is too long", fields={field: "name too long"})


def parse_relative(
    raw: object, field: str, *, allow_hidden: bool, allow_empty: bool = False
) -> PurePosixPath:
    """Validate an API path lexically; returns it normalised (no leading slash, no ``.``)."""
    if not isinstance(raw, str):
        raise InvalidInput(f"{field} must be a string", fields={field: "must be a string"})
    if raw == "" and allow_empty:
        return PurePosixPath()
    if not raw or len(raw) > MAX_PATH_LENGTH:
        raise InvalidInput(
            f"{field} must be 1-{MAX_PATH_LENGTH} characters", fields={field: "bad length"}
        )
    if raw.startswith(("/", "~")) or re.match(r"^[A-Za-z]:", raw):
        raise InvalidInput(
            f"{field} must be relative to the Jupyter root", fields={field: "absolute path"}
        )
    if "\\" in raw or _ENCODED_TRICKS.search(raw):
        raise InvalidInput(
            f"{field} contains an escaped or foreign separator", fields={field: "invalid path"}
        )
    parts = [part for part in raw.split("/") if part not in ("", ".")]
    if not parts and not allow_empty:
        raise InvalidInput(f"{field} is empty", fields={field: "empty path"})
    for part in parts:
        if part == "..":
            raise InvalidInput(f"{field} must not contain '..'", fields={field: "parent reference"})
        check_name(part, field)
        if part.startswith(".") and not allow_hidden:
            raise Forbidden(
                f"{field} refers to a hidden file or folder", fields={field: "hidden path"}
            )
    return PurePosixPath(*parts)


def resolve_in_root(root: Path, relative: PurePosixPath, field: str) -> Path:
    """The absolute location of ``relative`` under ``root``; refuses any escape, including via symlinks."""
    real_root = Path(os.path.realpath(root))
    candidate = Path(os.path.realpath(real_root.joinpath(*relative.parts)))
    if candidate != real_root and real_root not in candidate.parents:
        raise Forbidden(f"{field} leads outside the Jupyter root", fields={field: "outside root"})
    return candidate


def confined(
    root: Path, raw: object, field: str, *, allow_hidden: bool, allow_empty: bool = False
) -> tuple[str, Path]:
    """Parse and resolve in one step: returns the normalised API path and the real path."""
    relative = parse_relative(raw, field, allow_hidden=allow_hidden, allow_empty=allow_empty)
    return relative.as_posix() if relative.parts else "", resolve_in_root(root, relative, field)


def api_path(root: Path, absolute: Path) -> str:
    """The contents-API path of a location under ``root``."""
    return Path(os.path.realpath(absolute)).relative_to(Path(os.path.realpath(root))).as_posix()
