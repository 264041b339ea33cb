"""Validation and normalisation of entity property values against a type's assignments.

Texts follow openBIS's ``EntityPropertiesConverter`` / ``PropertyValidator`` messages;
the ones marked (S) are quoted in SPEC §8.2, the others are from openBIS sources as
remembered and marked (I) for confirmation against a live server.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone

from ..errors import OpenbisError
from .records import EntityType, Graph

KIND_LABEL = {"DATA_SET": "data set", "SAMPLE": "sample", "EXPERIMENT": "experiment"}

_DATE_FORMATS = ("%Y-%m-%d",)
_TIMESTAMP_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %H:%M:%S %z",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%d",
)


def _parses(value: str, formats: tuple[str, ...]) -> bool:
    for fmt in formats:
        try:
            datetime.strptime(value, fmt)
            return True
        except ValueError:
            continue
    return False


TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S %z"


def _parse_timestamp(value: str) -> datetime | None:
    for fmt in _TIMESTAMP_FORMATS:
        try:
            parsed = datetime.strptime(value, fmt)
        except ValueError:
            continue
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)
    return None


def _check_value(
    graph: Graph, code: str, data_type: str, vocabulary: str | None, value: str
) -> str:
    """Return the stored form of ``value`` or raise the openBIS validation error."""
    if data_type == "INTEGER":
        if not re.fullmatch(r"[+-]?\d+", value.strip()):
            raise OpenbisError(f"Integer value '{value}' has improper format.")  # (I)
        return str(int(value))
    if data_type == "REAL":
        try:
            float(value)
        except ValueError:
            raise OpenbisError(f"Double value '{value}' has improper format.") from None  # (I)
        return value.strip()
    if data_type == "BOOLEAN":
        if value.strip().lower() not in ("true", "false"):
            raise OpenbisError(  # (I)
                f"Boolean value '{value}' has improper format. "
                "It should be either 'true' or 'false'."
            )
        return value.strip().lower()
    if data_type == "DATE":
        if not _parses(value.strip(), _DATE_FORMATS):
            raise OpenbisError(  # (I)
                f"Date value '{value}' has improper format. It must be one of '[yyyy-mm-dd]'."
            )
        return value.strip()
    if data_type == "TIMESTAMP":
        parsed = _parse_timestamp(value.strip())
        if parsed is None:
            raise OpenbisError(  # (I)
                f"Timestamp value '{value}' has improper format. It must be one of "
                "'[yyyy-mm-dd HH:mm:ss, yyyy-mm-dd HH:mm, yyyy-mm-dd]'."
            )
        # openBIS returns timestamps as "yyyy-MM-dd HH:mm:ss Z" (SPEC §2.10); the sandbox's
        # zone is UTC
        return parsed.strftime(TIMESTAMP_FORMAT)
    if data_type == "CONTROLLEDVOCABULARY":
        term = value.strip().upper()
        if (vocabulary, term) not in graph.terms:
            allowed = [t.code for t in graph.terms_of(vocabulary or "")]
            raise OpenbisError(  # (I)
                f"Vocabulary value '{term}' is not valid. It must exist in '{vocabulary}' "
                f"controlled vocabulary {allowed}"
            )
        return term
    return value


def normalise_properties(
    graph: Graph, entity_type: EntityType, properties: dict[str, object] | None
) -> dict[str, str]:
    """Upper-case the codes, validate every value and check mandatory assignments.

    Empty values (``None`` or ``""``) are dropped, as openBIS does. Raises ``OpenbisError``.
    """
    assigned = {a.property_code: a for a in entity_type.assignments}
    result: dict[str, str] = {}
    for raw_code, raw_value in (properties or {}).items():
        code = str(raw_code).upper()
        if raw_value is None or raw_value == "":
            continue
        property_type = graph.property_types.get(code)
        if property_type is None:
            raise OpenbisError(f"Property type with code '{code}' does not exist!")  # (S)
        if code not in assigned:
            raise OpenbisError(  # (I)
                f"Property type '{code}' is not assigned to "
                f"{KIND_LABEL[entity_type.kind]} type '{entity_type.code}'."
            )
        value = raw_value if isinstance(raw_value, str) else _stringify(raw_value)
        result[code] = _check_value(
            graph, code, property_type.data_type, property_type.vocabulary, value
        )
    for code, assignment in assigned.items():
        if assignment.mandatory and code not in result:
            raise OpenbisError(f"Value of mandatory property '{code}' not specified.")  # (I)
    return result


def _stringify(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
