"""AS methods creating, updating and deleting masterdata: property types, sample/
experiment/data set types with their property assignments, vocabularies and terms.
Followed: openBIS's ``CreatePropertyTypesOperation``/``PropertyTypeCreation``,
``SampleTypeCreation``, ``PropertyAssignmentCreation``, ``VocabularyCreation``,
``VocabularyTermCreation`` and the matching update/deletion classes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..context import SandboxContext, require_session
from ..dto.common import entity_type_id, perm_id_bean
from ..errors import OpenbisError
from ..jackson import collection
from ..store import entity_types_write as types_write
from ..store import masterdata_write as write
from .common import creations_of


def _list(items: Any, what: str) -> list[Any]:
    items = collection(items)  # a single item is a list of one (jackson.collection)
    if items is None or not all(isinstance(i, dict) for i in items):
        raise OpenbisError(f"{what} cannot be null.")  # (I)
    return items


def _deletion_reason(options: Any) -> dict[str, Any]:
    if not isinstance(options, dict):
        raise OpenbisError("Deletion options cannot be null.")  # (I)
    if not options.get("reason"):
        raise OpenbisError("Deletion reason cannot be null.")  # (I)
    return options


def creator(fn: Callable[..., Any], what: str, bean: Callable[[Any], dict]) -> Callable:
    def create(ctx: SandboxContext, token: Any, creations: Any) -> list[dict[str, Any]]:
        user = require_session(ctx, token)
        return [bean(fn(ctx.store, user, c)) for c in creations_of(creations, what)]

    return create


def updater(fn: Callable[..., Any], what: str) -> Callable:
    def update(ctx: SandboxContext, token: Any, updates: Any) -> None:
        user = require_session(ctx, token)
        for u in _list(updates, f"{what} updates"):
            fn(ctx.store, user, u)

    return update


def deleter(fn: Callable[..., Any]) -> Callable:
    def delete(ctx: SandboxContext, token: Any, ids: Any, options: Any) -> None:
        require_session(ctx, token)
        _deletion_reason(options)
        fn(ctx.store, _list(ids, "Object ids"))

    return delete


def _type_methods(kind: str, name: str) -> dict[str, Callable]:
    def create(store, user, c):
        return types_write.create_entity_type(store, user, kind, c)

    def update(store, user, u):
        types_write.update_entity_type(store, user, kind, u)

    def delete(store, ids):
        types_write.delete_entity_types(store, kind, ids)

    return {
        f"create{name}Types": creator(
            create, f"{name} type", lambda code: entity_type_id(code, kind)
        ),
        f"update{name}Types": updater(update, f"{name} type"),
        f"delete{name}Types": deleter(delete),
    }


def delete_vocabulary_terms(ctx: SandboxContext, token: Any, ids: Any, options: Any) -> None:
    """``VocabularyTermDeletionOptions``: a used term needs a ``replacements`` entry."""
    require_session(ctx, token)
    options = _deletion_reason(options)
    write.delete_terms(ctx.store, _list(ids, "Object ids"), options.get("replacements") or [])


def _term_bean(code_and_vocabulary: tuple[str, str]) -> dict[str, Any]:
    code, vocabulary = code_and_vocabulary
    return {
        "@type": "as.dto.vocabulary.id.VocabularyTermPermId",
        "code": code,
        "vocabularyCode": vocabulary,
    }


METHODS: dict[str, Any] = {
    "createPropertyTypes": creator(
        write.create_property_type,
        "Property type",
        lambda code: perm_id_bean(write.PROPERTY_TYPE_PERM_ID, code),
    ),
    "updatePropertyTypes": updater(write.update_property_type, "Property type"),
    "deletePropertyTypes": deleter(write.delete_property_types),
    **_type_methods("SAMPLE", "Sample"),
    **_type_methods("EXPERIMENT", "Experiment"),
    **_type_methods("DATA_SET", "DataSet"),
    "createVocabularies": creator(
        write.create_vocabulary,
        "Vocabulary",
        lambda code: perm_id_bean(write.VOCABULARY_PERM_ID, code),
    ),
    "updateVocabularies": updater(write.update_vocabulary, "Vocabulary"),
    "deleteVocabularies": deleter(write.delete_vocabularies),
    "createVocabularyTerms": creator(write.create_term, "Vocabulary term", _term_bean),
    "updateVocabularyTerms": updater(write.update_term, "Vocabulary term"),
    "deleteVocabularyTerms": delete_vocabulary_terms,
}
