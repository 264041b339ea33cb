"""Coercion and validation of property values against a data-set type's masterdata.

Values come from a web form: numbers may arrive as strings, booleans as
"true", dates in ISO form. Everything is checked *before* any upload starts,
and all problems are reported at once, one message per field. Output values
are the string forms openBIS stores.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from ..errors import InvalidInput
from .masterdata import DataSetTypeInfo, PropertyInfo
from .paths import check_name

_INT_RE = re.compile(r"[+-]?\d+")
_LONG_MIN, _LONG_MAX = -(2**63), 2**63 - 1  # openBIS INTEGER is a Java long
MAX_TEXT_LENGTH = 1_000_000
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
        try:
            value = float(value.strip())
        except ValueError:
            raise _Bad("must be a number") from None
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
    if not isinstance(value, str):
        raise _Bad("must be a date (YYYY-MM-DD)")
    try:
        return date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        raise _Bad("must be a date (YYYY-MM-DD)") from None


def _timestamp(value: Any) -> str:
    if not isinstance(value, str):
        raise _Bad("must be a timestamp (YYYY-MM-DD HH:MM[:SS][±HH:MM])")
    text = value.strip().replace("Z", "+00:00")
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise _Bad("must be a timestamp (YYYY-MM-DD HH:MM[:SS][±HH:MM])") from None
    stamp = moment.strftime("%Y-%m-%d %H:%M:%S")
    # openBIS accepts "yyyy-mm-dd HH:mm:ss Z"; keep the zone when the user gave one.
    return f"{stamp} {moment.strftime('%z')}" if moment.tzinfo else stamp


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
