"""AS masterdata methods: entity types, property types, vocabularies and terms."""

from __future__ import annotations

from typing import Any

from ..context import SandboxContext
from ..dto import masterdata as dto
from ..dto.common import Builder
from ..store.records import EntityType, Graph, Term
from .common import get_by_ids, search_result


def _type_resolver(kind: str):
    def resolve(graph: Graph, id_obj: dict[str, Any]) -> EntityType | None:
        code, sent_kind = id_obj.get("permId"), id_obj.get("entityKind")
        if not isinstance(code, str) or (sent_kind and sent_kind != kind):
            return None
        return graph.entity_type(kind, code.upper())

    return resolve


def _type_methods(kind: str, name: str, criteria_type: str) -> dict[str, Any]:
    def get_types(ctx: SandboxContext, token: Any, ids: Any, fo: Any) -> dict[str, Any]:
        return get_by_ids(ctx, token, ids, fo, _type_resolver(kind), dto.entity_type)

    def search_types(ctx: SandboxContext, token: Any, criteria: Any, fo: Any) -> dict[str, Any]:
        return search_result(
            ctx,
            token,
            criteria,
            fo,
            (criteria_type,),
            "TYPE",
            lambda g: list(g.types_of_kind(kind)),
            dto.entity_type,
        )

    return {f"get{name}Types": get_types, f"search{name}Types": search_types}


def _by_code(table: str):
    def resolve(graph: Graph, id_obj: dict[str, Any]):
        code = id_obj.get("permId")
        return getattr(graph, table).get(code.upper()) if isinstance(code, str) else None

    return resolve


def get_property_types(ctx: SandboxContext, token: Any, ids: Any, fo: Any) -> dict[str, Any]:
    return get_by_ids(ctx, token, ids, fo, _by_code("property_types"), dto.property_type)


def search_property_types(
    ctx: SandboxContext, token: Any, criteria: Any, fo: Any
) -> dict[str, Any]:
    return search_result(
        ctx,
        token,
        criteria,
        fo,
        ("as.dto.property.search.PropertyTypeSearchCriteria",),
        "PROPERTY_TYPE",
        lambda g: g.property_types.values(),
        dto.property_type,
    )


def get_vocabularies(ctx: SandboxContext, token: Any, ids: Any, fo: Any) -> dict[str, Any]:
    return get_by_ids(ctx, token, ids, fo, _by_code("vocabularies"), dto.vocabulary)


def search_vocabularies(ctx: SandboxContext, token: Any, criteria: Any, fo: Any) -> dict[str, Any]:
    return search_result(
        ctx,
        token,
        criteria,
        fo,
        ("as.dto.vocabulary.search.VocabularySearchCriteria",),
        "VOCABULARY",
        lambda g: g.vocabularies.values(),
        dto.vocabulary,
    )


def _resolve_term(graph: Graph, id_obj: dict[str, Any]) -> Term | None:
    code, vocabulary = id_obj.get("code"), id_obj.get("vocabularyCode")
    if not isinstance(code, str) or not isinstance(vocabulary, str):
        return None
    return graph.terms.get((vocabulary.upper(), code.upper()))


def _term(builder: Builder, term: Term, fo: dict[str, Any]) -> dict[str, Any]:
    return dto.term(builder, term, fo)


def get_vocabulary_terms(ctx: SandboxContext, token: Any, ids: Any, fo: Any) -> dict[str, Any]:
    return get_by_ids(ctx, token, ids, fo, _resolve_term, _term)


def search_vocabulary_terms(
    ctx: SandboxContext, token: Any, criteria: Any, fo: Any
) -> dict[str, Any]:
    def ordered_terms(g: Graph) -> list[Term]:
        return sorted(g.terms.values(), key=lambda t: (t.vocabulary, t.ordinal))

    return search_result(
        ctx,
        token,
        criteria,
        fo,
        ("as.dto.vocabulary.search.VocabularyTermSearchCriteria",),
        "TERM",
        ordered_terms,
        _term,
    )


METHODS: dict[str, Any] = {
    **_type_methods("DATA_SET", "DataSet", "as.dto.dataset.search.DataSetTypeSearchCriteria"),
    **_type_methods("SAMPLE", "Sample", "as.dto.sample.search.SampleTypeSearchCriteria"),
    **_type_methods(
        "EXPERIMENT", "Experiment", "as.dto.experiment.search.ExperimentTypeSearchCriteria"
    ),
    "getPropertyTypes": get_property_types,
    "searchPropertyTypes": search_property_types,
    "getVocabularies": get_vocabularies,
    "searchVocabularies": search_vocabularies,
    "getVocabularyTerms": get_vocabulary_terms,
    "searchVocabularyTerms": search_vocabulary_terms,
}
