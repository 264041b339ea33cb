"""Writes of masterdata: property types, entity types with their property assignments,
vocabularies and terms, plugins.

Validation texts are those of openBIS's V3 executors as its system tests assert them
(``CreatePropertyTypeTest``, ``CreateVocabularyTermTest`` …); texts not confirmed there
are marked (I). Every function checks everything before it writes, in one transaction.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from typing import Any, TypeVar

from ..errors import OpenbisError
from ..jackson import collection
from .db import Store, _check_code, now_ms
from .directory import ENTITY_KINDS, PLUGIN_TYPES
from .ids import not_found
from .records import Graph

DATA_TYPES = (
    "INTEGER",
    "VARCHAR",
    "MULTILINE_VARCHAR",
    "REAL",
    "TIMESTAMP",
    "DATE",
    "BOOLEAN",
    "CONTROLLEDVOCABULARY",
    "MATERIAL",
    "HYPERLINK",
    "XML",
    "SAMPLE",
    "JSON",
    "ARRAY_INTEGER",
    "ARRAY_REAL",
    "ARRAY_STRING",
    "ARRAY_TIMESTAMP",
)
KIND_NAMES = {"SAMPLE": "Sample type", "EXPERIMENT": "Experiment type", "DATA_SET": "Data set type"}
VOCABULARY_PERM_ID = "as.dto.vocabulary.id.VocabularyPermId"
PLUGIN_PERM_ID = "as.dto.plugin.id.PluginPermId"
PROPERTY_TYPE_PERM_ID = "as.dto.property.id.PropertyTypePermId"
T = TypeVar("T")


def duplicate(what: str, code: str) -> OpenbisError:
    """openBIS's DataIntegrityViolation translation for a unique-code clash (I: wording
    per entity as in ``DataAccessExceptionTranslator``)."""
    return OpenbisError(
        f"Insert/Update of {what} (Code: {code}) failed because "
        f"{what.lower()} with the same code already exists."
    )


def updated(update: dict[str, Any], name: str) -> tuple[bool, Any]:
    """``(isModified, value)`` of a ``FieldUpdateValue`` field of an update object."""
    field = update.get(name)
    if isinstance(field, dict) and "isModified" in field:
        return bool(field.get("isModified")), field.get("value")
    return False, None


def existing(resolve: Callable[[Any], T], ids: list[Any]) -> list[T]:
    """The resolved ids that exist: openBIS's delete executors map the ids and silently
    skip the ones not found (``AbstractDeleteEntityExecutor``,
    ``DeleteAuthorizationGroupExecutor``: ``mapGroupByIdExecutor.map``)."""
    found = []
    for id_obj in ids:
        try:
            found.append(resolve(id_obj))
        except OpenbisError as exc:
            if not exc.exception_type.endswith("ObjectNotFoundException"):
                raise
    return found


def perm_id_code(id_obj: Any) -> str | None:
    code = id_obj.get("permId") if isinstance(id_obj, dict) else None
    return code.upper() if isinstance(code, str) else None


# --- property types ----------------------------------------------------------------------


def _vocabulary_of(graph: Graph, data_type: str, vocabulary_id: Any) -> str | None:
    if vocabulary_id is None:
        if data_type == "CONTROLLEDVOCABULARY":
            raise OpenbisError(
                "Data type has been specified as CONTROLLEDVOCABULARY but vocabulary id is missing."
            )
        return None
    if data_type != "CONTROLLEDVOCABULARY":
        raise OpenbisError(f"Vocabulary id has been specified but data type is {data_type}.")
    code = perm_id_code(vocabulary_id)
    if code not in graph.vocabularies:
        raise not_found({"@type": VOCABULARY_PERM_ID, **vocabulary_id})
    return code


def _sample_type_of(graph: Graph, data_type: str, sample_type_id: Any) -> str | None:
    if sample_type_id is None:
        return None
    if data_type != "SAMPLE":
        raise OpenbisError(f"Sample type id has been specified but data type is {data_type}.")
    code = perm_id_code(sample_type_id)
    if graph.entity_type("SAMPLE", code or "") is None:
        raise not_found(
            {
                "@type": "as.dto.entitytype.id.EntityTypePermId",
                "entityKind": "SAMPLE",
                **sample_type_id,
            }
        )
    return code


def _checked_property_type(graph: Graph, c: dict[str, Any]) -> tuple:
    """Checks of ``CreatePropertyTypeExecutor`` (texts from ``CreatePropertyTypeTest``)."""
    raw = c.get("code")
    if not isinstance(raw, str) or not raw:
        raise OpenbisError("Code cannot be empty.")
    internal = bool(c.get("managedInternally"))
    if internal and not raw.startswith("$"):
        raise OpenbisError(
            "Code of an internally managed property type has to start with '$' prefix"
        )
    if not internal and raw.startswith("$"):
        raise OpenbisError(
            "'$' code prefix can be only used for the internally managed property types"
        )
    code = "$" + _check_code(raw[1:]) if internal else _check_code(raw)
    for name in ("label", "description"):
        if not c.get(name):
            raise OpenbisError(f"{name.capitalize()} cannot be empty.")
    data_type = c.get("dataType")
    if data_type is None:
        raise OpenbisError("Data type not specified.")
    if data_type not in DATA_TYPES:
        raise OpenbisError(f"Unknown data type '{data_type}'.")  # (I) Jackson enum error
    if c.get("materialTypeId") is not None:
        raise OpenbisError(f"Material type id has been specified but data type is {data_type}.")
    vocabulary = _vocabulary_of(graph, data_type, c.get("vocabularyId"))
    sample_type = _sample_type_of(graph, data_type, c.get("sampleTypeId"))
    for name, text in (("schema", "XML schema"), ("transformation", "XSLT transformation")):
        if c.get(name) is not None and data_type != "XML":
            raise OpenbisError(f"{text} is specified but data type is {data_type}.")
    if code in graph.property_types:
        raise duplicate("Property type", code)
    return code, data_type, vocabulary, sample_type, internal


def create_property_type(store: Store, user: str, c: dict[str, Any]) -> str:
    code, data_type, vocabulary, sample_type, internal = _checked_property_type(store.graph(), c)
    with store.transaction() as conn:
        conn.execute(
            "INSERT INTO property_types(code, label, description, data_type, vocabulary, "
            "managed_internally, registrator, registration_ms, multi_value, sample_type, "
            "meta_data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                code,
                c["label"],
                c["description"],
                data_type,
                vocabulary,
                int(internal),
                user,
                now_ms(),
                int(bool(c.get("multiValue"))),
                sample_type,
                json.dumps(c.get("metaData") or {}),
            ),
        )
    return code


def update_property_type(store: Store, user: str, u: dict[str, Any]) -> None:
    """``PropertyTypeUpdate``: label, description, metaData (schema/transformation: XML only)."""
    graph = store.graph()
    type_id = u.get("typeId")
    if type_id is None:
        raise OpenbisError("Property type id cannot be null.")  # (I)
    pt = graph.property_types.get(perm_id_code(type_id) or "")
    if pt is None:
        raise not_found({"@type": PROPERTY_TYPE_PERM_ID, **type_id})
    sets: dict[str, Any] = {}
    for name in ("label", "description"):
        modified, value = updated(u, name)
        if modified:
            if not value:
                raise OpenbisError(f"{name.capitalize()} cannot be empty.")
            sets[name] = value
    meta = _meta_data_update(pt.meta_data, u.get("metaData"))
    if meta is not None:
        sets["meta_data"] = json.dumps(meta)
    if sets:
        with store.transaction() as conn:
            assignments = ", ".join(f"{k} = ?" for k in sets)
            conn.execute(
                f"UPDATE property_types SET {assignments} WHERE code = ?", (*sets.values(), pt.code)
            )


def _meta_data_update(current: dict, update: Any) -> dict | None:
    """Apply a ``ListUpdateMapValues`` (actions Add/Remove/Set of maps/keys) to ``current``."""
    if not isinstance(update, dict) or not update.get("actions"):
        return None
    result = dict(current)
    for action in update["actions"]:
        kind = str(action.get("@type", "")).rsplit("ListUpdateAction", 1)[-1]
        items = action.get("items") or []
        if kind == "Set":
            result = {}
        for item in items:
            if kind == "Remove":
                for key in item if isinstance(item, (list, dict)) else [item]:
                    result.pop(key, None)
            elif isinstance(item, dict):
                result.update({k: v for k, v in item.items() if k != "@type"})
    return result


def delete_property_types(store: Store, ids: list[Any]) -> None:
    """``DeletePropertyTypeExecutor``: a property type that is still assigned to a type
    cannot go (I: text); unknown ids are skipped."""
    graph = store.graph()

    def resolve(id_obj: Any) -> str:
        code = perm_id_code(id_obj)
        if code not in graph.property_types:
            raise not_found({"@type": PROPERTY_TYPE_PERM_ID, **(id_obj or {})})
        return code

    codes = existing(resolve, ids)
    for code in codes:
        users = [
            t for t in graph.types.values() if any(a.property_code == code for a in t.assignments)
        ]
        if users:
            names = ", ".join(f"{t.code} ({t.kind})" for t in users)
            raise OpenbisError(  # (I)
                f"Property type '{code}' cannot be deleted because it is assigned to "
                f"entity types: {names}"
            )
    with store.transaction() as conn:
        conn.executemany("DELETE FROM property_types WHERE code = ?", [(c,) for c in codes])


# --- vocabularies and terms ------------------------------------------------------------


def _insert_term(
    conn: sqlite3.Connection, user: str, vocabulary: str, c: dict[str, Any], ordinal: int
) -> str:
    raw = c.get("code")
    if not isinstance(raw, str) or not raw.strip():
        raise OpenbisError("Vocabulary term code cannot be null or empty.")
    code = _check_code(raw)
    if conn.execute(
        "SELECT 1 FROM terms WHERE vocabulary = ? AND code = ?", (vocabulary, code)
    ).fetchone():
        raise duplicate("Vocabulary term", code)
    ms = now_ms()
    official = c.get("official")
    conn.execute(
        "INSERT INTO terms VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            vocabulary,
            code,
            c.get("label"),
            c.get("description"),
            ordinal,
            int(official is None or bool(official)),
            user,
            ms,
            ms,
        ),
    )
    return code


def create_vocabulary(store: Store, user: str, c: dict[str, Any]) -> str:
    """``CreateVocabularyExecutor`` with its terms (``VocabularyTermCreation``s) in order."""
    code = _check_code(c.get("code"))
    if code in store.graph().vocabularies:
        raise duplicate("Vocabulary", code)
    ms = now_ms()
    with store.transaction() as conn:
        conn.execute(
            "INSERT INTO vocabularies VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                code,
                c.get("description"),
                user,
                ms,
                ms,
                int(bool(c.get("managedInternally"))),
                int(c.get("chosenFromList") is None or bool(c.get("chosenFromList"))),
                c.get("urlTemplate"),
            ),
        )
        for i, term in enumerate(collection(c.get("terms")) or []):
            _insert_term(conn, user, code, term, i + 1)
    return code


def _vocabulary_code(graph: Graph, id_obj: Any, null_text: str) -> str:
    if id_obj is None:
        raise OpenbisError(null_text)
    code = perm_id_code(id_obj)
    if code not in graph.vocabularies:
        raise not_found({"@type": VOCABULARY_PERM_ID, **id_obj})
    return code


def update_vocabulary(store: Store, user: str, u: dict[str, Any]) -> None:
    code = _vocabulary_code(store.graph(), u.get("vocabularyId"), "Vocabulary id cannot be null.")
    sets: dict[str, Any] = {}
    for name, column in (
        ("description", "description"),
        ("urlTemplate", "url_template"),
        ("chosenFromList", "chosen_from_list"),
    ):
        modified, value = updated(u, name)
        if modified:
            sets[column] = int(bool(value)) if name == "chosenFromList" else value
    sets["modification_ms"] = now_ms()
    with store.transaction() as conn:
        assignments = ", ".join(f"{k} = ?" for k in sets)
        conn.execute(
            f"UPDATE vocabularies SET {assignments} WHERE code = ?", (*sets.values(), code)
        )


def delete_vocabularies(store: Store, ids: list[Any]) -> None:
    """A vocabulary used by a property type cannot be deleted (I: text)."""
    graph = store.graph()
    codes = existing(lambda i: _vocabulary_code(graph, i, "Vocabulary id cannot be null."), ids)
    for code in codes:
        users = sorted(p.code for p in graph.property_types.values() if p.vocabulary == code)
        if users:
            raise OpenbisError(  # (I)
                f"Vocabulary '{code}' cannot be deleted because it is used by property types: "
                + ", ".join(users)
            )
    with store.transaction() as conn:
        for code in codes:
            conn.execute("DELETE FROM terms WHERE vocabulary = ?", (code,))
            conn.execute("DELETE FROM vocabularies WHERE code = ?", (code,))


def create_term(store: Store, user: str, c: dict[str, Any]) -> tuple[str, str]:
    """``CreateVocabularyTermExecutor``: appended after ``previousTermId`` or at the end."""
    graph = store.graph()
    vocabulary_id = c.get("vocabularyId")
    if vocabulary_id is None:
        raise OpenbisError("Vocabulary term vocabulary id cannot be null")
    vocabulary = perm_id_code(vocabulary_id)
    if vocabulary not in graph.vocabularies:
        raise OpenbisError(f"Vocabulary {vocabulary_id.get('permId')} does not exist.")  # (S)
    terms = graph.terms_of(vocabulary)
    ordinal = (terms[-1].ordinal + 1) if terms else 1
    previous = c.get("previousTermId")
    with store.transaction() as conn:
        if isinstance(previous, dict):
            prev = graph.terms.get((vocabulary, str(previous.get("code", "")).upper()))
            if prev is None:
                raise not_found(previous)
            ordinal = prev.ordinal + 1
            conn.execute(
                "UPDATE terms SET ordinal = ordinal + 1 WHERE vocabulary = ? AND ordinal >= ?",
                (vocabulary, ordinal),
            )
        code = _insert_term(conn, user, vocabulary, c, ordinal)
    return code, vocabulary


def _term_of(graph: Graph, id_obj: Any):
    if not isinstance(id_obj, dict):
        raise OpenbisError("Vocabulary term id cannot be null.")  # (I)
    key = (str(id_obj.get("vocabularyCode", "")).upper(), str(id_obj.get("code", "")).upper())
    term = graph.terms.get(key)
    if term is None:
        raise not_found(id_obj)
    return term


def _moved_order(graph: Graph, term, previous_id: Any) -> list[str]:
    """Term codes of the vocabulary with ``term`` moved right after ``previous_id``
    (first when null), as ``UpdateVocabularyTermExecutor`` orders them (I)."""
    codes = [t.code for t in graph.terms_of(term.vocabulary) if t.code != term.code]
    if previous_id is None:
        return [term.code, *codes]
    previous = _term_of(graph, previous_id)
    if previous.vocabulary != term.vocabulary:
        raise OpenbisError(  # (I)
            f"Previous term {previous.code} ({previous.vocabulary}) belongs to another vocabulary."
        )
    index = codes.index(previous.code) + 1
    return [*codes[:index], term.code, *codes[index:]]


def update_term(store: Store, user: str, u: dict[str, Any]) -> None:
    graph = store.graph()
    term = _term_of(graph, u.get("vocabularyTermId"))
    moved, previous_id = updated(u, "previousTermId")
    order = _moved_order(graph, term, previous_id) if moved else None
    sets: dict[str, Any] = {}
    for name in ("label", "description", "official"):
        modified, value = updated(u, name)
        if modified:
            if name == "official" and term.official and not value:
                raise OpenbisError(  # (I) UpdateVocabularyTermExecutor
                    "Offical vocabulary term "
                    f"{term.code} ({term.vocabulary}) cannot be updated to be unofficial."
                )
            sets[name] = int(bool(value)) if name == "official" else value
    sets["modification_ms"] = now_ms()
    with store.transaction() as conn:
        assignments = ", ".join(f"{k} = ?" for k in sets)
        conn.execute(
            f"UPDATE terms SET {assignments} WHERE vocabulary = ? AND code = ?",
            (*sets.values(), term.vocabulary, term.code),
        )
        for ordinal, code in enumerate(order or [], start=1):
            conn.execute(
                "UPDATE terms SET ordinal = ? WHERE vocabulary = ? AND code = ?",
                (ordinal, term.vocabulary, code),
            )


def delete_terms(store: Store, ids: list[Any], replacements: list[Any]) -> None:
    """``DeleteVocabularyTermExecutor``: a term that entities use must be replaced by
    another term of its vocabulary (``VocabularyTermDeletionOptions.replace``)."""
    graph = store.graph()
    replace = {}
    for r in replacements or []:
        old = _term_of(graph, r.get("replacedId"))
        new = _term_of(graph, r.get("replacementId"))
        replace[(old.vocabulary, old.code)] = new.code
    terms = existing(lambda i: _term_of(graph, i), ids)
    with store.transaction() as conn:
        for term in terms:
            codes = [
                p.code for p in graph.property_types.values() if p.vocabulary == term.vocabulary
            ]
            marks = ",".join("?" * len(codes))
            used = (
                codes
                and conn.execute(
                    f"SELECT COUNT(*) FROM properties WHERE code IN ({marks}) AND value = ?",
                    (*codes, term.code),
                ).fetchone()[0]
            )
            if used:
                new = replace.get((term.vocabulary, term.code))
                if new is None:
                    raise OpenbisError(  # (I)
                        f"Vocabulary term {term.code} ({term.vocabulary}) is being used. "
                        "It has to be replaced."
                    )
                conn.execute(
                    f"UPDATE properties SET value = ? WHERE code IN ({marks}) AND value = ?",
                    (new, *codes, term.code),
                )
            conn.execute(
                "DELETE FROM terms WHERE vocabulary = ? AND code = ?", (term.vocabulary, term.code)
            )


# --- plugins --------------------------------------------------------------------------------


def create_plugin(store: Store, user: str, c: dict[str, Any]) -> str:
    """``CreatePluginExecutor``; the script is stored, never run by the sandbox."""
    name = c.get("name")
    if not isinstance(name, str) or not name.strip():
        raise OpenbisError("Name cannot be empty.")  # (I)
    plugin_type = c.get("pluginType")
    if plugin_type is None:
        raise OpenbisError("Plugin type cannot be null.")  # (I)
    if plugin_type not in PLUGIN_TYPES:
        raise OpenbisError(f"Unknown plugin type '{plugin_type}'.")  # (I) Jackson enum error
    kind = c.get("entityKind")
    if kind is not None and kind not in ENTITY_KINDS:
        raise OpenbisError(f"Unknown entity kind '{kind}'.")  # (I) Jackson enum error
    if name in store.graph().directory.plugins:
        raise duplicate("Plugin", name)
    available = c.get("available")
    with store.transaction() as conn:
        conn.execute(
            "INSERT INTO plugins VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                name,
                c.get("description"),
                plugin_type,
                kind,
                c.get("script"),
                int(available is None or bool(available)),
                user,
                now_ms(),
            ),
        )
    return name


def plugin_name(graph: Graph, id_obj: Any) -> str:
    name = id_obj.get("permId") if isinstance(id_obj, dict) else None
    if name not in graph.directory.plugins:
        raise not_found({"@type": PLUGIN_PERM_ID, **(id_obj or {})})
    return name


def update_plugin(store: Store, user: str, u: dict[str, Any]) -> None:
    if u.get("pluginId") is None:
        raise OpenbisError("Plugin id cannot be null.")  # (I)
    name = plugin_name(store.graph(), u.get("pluginId"))
    sets: dict[str, Any] = {}
    for field in ("description", "script", "available"):
        modified, value = updated(u, field)
        if modified:
            sets[field] = int(bool(value)) if field == "available" else value
    if sets:
        with store.transaction() as conn:
            assignments = ", ".join(f"{k} = ?" for k in sets)
            conn.execute(f"UPDATE plugins SET {assignments} WHERE name = ?", (*sets.values(), name))


def delete_plugins(store: Store, ids: list[Any]) -> None:
    graph = store.graph()
    names = existing(lambda i: plugin_name(graph, i), ids)
    for name in names:
        used = [
            a.property_code for t in graph.types.values() for a in t.assignments if a.plugin == name
        ]
        used += [t.code for t in graph.types.values() if t.options.get("validationPlugin") == name]
        if used:
            raise OpenbisError(  # (I)
                f"Plugin '{name}' cannot be deleted because it is in use: {', '.join(used)}"
            )
    with store.transaction() as conn:
        conn.executemany("DELETE FROM plugins WHERE name = ?", [(n,) for n in names])
