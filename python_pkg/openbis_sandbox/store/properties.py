"""Validation and normalisation of entity property values against a type's assignments.

Texts follow openBIS's ``EntityPropertiesConverter`` / ``PropertyValidator`` messages;
the ones marked (S) are quoted in SPEC §8.2, the others are from openBIS sources as
remembered and marked (I) for confirmation against a live server.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone

from ..errors import OpenbisError
from .ids import resolve_sample
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


def parse_timestamp(value: str) -> datetime | None:
    """A DATE or TIMESTAMP value as openBIS accepts or stores it (UTC unless it has a zone)."""
    for fmt in _TIMESTAMP_FORMATS:
        try:
            parsed = datetime.strptime(value, fmt)
        except ValueError:
            continue
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)
    return None


def _sample_reference(graph: Graph, value: str, own: tuple[str, str] | None) -> str:
    """The permId of the sample a SAMPLE-typed value names (permId or identifier).

    openBIS stores the referenced sample, not the text (``EntityPropertiesConverter``
    resolves the value; the V3 ``PropertyTranslator`` writes the sample's permId back, (I)).
    ``own`` is ``(identifier, permId)`` of the sample being created: it may name itself, as
    pybis's ``test_create_samples_pointing_to_samples_in_transaction`` does.
    """
    if value in graph.samples:
        return value
    if own is not None and value.upper() in (own[0].upper(), own[1].upper()):
        return own[1]
    found = resolve_sample(graph, {"identifier": value})
    if found is None:
        raise OpenbisError(f"Sample '{value}' does not exist.")  # (I)
    return found


def _check_value(
    graph: Graph,
    code: str,
    data_type: str,
    vocabulary: str | None,
    value: str,
    own: tuple[str, str] | None = None,
) -> str:
    """Return the stored form of ``value`` or raise the openBIS validation error."""
    if data_type == "SAMPLE":
        return _sample_reference(graph, value.strip(), own)
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
        parsed = parse_timestamp(value.strip())
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
    graph: Graph,
    entity_type: EntityType,
    properties: dict[str, object] | None,
    own: tuple[str, str] | None = None,
) -> dict[str, str]:
    """Upper-case the codes, validate every value and check mandatory assignments.

    Empty values (``None`` or ``""``) are dropped, as openBIS does. ``own``: identifier and
    permId of the sample being created (a SAMPLE-typed value may name it). Raises
    ``OpenbisError``.
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
            graph, code, property_type.data_type, property_type.vocabulary, value, own
        )
    for code, assignment in assigned.items():
        if assignment.mandatory and code not in result:
            raise OpenbisError(f"Value of mandatory property '{code}' not specified.")  # (I)
    return result


def _stringify(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
