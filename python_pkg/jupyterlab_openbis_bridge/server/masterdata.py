"""Data-set types with property assignments and vocabulary terms, in a constant number of calls.

pybis fetches each type, then each property type, then each vocabulary
(N+1+M round trips). One ``searchDataSetTypes`` with nested fetch options gets
everything; only if the server does not fill the nested terms do we make a
single extra ``searchVocabularyTerms`` for all vocabularies.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..errors import NotFound
from ..openbis_client import BridgeOpenbis
from .jackson import IdIndex, code_of, index_ids, objects, ref
from .jackson import field as jfield

_FO = "as.dto.{}.fetchoptions.{}FetchOptions"

TYPE_FETCH_OPTIONS: dict[str, Any] = {
    "@type": _FO.format("dataset", "DataSetType"),
    "propertyAssignments": {
        "@type": _FO.format("property", "PropertyAssignment"),
        "propertyType": {
            "@type": _FO.format("property", "PropertyType"),
            "vocabulary": {
                "@type": _FO.format("vocabulary", "Vocabulary"),
                "terms": {"@type": _FO.format("vocabulary", "VocabularyTerm")},
            },
        },
    },
}


@dataclass(frozen=True)
class Term:
    code: str
    label: str | None
    description: str | None
    ordinal: int | None
    official: bool

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "label": self.label,
            "description": self.description,
            "ordinal": self.ordinal,
            "official": self.official,
        }


@dataclass(frozen=True)
class PropertyInfo:
    code: str
    label: str | None
    description: str | None
    data_type: str
    mandatory: bool
    section: str | None
    ordinal: int | None
    multi_value: bool
    vocabulary: str | None
    terms: tuple[Term, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "label": self.label,
            "description": self.description,
            "dataType": self.data_type,
            "mandatory": self.mandatory,
            "section": self.section,
            "ordinal": self.ordinal,
            "multiValue": self.multi_value,
            "vocabulary": self.vocabulary,
            "terms": [t.to_json() for t in self.terms],
        }


@dataclass(frozen=True)
class DataSetTypeInfo:
    code: str
    description: str | None
    properties: tuple[PropertyInfo, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "description": self.description,
            "properties": [p.to_json() for p in self.properties],
        }

    def property(self, code: str) -> PropertyInfo | None:
        upper = code.upper()
        return next((p for p in self.properties if p.code == upper), None)


def fetch_dataset_types(client: BridgeOpenbis) -> list[DataSetTypeInfo]:
    """All data-set types with their assignments; 1 call, or 2 if terms are not nested."""
    result = client.as_call(
        "searchDataSetTypes",
        {"@type": "as.dto.dataset.search.DataSetTypeSearchCriteria"},
        TYPE_FETCH_OPTIONS,
    )
    index = index_ids(result)
    raw_types = objects(jfield(result, "objects", index), index)
    needs_terms = False
    for raw_type in raw_types:
        for assignment in objects(jfield(raw_type, "propertyAssignments", index), index):
            vocabulary = ref(ref(assignment, "propertyType", index), "vocabulary", index)
            if isinstance(vocabulary, dict) and not isinstance(
                jfield(vocabulary, "terms", index), list
            ):
                needs_terms = True
    terms_by_vocabulary = _fetch_all_terms(client) if needs_terms else None
    types = [_to_type(raw_type, index, terms_by_vocabulary) for raw_type in raw_types]
    return sorted(types, key=lambda t: t.code)


def _fetch_all_terms(client: BridgeOpenbis) -> dict[str, tuple[Term, ...]]:
    result = client.as_call(
        "searchVocabularyTerms",
        {"@type": "as.dto.vocabulary.search.VocabularyTermSearchCriteria"},
        {
            "@type": _FO.format("vocabulary", "VocabularyTerm"),
            "vocabulary": {"@type": _FO.format("vocabulary", "Vocabulary")},
        },
    )
    index = index_ids(result)
    grouped: dict[str, list[Term]] = {}
    for raw in objects(jfield(result, "objects", index), index):
        vocabulary = jfield(ref(raw, "permId", index), "vocabularyCode", index)
        if isinstance(vocabulary, str):
            grouped.setdefault(vocabulary, []).append(_to_term(raw, index))
    return {code: _sorted_terms(terms) for code, terms in grouped.items()}


def _to_type(
    raw: dict[str, Any], index: IdIndex, terms: dict[str, tuple[Term, ...]] | None
) -> DataSetTypeInfo:
    properties = []
    for assignment in objects(jfield(raw, "propertyAssignments", index), index):
        ptype = ref(assignment, "propertyType", index)
        code = code_of(ptype, index)
        if not code:
            continue
        vocabulary = ref(ptype, "vocabulary", index)
        vocabulary_code = code_of(vocabulary, index)
        if vocabulary_code and terms is not None:
            vocabulary_terms = terms.get(vocabulary_code, ())
        else:
            vocabulary_terms = _sorted_terms(
                _to_term(t, index) for t in objects(jfield(vocabulary, "terms", index), index)
            )
        properties.append(
            PropertyInfo(
                code=code,
                label=_str(jfield(ptype, "label", index)),
                description=_str(jfield(ptype, "description", index)),
                data_type=_str(jfield(ptype, "dataType", index)) or "VARCHAR",
                mandatory=jfield(assignment, "mandatory", index) is True,
                section=_str(jfield(assignment, "section", index)),
                ordinal=_int(jfield(assignment, "ordinal", index)),
                multi_value=jfield(ptype, "multiValue", index) is True,
                vocabulary=vocabulary_code,
                terms=vocabulary_terms,
            )
        )
    properties.sort(key=lambda p: (p.ordinal is None, p.ordinal or 0, p.code))
    return DataSetTypeInfo(
        code=code_of(raw, index) or "",
        description=_str(jfield(raw, "description", index)),
        properties=tuple(properties),
    )


def _to_term(raw: dict[str, Any], index: IdIndex) -> Term:
    return Term(
        code=code_of(raw, index) or "",
        label=_str(jfield(raw, "label", index)),
        description=_str(jfield(raw, "description", index)),
        ordinal=_int(jfield(raw, "ordinal", index)),
        official=jfield(raw, "official", index) is not False,
    )


def _sorted_terms(terms: Any) -> tuple[Term, ...]:
    return tuple(sorted(terms, key=lambda t: (t.ordinal is None, t.ordinal or 0, t.code)))


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


@dataclass
class _Entry:
    fetched_at: float
    types: list[DataSetTypeInfo] = field(default_factory=list)


class MasterdataCache:
    """Per-connection cache of data-set types with a time-to-live and explicit refresh."""

    def __init__(self, ttl_seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._ttl = ttl_seconds
        self._clock = clock
        self._entries: dict[str, _Entry] = {}
        self._lock = threading.Lock()

    def get(
        self, connection: str, fetch: Callable[[], list[DataSetTypeInfo]], *, refresh: bool = False
    ) -> list[DataSetTypeInfo]:
        with self._lock:
            entry = self._entries.get(connection)
        if entry is not None and not refresh and self._clock() - entry.fetched_at < self._ttl:
            return entry.types
        types = fetch()
        with self._lock:
            self._entries[connection] = _Entry(self._clock(), types)
        return types

    def get_type(
        self, connection: str, code: str, fetch: Callable[[], list[DataSetTypeInfo]]
    ) -> DataSetTypeInfo:
        wanted = code.upper()
        for refresh in (False, True):  # a type created since the last fetch is found on refresh
            for info in self.get(connection, fetch, refresh=refresh):
                if info.code == wanted:
                    return info
        raise NotFound(f"no data-set type {code!r}", fields={"type": "unknown data-set type"})

    def invalidate(self, connection: str) -> None:
        with self._lock:
            self._entries.pop(connection, None)
