"""Small request-value parsers shared by the service: lists, numbers, JSON depth, CA bundles.

Each answers bad input with an ``InvalidInput`` naming the parameter, never with an
exception that would become a 500. Numbers accept ASCII digits only (``str.isdigit``
and ``float`` also take ``²`` or ``١``), lists are deduplicated and bounded.
"""

from __future__ import annotations

import os
import re
import ssl
import stat
from typing import Any

from ..errors import InvalidInput

MAX_LIST_ITEMS = 100  # comma-separated query lists (``kinds``, ``ids``)
MAX_JSON_DEPTH = 64  # nesting of a request body
MAX_CA_BUNDLE_BYTES = 10 * 1024 * 1024
CA_BUNDLE_MESSAGE = "caBundle must be an absolute path to a readable PEM file of certificates"

_ASCII_WHOLE = re.compile(r"[0-9]{1,9}")
# ``30``, ``0.5``, ``.5``, ``1e-05`` (Python's ``f"{x:g}"`` of a small number): ASCII only.
_ASCII_DECIMAL = re.compile(r"([0-9]{1,6}(\.[0-9]{0,9})?|\.[0-9]{1,9})([eE][+-]?[0-9]{1,2})?")
_PEM_CERT = re.compile(
    rb"-----BEGIN CERTIFICATE-----\r?\n[A-Za-z0-9+/=\r\n]+-----END CERTIFICATE-----"
)


def parse_list(
    raw: str | None, field: str, *, allowed: tuple[str, ...] | None = None
) -> list[str] | None:
    """A comma-separated query list: deduplicated, at most ``MAX_LIST_ITEMS`` entries."""
    if raw is None:
        return None
    items = [item for item in raw.split(",") if item]
    if len(items) > MAX_LIST_ITEMS:
        raise InvalidInput(
            f"{field} may list at most {MAX_LIST_ITEMS} values", fields={field: "too many values"}
        )
    unique = list(dict.fromkeys(items))
    if allowed is not None and any(item not in allowed for item in unique):
        raise InvalidInput(f"{field} must be among {', '.join(allowed)}", fields={field: "invalid"})
    return unique


def whole_number(raw: str, field: str) -> int:
    """A non-negative whole number written in ASCII digits (at most 9 of them)."""
    if not _ASCII_WHOLE.fullmatch(raw):
        raise InvalidInput(f"{field} must be a whole number", fields={field: "invalid"})
    return int(raw)


def seconds(raw: str, field: str) -> float:
    """A non-negative number of seconds in decimal ASCII notation (``30``, ``0.5``, ``1e-05``)."""
    if not _ASCII_DECIMAL.fullmatch(raw):
        raise InvalidInput(f"{field} must be a number of seconds", fields={field: "invalid"})
    return float(raw)


def check_depth(value: Any, limit: int = MAX_JSON_DEPTH) -> None:
    """Refuse JSON nested deeper than ``limit`` (iteratively: deep input cannot recurse here)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        current, depth = stack.pop()
        if isinstance(current, (dict, list)):
            if depth > limit:
                raise InvalidInput(f"the request body is nested deeper than {limit} levels")
            children = current.values() if isinstance(current, dict) else current
            stack.extend((child, depth + 1) for child in children)


def check_ca_bundle(raw: Any) -> None:
    """A ``caBundle`` from a request: an absolute path to a readable PEM file of certificates.

    Every failure gets the same message, so the answer never tells whether a path
    exists, is a folder or is unreadable.
    """
    if raw is None or raw == "":
        return
    if not isinstance(raw, str) or "\x00" in raw or not os.path.isabs(raw) or len(raw) > 4096:
        raise _bad_bundle()
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(raw, flags)
    except OSError:
        raise _bad_bundle() from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or not 0 < info.st_size <= MAX_CA_BUNDLE_BYTES:
            raise _bad_bundle()
        with os.fdopen(os.dup(fd), "rb") as handle:
            data = handle.read(MAX_CA_BUNDLE_BYTES + 1)
    except OSError:
        raise _bad_bundle() from None
    finally:
        os.close(fd)
    certificates = _PEM_CERT.findall(data)
    if not certificates or b"PRIVATE KEY" in data:
        raise _bad_bundle()
    try:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.load_verify_locations(cadata=b"\n".join(certificates).decode("ascii"))
    except (ssl.SSLError, ValueError):
        raise _bad_bundle() from None


def _bad_bundle() -> InvalidInput:
    return InvalidInput(CA_BUNDLE_MESSAGE, fields={"caBundle": "not a readable PEM file"})
