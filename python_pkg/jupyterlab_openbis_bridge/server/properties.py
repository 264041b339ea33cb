"""Coercion and validation of property values against a data-set type's masterdata.

Values come from a web form: numbers may arrive as strings, booleans as
"true", dates in ISO form. Everything is checked *before* any upload starts,
and all problems are reported at once, one message per field. Output values
are the string forms openBIS stores.

Strings are accepted only in the forms openBIS itself parses (ASCII digits only):
INTEGER a Java ``long`` (``Long.parseLong``), REAL a plain decimal or scientific
number (``Double.parseDouble`` without hex, ``NaN``, ``Infinity`` or type suffixes),
DATE ``yyyy-MM-dd`` and TIMESTAMP the patterns of openBIS's ``SupportedDateTimePattern``:
``yyyy-MM-dd HH:mm[:ss]``, ``yyyy-MM-dd HH:mm:ss Z`` (``+0100``), ``yyyy-MM-dd'T'HH:mm[:ss]``
optionally with a zone (``Z``, ``+01``, ``+0100``, ``+01:00``), or a bare date. Python's
lenient parsers (``20240101``, ``2024-W01-1``, ``1_000``, ``١٢``) are not used on strings.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from datetime import date, datetime, timedelta, timezone
from typing import Any

from ..errors import InvalidInput
from .masterdata import DataSetTypeInfo, PropertyInfo
from .paths import check_name

_INT_RE = re.compile(r"[+-]?[0-9]{1,19}")  # a Java long has at most 19 digits
_REAL_RE = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]{1,3})?")
_DATE_RE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_TIMESTAMP_RE = re.compile(
    r"(?P<date>[0-9]{4}-[0-9]{2}-[0-9]{2})"
    r"(?:"
    r"(?: (?P<st>[0-9]{2}:[0-9]{2}(?::[0-9]{2})?)(?: (?P<sz>[+-][0-9]{4}))?)"
    r"|(?:T(?P<tt>[0-9]{2}:[0-9]{2}(?::[0-9]{2})?)(?P<tz>Z|[+-][0-9]{2}(?::?[0-9]{2})?)?)"
    r")?"
)
_LONG_MIN, _LONG_MAX = -(2**63), 2**63 - 1  # openBIS INTEGER is a Java long
MAX_REAL_CHARS = 64
MAX_TEXT_LENGTH = 1_000_000
MAX_PROPERTIES = 500  # entries of ``properties``
MAX_VALUES = 1000  # values of one multi-value property
_TEXT_TYPES = {
    "VARCHAR",
    "MULTILINE_VARCHAR",
    "XML",
    "HYPERLINK",
    "SAMPLE",
    "OBJECT",
    "JSON",
    "ARRAY_STRING",
}


class _Bad(ValueError):
    pass


def field_key(code: str) -> str:
    return f"properties.{code}"


def coerce_properties(dataset_type: DataSetTypeInfo, values: Any) -> dict[str, str | list[str]]:
    """Return ``{CODE: value}`` ready for openBIS, or raise ``InvalidInput`` listing every bad field."""
    if values is None:
        values = {}
    if not isinstance(values, Mapping):
        raise InvalidInput(
            "properties must be an object", fields={"properties": "must be an object"}
        )
    if len(values) > MAX_PROPERTIES:
        raise InvalidInput(
            f"properties may hold at most {MAX_PROPERTIES} values",
            fields={"properties": "too many values"},
        )
    errors: dict[str, str] = {}
    result: dict[str, str | list[str]] = {}
    for raw_code, raw_value in values.items():
        code = str(raw_code).upper()
        info = dataset_type.property(code)
        if info is None:
            errors[field_key(code)] = f"not a property of {dataset_type.code}"
            continue
        if raw_value is None or raw_value == "" or raw_value == []:
            continue  # empty means "not set", as in openBIS
        try:
            result[code] = _coerce(info, raw_value)
        except _Bad as exc:
            errors[field_key(code)] = str(exc)
    for info in dataset_type.properties:
        if info.mandatory and info.code not in result and field_key(info.code) not in errors:
            errors[field_key(info.code)] = "required"
    if errors:
        raise InvalidInput("some property values are invalid", fields=errors)
    return result


def _coerce(info: PropertyInfo, value: Any) -> str | list[str]:
    if info.multi_value and isinstance(value, list):
        if len(value) > MAX_VALUES:
            raise _Bad(f"takes at most {MAX_VALUES} values")
        return [_coerce_one(info, item) for item in value]
    if isinstance(value, list):
        raise _Bad("takes a single value")
    return _coerce_one(info, value)


def _coerce_one(info: PropertyInfo, value: Any) -> str:
    kind = info.data_type
    if kind == "INTEGER":
        return _integer(value)
    if kind == "REAL":
        return _real(value)
    if kind == "BOOLEAN":
        return _boolean(value)
    if kind == "DATE":
        return _date(value)
    if kind == "TIMESTAMP":
        return _timestamp(value)
    if kind == "CONTROLLEDVOCABULARY":
        return _term(info, value)
    if kind == "HYPERLINK":
        text = _text(value)
        if not re.fullmatch(r"(https?|ftp)://\S+", text):
            raise _Bad("must be an http(s) or ftp link")
        return text
    return _text(value)


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise _Bad("must be text")
    if len(value) > MAX_TEXT_LENGTH:
        raise _Bad("is too long")
    if any(ord(ch) < 32 and ch not in "\t\n\r" for ch in value) or "\x7f" in value:
        raise _Bad("contains control characters")
    return value


def _integer(value: Any) -> str:
    if isinstance(value, bool):
        raise _Bad("must be a whole number")
    if isinstance(value, float):
        if not value.is_integer():
            raise _Bad("must be a whole number")
        value = int(value)
    if isinstance(value, str):
        text = value.strip()
        if len(text) > 40:
            raise _Bad("is out of range")  # checked first: int() of huge strings is refused
        if not _INT_RE.fullmatch(text):
            raise _Bad("must be a whole number")
        value = int(text)
    if not isinstance(value, int):
        raise _Bad("must be a whole number")
    if not _LONG_MIN <= value <= _LONG_MAX:
        raise _Bad("is out of range")
    return str(value)


def _real(value: Any) -> str:
    if isinstance(value, bool):
        raise _Bad("must be a number")
    if isinstance(value, str):
        text = value.strip()
        if len(text) > MAX_REAL_CHARS or not _REAL_RE.fullmatch(text):
            raise _Bad("must be a number")
        value = float(text)
    if not isinstance(value, (int, float)):
        raise _Bad("must be a number")
    number = float(value)
    if not math.isfinite(number):
        raise _Bad("must be a finite number")
    if number.is_integer() and abs(number) < 1e15:
        return str(int(number))  # "2" rather than "2.0" for whole numbers
    return repr(number)


def _boolean(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower()
    raise _Bad("must be true or false")


def _date(value: Any) -> str:
    text = value.strip() if isinstance(value, str) else ""
    match = _DATE_RE.fullmatch(text)
    try:
        if match is None:
            raise ValueError
        return date(*(int(part) for part in match.groups())).isoformat()
    except ValueError:
        raise _Bad("must be a date (YYYY-MM-DD)") from None


_TIMESTAMP_HINT = "must be a timestamp (YYYY-MM-DD HH:MM[:SS] [+HHMM])"


def _timestamp(value: Any) -> str:
    text = value.strip() if isinstance(value, str) else ""
    match = _TIMESTAMP_RE.fullmatch(text)
    if match is None:
        raise _Bad(_TIMESTAMP_HINT)
    clock = match["st"] or match["tt"] or "00:00"
    zone = match["sz"] or match["tz"]
    try:
        moment = datetime.strptime(f"{match['date']} {clock}", _clock_format(clock))
    except ValueError:
        raise _Bad(_TIMESTAMP_HINT) from None
    if zone:
        moment = moment.replace(tzinfo=_zone(zone))
    stamp = moment.strftime("%Y-%m-%d %H:%M:%S")
    # openBIS accepts "yyyy-mm-dd HH:mm:ss Z"; keep the zone when the user gave one.
    return f"{stamp} {moment.strftime('%z')}" if moment.tzinfo else stamp


def _clock_format(clock: str) -> str:
    return "%Y-%m-%d %H:%M:%S" if clock.count(":") == 2 else "%Y-%m-%d %H:%M"


def _zone(text: str) -> timezone:
    """``Z``, ``+01``, ``+0100`` or ``+01:00`` as a fixed offset."""
    if text == "Z":
        return timezone.utc
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:] or "0")
    if hours > 18 or minutes > 59:
        raise _Bad(_TIMESTAMP_HINT)
    offset = timedelta(hours=hours, minutes=minutes)
    return timezone(-offset if text[0] == "-" else offset)


def _term(info: PropertyInfo, value: Any) -> str:
    if not isinstance(value, str):
        raise _Bad("must be one of the vocabulary terms")
    code = value.strip().upper()
    allowed = [term.code for term in info.terms]
    if code not in allowed:
        shown = ", ".join(allowed[:20]) + (" ..." if len(allowed) > 20 else "")
        raise _Bad(f"must be one of: {shown}")
    return code


def check_code(raw: Any, field: str) -> str:
    """An openBIS code (type code, property code): letters, digits, '_', '-', '.', optional '$' prefix."""
    if not isinstance(raw, str) or not re.fullmatch(r"\$?[A-Za-z0-9_.\-]{1,100}", raw):
        raise InvalidInput(f"{field} is not a valid openBIS code", fields={field: "invalid code"})
    check_name(raw, field)
    return raw.upper()
