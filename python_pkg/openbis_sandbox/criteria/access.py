"""What search criteria can see of each record: attributes and related records.

Kinds: SPACE, PROJECT, EXPERIMENT, SAMPLE, DATA_SET, TYPE, PROPERTY_TYPE, VOCABULARY, TERM,
PERSON, TAG, DATA_STORE, PAT, GROUP (authorisation group), ROLE (role assignment), PLUGIN. A nested entity criterion matches when any related
record of its kind matches it ("exists" semantics, as openBIS's SQL joins do).
"""

from __future__ import annotations

from typing import Any

from ..store.directory import AuthorizationGroup, Plugin, RoleAssignment
from ..store.records import (
    DataSet,
    EntityType,
    Experiment,
    Graph,
    Person,
    PersonalAccessToken,
    Project,
    PropertyType,
    Sample,
    Space,
    Term,
    Vocabulary,
)

Record = Any


def code_of(kind: str, obj: Record) -> str | None:
    if kind == "PERSON":
        return obj.user_id
    if kind == "PAT":
        return obj.hash
    if kind == "DATA_STORE":
        return obj
    return getattr(obj, "code", None)


def perm_id_of(graph: Graph, kind: str, obj: Record) -> str | None:
    if isinstance(obj, (Project, Experiment, Sample, DataSet)):
        return obj.perm_id
    if isinstance(obj, (Space, EntityType, PropertyType, Vocabulary)):
        return obj.code
    if isinstance(obj, Term):
        return f"{obj.code} ({obj.vocabulary})"
    if isinstance(obj, Person):
        return obj.user_id
    if isinstance(obj, PersonalAccessToken):
        return obj.hash
    if isinstance(obj, (AuthorizationGroup, Plugin)):
        return obj.code
    if isinstance(obj, RoleAssignment):
        return str(obj.tech_id)
    return code_of(kind, obj)


def identifier_of(graph: Graph, kind: str, obj: Record) -> str | None:
    if isinstance(obj, Project):
        return obj.identifier
    if isinstance(obj, Experiment):
        return graph.experiment_identifier(obj)
    if isinstance(obj, Sample):
        return graph.sample_identifier(obj)
    if isinstance(obj, Space):
        return f"/{obj.code}"
    return perm_id_of(graph, kind, obj)


def properties_of(obj: Record) -> dict[str, str]:
    return getattr(obj, "properties", None) or {}


def dates_of(obj: Record) -> tuple[int | None, int | None]:
    return getattr(obj, "registration_ms", None), getattr(obj, "modification_ms", None)


def _one(kind: str, obj: Record | None) -> list[tuple[str, Record]]:
    return [] if obj is None else [(kind, obj)]


def _sample_experiment(g: Graph, s: Sample) -> Experiment | None:
    return g.experiments.get(s.experiment_perm_id or "")


def related(
    graph: Graph, kind: str, obj: Record, target: str, relation: str
) -> list[tuple[str, Record]]:
    """Records of kind ``target`` reached from ``obj`` through ``relation``.

    ``relation`` is "self" for a plain entity criterion, or "parents", "children",
    "container", "physicalData", "registrator", "modifier", "owner" for the dedicated
    criteria classes.
    """
    g = graph
    if kind in ("GROUP", "ROLE") and relation == "self" and target != kind:
        return _directory_related(g, kind, obj, target)
    if relation in ("registrator", "modifier", "owner"):
        user = getattr(obj, relation, None)
        return _one("PERSON", g.persons.get(user or ""))
    if relation == "physicalData":
        return [(kind, obj)] if kind == "DATA_SET" else []
    if relation in ("parents", "children", "container"):
        if relation == "container":
            return []
        if kind == "SAMPLE":
            links = g.sample_parents if relation == "parents" else g.sample_children
            return [("SAMPLE", g.samples[p]) for p in links.get(obj.perm_id, [])]
        if kind == "DATA_SET":
            links = g.dataset_parents if relation == "parents" else g.dataset_children
            return [("DATA_SET", g.datasets[p]) for p in links.get(obj.perm_id, [])]
        return []
    if target == kind and target not in ("TYPE",):
        return [(kind, obj)]
    if target == "TYPE":
        type_kind = {"SAMPLE": "SAMPLE", "EXPERIMENT": "EXPERIMENT", "DATA_SET": "DATA_SET"}.get(
            kind
        )
        if type_kind is None:
            return [(kind, obj)] if kind == "TYPE" else []
        return _one("TYPE", g.entity_type(type_kind, obj.type_code))
    if target == "TAG":  # an entity's tags (openBIS's TagSearchCriteria under an entity's)
        tags = g.entity_tags.get((kind, getattr(obj, "perm_id", "")), [])
        return [("TAG", g.tags[t]) for t in tags if t in g.tags]
    if target == "PERSON":
        return _one("PERSON", g.persons.get(getattr(obj, "registrator", "") or ""))
    if target == "VOCABULARY" and kind == "TERM":
        return _one("VOCABULARY", g.vocabularies.get(obj.vocabulary))
    if target == "VOCABULARY" and kind == "PROPERTY_TYPE":
        return _one("VOCABULARY", g.vocabularies.get(obj.vocabulary or ""))
    return _entity_hops(g, kind, obj, target)


def _entity_hops(g: Graph, kind: str, obj: Record, target: str) -> list[tuple[str, Record]]:
    if kind == "PROJECT" and target == "SPACE":
        return _one("SPACE", g.spaces.get(obj.space))
    if kind == "EXPERIMENT":
        project = g.projects.get(obj.project_perm_id)
        if target == "PROJECT":
            return _one("PROJECT", project)
        if target == "SPACE" and project is not None:
            return _one("SPACE", g.spaces.get(project.space))
    if kind == "SAMPLE":
        project = g.sample_project(obj)
        if target == "EXPERIMENT":
            return _one("EXPERIMENT", _sample_experiment(g, obj))
        if target == "PROJECT":
            return _one("PROJECT", project)
        if target == "SPACE":
            return _one("SPACE", g.spaces.get(obj.space or ""))
        if target == "DATA_SET":
            return [("DATA_SET", d) for d in g.datasets.values() if d.sample_perm_id == obj.perm_id]
    if kind == "DATA_SET":
        experiment = g.dataset_experiment(obj)
        project = g.projects.get(experiment.project_perm_id) if experiment else None
        if target == "SAMPLE":
            return _one("SAMPLE", g.samples.get(obj.sample_perm_id or ""))
        if target == "EXPERIMENT":
            return _one("EXPERIMENT", experiment)
        if target == "PROJECT":
            return _one("PROJECT", project)
        if target == "SPACE" and project is not None:
            return _one("SPACE", g.spaces.get(project.space))
        if target == "DATA_STORE":
            return [("DATA_STORE", "DSS")]
    if kind == "PROJECT" and target == "EXPERIMENT":
        return [
            ("EXPERIMENT", e) for e in g.experiments.values() if e.project_perm_id == obj.perm_id
        ]
    return []


def _directory_related(g: Graph, kind: str, obj: Record, target: str) -> list[tuple[str, Record]]:
    """A group's users; a role assignment's user, group, space (also a project role's) and
    project (openBIS's ``AuthorizationGroupSearchCriteria.withUsers``, (I), and
    ``RoleAssignmentSearchCriteria.withUser/withAuthorizationGroup/withSpace/withProject``)."""
    if kind == "GROUP":
        users = obj.users if target == "PERSON" else ()
        return [("PERSON", g.persons[u]) for u in users if u in g.persons]
    if target == "PERSON":
        return _one("PERSON", g.persons.get(obj.user_id or ""))
    if target == "GROUP":
        return _one("GROUP", g.directory.groups.get(obj.group_code or ""))
    project = g.projects.get(obj.project_perm_id or "")
    if target == "PROJECT":
        return _one("PROJECT", project)
    if target == "SPACE":
        return _one("SPACE", g.spaces.get(project.space if project else obj.space or ""))
    return []
