"""Matching of one stored value against a V3 search value (``fieldValue``).

Semantics from openBIS's SQL translator (SPEC §6.3): ``StringEqualToValue`` compares
exactly and case-sensitively, unless wildcards apply (``*``/``?`` with ``useWildcards``
true, the default), which makes it a case-insensitive pattern; Contains/StartsWith/
EndsWith are case-insensitive; numbers compare numerically; dates given as a day match
the whole day.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone
from typing import Any

from ..errors import OpenbisError
from ..jackson import java_name, missing_type, not_a_bean, unknown_type
from ..store.properties import parse_timestamp

STRING_VALUES = {
    "StringEqualToValue",
    "StringStartsWithValue",
    "StringEndsWithValue",
    "StringContainsValue",
    "StringContainsExactlyValue",
    "AnyStringValue",
    "StringGreaterThanValue",
    "StringGreaterThanOrEqualToValue",
    "StringLessThanValue",
    "StringLessThanOrEqualToValue",
}
NUMBER_VALUES = {
    "NumberEqualToValue",
    "NumberGreaterThanValue",
    "NumberGreaterThanOrEqualToValue",
    "NumberLessThanValue",
    "NumberLessThanOrEqualToValue",
}
DATE_VALUES = {
    "DateEqualToValue",
    "DateLaterThanOrEqualToValue",
    "DateEarlierThanOrEqualToValue",
    "DateLaterThanValue",
    "DateEarlierThanValue",
    "DateObjectEqualToValue",
    "DateObjectLaterThanOrEqualToValue",
    "DateObjectEarlierThanOrEqualToValue",
}
_PREFIX = "as.dto.common.search."
_VALUE_BASE = java_name("as.dto.common.search.AbstractValue")


def value_kind(field_value: Any) -> str:
    """Short class name of a ``fieldValue`` bean, validated."""
    if field_value is None:
        raise OpenbisError("Field value cannot be null.")  # (I)
    if not isinstance(field_value, dict):
        raise not_a_bean(field_value, '["fieldValue"]')
    full = field_value.get("@type")
    if full is None:
        raise missing_type(_VALUE_BASE)
    short = full[len(_PREFIX) :] if isinstance(full, str) and full.startswith(_PREFIX) else ""
    if short not in STRING_VALUES | NUMBER_VALUES | DATE_VALUES:
        raise unknown_type(full, _VALUE_BASE)
    return short


def wildcard_regex(pattern: str) -> re.Pattern[str]:
    parts = (".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.compile("".join(parts), re.IGNORECASE | re.DOTALL)


def match_string(stored: str | None, kind: str, value: Any, use_wildcards: bool) -> bool:
    if stored is None:
        return False
    if kind == "AnyStringValue":
        return True
    if not isinstance(value, str):
        return False
    if kind == "StringEqualToValue":
        if use_wildcards and ("*" in value or "?" in value):
            return wildcard_regex(value).fullmatch(stored) is not None
        return stored == value
    if kind == "StringContainsExactlyValue":
        return value in stored
    low, val = stored.lower(), value.lower()
    if use_wildcards and ("*" in value or "?" in value):
        regex = wildcard_regex(value)
        if kind == "StringStartsWithValue":
            return regex.match(stored) is not None
        if kind == "StringContainsValue":
            return regex.search(stored) is not None
        if kind == "StringEndsWithValue":
            return any(regex.fullmatch(stored[i:]) for i in range(len(stored) + 1))
    if kind == "StringStartsWithValue":
        return low.startswith(val)
    if kind == "StringEndsWithValue":
        return low.endswith(val)
    if kind == "StringContainsValue":
        return val in low
    comparisons = {
        "StringGreaterThanValue": stored > value,
        "StringGreaterThanOrEqualToValue": stored >= value,
        "StringLessThanValue": stored < value,
        "StringLessThanOrEqualToValue": stored <= value,
    }
    return comparisons.get(kind, False)


def _number(text: Any) -> float | None:
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


def match_number(stored: str | None, kind: str, value: Any) -> bool:
    left, right = _number(stored), _number(value)
    if left is None or right is None:
        return False
    return {
        "NumberEqualToValue": left == right,
        "NumberGreaterThanValue": left > right,
        "NumberGreaterThanOrEqualToValue": left >= right,
        "NumberLessThanValue": left < right,
        "NumberLessThanOrEqualToValue": left <= right,
    }[kind]


_DATE_INPUT_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d")


def parse_search_date(value: Any) -> tuple[datetime, timedelta]:
    """The instant a search date denotes and its granularity (a day or a second/minute)."""
    if isinstance(value, (int, float)):
        return datetime.fromtimestamp(value / 1000, timezone.utc), timedelta(milliseconds=1)
    if isinstance(value, str):
        for fmt in _DATE_INPUT_FORMATS:
            try:
                parsed = datetime.strptime(value.strip(), fmt).replace(tzinfo=timezone.utc)
            except ValueError:
                continue
            span = {"%Y-%m-%d": timedelta(days=1), "%Y-%m-%d %H:%M": timedelta(minutes=1)}
            return parsed, span.get(fmt, timedelta(seconds=1))
    raise OpenbisError(
        f"Unrecognized date format: {value}. Please use one of the following: "
        "yyyy-MM-dd, yyyy-MM-dd HH:mm, yyyy-MM-dd HH:mm:ss"
    )  # (I)


def stored_instant(stored: Any) -> datetime | None:
    """A stored date: epoch ms (attributes) or a DATE/TIMESTAMP property string."""
    if stored is None:
        return None
    if isinstance(stored, int):
        return datetime.fromtimestamp(stored / 1000, timezone.utc)
    return parse_timestamp(str(stored).strip())


def match_date(stored: Any, kind: str, value: Any) -> bool:
    instant = stored_instant(stored)
    if instant is None:
        return False
    start, span = parse_search_date(value)
    end = start + span
    if kind in ("DateEqualToValue", "DateObjectEqualToValue"):
        return start <= instant < end
    if kind in ("DateLaterThanOrEqualToValue", "DateObjectLaterThanOrEqualToValue"):
        return instant >= start
    if kind in ("DateEarlierThanOrEqualToValue", "DateObjectEarlierThanOrEqualToValue"):
        return instant < end
    if kind == "DateLaterThanValue":
        return instant >= end
    if kind == "DateEarlierThanValue":
        return instant < start
    return False


def match_value(stored: Any, field_value: dict[str, Any] | None, use_wildcards: bool) -> bool:
    if field_value is None:
        return True  # a string criterion without a value: see match_string
    kind = value_kind(field_value)
    value = field_value.get("value")
    if kind in NUMBER_VALUES:
        return match_number(stored, kind, value)
    if kind in DATE_VALUES:
        return match_date(stored, kind, value)
    if value is None:
        # openBIS's StringFieldMatcher (server.asapi.v3.executor.common.search): a null
        # field value, a null value or an AnyStringValue matches every object, even one
        # whose field is null; pybis's get_property_types() sends code = null
        return True
    if not isinstance(value, str):  # Jackson reads a scalar into a String field as text
        value = json.dumps(value)
    return match_string(None if stored is None else str(stored), kind, value, use_wildcards)
