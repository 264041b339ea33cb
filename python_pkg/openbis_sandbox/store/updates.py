"""Updates of spaces, projects, experiments, samples and data sets (``update<Entities>``).

Each call is checked completely before anything is written, then written in one
transaction. Wire shapes followed: ``FieldUpdateValue`` (``isModified`` + ``value``),
``IdListUpdateValue`` with ``ListUpdateActionAdd/Remove/Set`` applied in order
(``ListUpdateValue``), ``SampleUpdate``, ``ExperimentUpdate``, ``DataSetUpdate`` with
``PhysicalDataUpdate``, ``ProjectUpdate``, ``SpaceUpdate``. Behaviour followed:
``UpdateSampleExecutor`` and friends (an id that does not resolve is an
``ObjectNotFoundException``, also for an entity in the trash; properties set to null or
"" are removed; a sample moved into an experiment takes its project and space),
``SampleGenericBusinessRules`` / ``DataSetParentsRelationshipHelper`` for cycles (I for
the exact text).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..errors import OpenbisError
from ..jackson import collection
from .ids import (
    not_found,
    resolve_dataset,
    resolve_experiment,
    resolve_project,
    resolve_sample,
    resolve_space,
)
from .properties import normalise_properties
from .records import Graph
from .tags import set_entity_tags, tags_for_entity

UNSUPPORTED = "Sample containers are not supported by openbis-sandbox."


def field_update(value: Any) -> tuple[bool, Any]:
    """``(isModified, value)`` of a ``FieldUpdateValue``; absent means unmodified."""
    if not isinstance(value, dict):
        return False, None
    return bool(value.get("isModified")), value.get("value")


def list_update(current: list[str], value: Any, resolve: Callable[[Any], str]) -> list[str]:
    """``current`` after the actions of an ``IdListUpdateValue`` (in order)."""
    result = list(current)
    if not isinstance(value, dict):
        return result
    for action in collection(value.get("actions")) or []:  # single values are lists of one
        action_type = str(action.get("@type", "")) if isinstance(action, dict) else ""
        items = [resolve(i) for i in (collection(action.get("items")) or [])] if action_type else []
        if action_type.endswith("ListUpdateActionSet"):
            result = list(dict.fromkeys(items))
        elif action_type.endswith("ListUpdateActionAdd"):
            result += [i for i in dict.fromkeys(items) if i not in result]
        elif action_type.endswith("ListUpdateActionRemove"):
            result = [r for r in result if r not in items]
        else:
            raise OpenbisError(f"Unknown list update action: {action_type}")  # (I)
    return result


def _resolver(graph: Graph, resolve: Callable) -> Callable[[Any], str]:
    def resolved(id_obj: Any) -> str:
        found = resolve(graph, id_obj) if isinstance(id_obj, dict) else None
        if found is None:
            raise not_found(id_obj if isinstance(id_obj, dict) else {"permId": id_obj})
        return found

    return resolved


def _required(graph: Graph, id_obj: Any, resolve: Callable, what: str) -> str:
    if not isinstance(id_obj, dict):
        raise OpenbisError(f"{what} id cannot be null.")  # (I)
    return _resolver(graph, resolve)(id_obj)


def merged_properties(graph: Graph, kind: str, type_code: str, old: dict, changes: Any):
    """The full property map after an update (null / "" removes), validated like a creation."""
    if not isinstance(changes, dict) or not changes:
        return None
    merged: dict[str, Any] = dict(old)
    for code, value in changes.items():
        merged.pop(str(code).upper(), None)
        if value is not None and value != "":
            merged[str(code).upper()] = value
    return normalise_properties(graph, graph.entity_type(kind, type_code), merged)


def check_acyclic(links: dict[str, list[str]], start: str, what: str) -> None:
    """Refuse when ``start`` is among its own ancestors (``links``: parents by child)."""
    seen, todo = set(), list(links.get(start, []))
    while todo:
        node = todo.pop()
        if node == start:
            raise OpenbisError(f"{what} '{start}' cannot be its own ancestor.")  # (I)
        if node not in seen:
            seen.add(node)
            todo += links.get(node, [])


@dataclass
class Plan:
    """What one update writes: the entity's new row values and relations."""

    kind: str
    perm_id: str
    columns: dict[str, Any] = field(default_factory=dict)
    properties: dict[str, str] | None = None
    parents: list[str] | None = None
    children: list[str] | None = None
    components: list[str] | None = None
    tag_ids: Any = None
    flags: dict[str, Any] | None = None


def _sample_location(graph: Graph, s, update: dict[str, Any]) -> dict[str, Any]:
    space, project, experiment = s.space, s.project_perm_id, s.experiment_perm_id
    modified, value = field_update(update.get("spaceId"))
    if modified:
        space = None if value is None else _resolver(graph, resolve_space)(value)
        if project is not None and graph.projects[project].space != space:
            project = None
    modified, value = field_update(update.get("projectId"))
    if modified:
        project = None if value is None else _resolver(graph, resolve_project)(value)
        if project is not None:
            space = graph.projects[project].space
    modified, value = field_update(update.get("experimentId"))
    if modified:
        experiment = None if value is None else _resolver(graph, resolve_experiment)(value)
        if experiment is not None:
            project = graph.experiments[experiment].project_perm_id
            space = graph.projects[project].space
    if experiment is not None:
        exp_project = graph.experiments[experiment].project_perm_id
        if project != exp_project:  # (I) SampleGenericBusinessRules' wording unconfirmed
            raise OpenbisError(
                f"Sample '{graph.sample_identifier(s)}' cannot be in a different project "
                f"than its experiment '{graph.experiment_identifier(graph.experiments[experiment])}'."
            )
    return {"space": space, "project_perm_id": project, "experiment_perm_id": experiment}


def plan_sample(graph: Graph, update: dict[str, Any], parents: dict[str, list[str]]) -> Plan:
    perm_id = _required(graph, update.get("sampleId"), resolve_sample, "Sample")
    s = graph.samples[perm_id]
    plan = Plan("SAMPLE", perm_id, _sample_location(graph, s, update))
    plan.properties = merged_properties(
        graph, "SAMPLE", s.type_code, s.properties, update.get("properties")
    )
    resolve = _resolver(graph, resolve_sample)
    old_parents = graph.sample_parents.get(perm_id, [])
    old_children = graph.sample_children.get(perm_id, [])
    new_parents = list_update(old_parents, update.get("parentIds"), resolve)
    new_children = list_update(old_children, update.get("childIds"), resolve)
    if new_parents != old_parents:
        plan.parents = new_parents
    if new_children != old_children:
        plan.children = new_children
    if list_update([], update.get("componentIds"), resolve):
        raise OpenbisError(UNSUPPORTED)
    if field_update(update.get("containerId"))[1] is not None:
        raise OpenbisError(UNSUPPORTED)
    _relink(parents, perm_id, plan.parents, plan.children)
    check_acyclic(parents, perm_id, "Sample")
    for child in plan.children or []:
        check_acyclic(parents, child, "Sample")
    plan.tag_ids = update.get("tagIds")
    return plan


def _relink(parents: dict[str, list[str]], perm_id: str, new_parents, new_children) -> None:
    """Apply a plan's parent/child changes to the working ``parents`` map."""
    if new_parents is not None:
        parents[perm_id] = list(new_parents)
    if new_children is not None:
        for child, its_parents in list(parents.items()):
            if perm_id in its_parents and child not in new_children:
                parents[child] = [p for p in its_parents if p != perm_id]
        for child in new_children:
            if perm_id not in parents.setdefault(child, []):
                parents[child] = parents[child] + [perm_id]


def plan_experiment(graph: Graph, update: dict[str, Any]) -> Plan:
    perm_id = _required(graph, update.get("experimentId"), resolve_experiment, "Experiment")
    e = graph.experiments[perm_id]
    plan = Plan("EXPERIMENT", perm_id)
    modified, value = field_update(update.get("projectId"))
    if modified:
        plan.columns["project_perm_id"] = _required(graph, value, resolve_project, "Project")
    plan.properties = merged_properties(
        graph, "EXPERIMENT", e.type_code, e.properties, update.get("properties")
    )
    plan.tag_ids = update.get("tagIds")
    return plan


def plan_dataset(graph: Graph, update: dict[str, Any], parents: dict[str, list[str]]) -> Plan:
    perm_id = _required(graph, update.get("dataSetId"), resolve_dataset, "Data set")
    d = graph.datasets[perm_id]
    plan = Plan("DATA_SET", perm_id)
    _dataset_owner(graph, d, update, plan)
    plan.properties = merged_properties(
        graph, "DATA_SET", d.type_code, d.properties, update.get("properties")
    )
    resolve = _resolver(graph, resolve_dataset)
    for name, old, attr in (
        ("parentIds", graph.dataset_parents.get(perm_id, []), "parents"),
        ("childIds", graph.dataset_children.get(perm_id, []), "children"),
        ("componentIds", graph.dataset_components.get(perm_id, []), "components"),
    ):
        new = list_update(old, update.get(name), resolve)
        if new != old:
            setattr(plan, attr, new)
    if plan.components is not None and d.kind != "CONTAINER":
        raise OpenbisError(  # (I)
            f"Data set '{perm_id}' is not a container data set: it cannot have components."
        )
    containers = graph.dataset_containers.get(perm_id, [])
    new_containers = list_update(containers, update.get("containerIds"), resolve)
    if new_containers != containers:
        plan.columns["_containers"] = new_containers
    _relink(parents, perm_id, plan.parents, plan.children)
    check_acyclic(parents, perm_id, "Data set")
    for child in plan.children or []:
        check_acyclic(parents, child, "Data set")
    plan.tag_ids = update.get("tagIds")
    plan.flags = _physical_update(update.get("physicalData"))
    return plan


def _dataset_owner(graph: Graph, d, update: dict[str, Any], plan: Plan) -> None:
    """A data set moved to a sample takes the sample's experiment; to an experiment, no
    sample (``UpdateDataSetSampleExecutor``/``...ExperimentExecutor``)."""
    modified, value = field_update(update.get("sampleId"))
    if modified and value is not None:
        sample = _resolver(graph, resolve_sample)(value)
        plan.columns["sample_perm_id"] = sample
        plan.columns["experiment_perm_id"] = graph.samples[sample].experiment_perm_id
        return
    if modified and value is None:
        plan.columns["sample_perm_id"] = None
    modified_e, value_e = field_update(update.get("experimentId"))
    if modified_e and value_e is not None:
        plan.columns["experiment_perm_id"] = _resolver(graph, resolve_experiment)(value_e)
        plan.columns["sample_perm_id"] = None
    owner_sample = plan.columns.get("sample_perm_id", d.sample_perm_id)
    owner_exp = plan.columns.get("experiment_perm_id", d.experiment_perm_id)
    if owner_sample is None and owner_exp is None:
        raise OpenbisError("A dataset needs either a sample or an experiment as an owner.")


def _physical_update(value: Any) -> dict[str, Any] | None:
    modified, physical = field_update(value)
    if not modified or not isinstance(physical, dict):
        return None
    flags = {}
    for name, column in (
        ("archivingRequested", "archiving_requested"),
        ("unarchivingRequested", "unarchiving_requested"),
    ):
        changed, flag = field_update(physical.get(name))
        if changed:
            flags[column] = 1 if flag else 0
    return flags or None


def write_plan(
    conn: sqlite3.Connection, graph: Graph, plan: Plan, *, user: str, at_ms: int
) -> None:
    table = {"SAMPLE": "samples", "EXPERIMENT": "experiments", "DATA_SET": "datasets"}[plan.kind]
    containers = plan.columns.pop("_containers", None)
    columns = {**plan.columns, "modifier": user, "modification_ms": at_ms}
    assignments = ", ".join(f"{c} = ?" for c in columns)
    conn.execute(
        f"UPDATE {table} SET {assignments} WHERE perm_id = ?", (*columns.values(), plan.perm_id)
    )
    _move_dependants(conn, graph, plan)
    if plan.properties is not None:
        conn.execute(
            "DELETE FROM properties WHERE entity_kind = ? AND perm_id = ?",
            (plan.kind, plan.perm_id),
        )
        conn.executemany(
            "INSERT INTO properties VALUES (?, ?, ?, ?)",
            [(plan.kind, plan.perm_id, c, v) for c, v in plan.properties.items()],
        )
    links = "sample_links" if plan.kind == "SAMPLE" else "dataset_links"
    _write_links(conn, links, plan.perm_id, plan.parents, plan.children)
    if plan.components is not None:
        _write_components(conn, plan.perm_id, plan.components)
    if containers is not None:
        conn.execute("DELETE FROM dataset_components WHERE component = ?", (plan.perm_id,))
        conn.executemany(
            "INSERT INTO dataset_components VALUES (?, ?, ?)",
            [(c, plan.perm_id, 1_000_000 + i) for i, c in enumerate(containers)],
        )
    if plan.tag_ids is not None and isinstance(plan.tag_ids, dict):
        current = graph.entity_tags.get((plan.kind, plan.perm_id), [])
        tags = list_update(current, _tag_actions(conn, graph, user, plan.tag_ids, at_ms), str)
        set_entity_tags(conn, plan.kind, plan.perm_id, tags)
    if plan.flags:
        write_flags(conn, plan.perm_id, plan.flags)


def _move_dependants(conn: sqlite3.Connection, graph: Graph, plan: Plan) -> None:
    """An experiment's samples follow it to another project; a sample's data sets follow
    it to another experiment."""
    if plan.kind == "EXPERIMENT" and "project_perm_id" in plan.columns:
        project = plan.columns["project_perm_id"]
        conn.execute(
            "UPDATE samples SET project_perm_id = ?, space = ? WHERE experiment_perm_id = ?",
            (project, graph.projects[project].space, plan.perm_id),
        )
    if plan.kind == "SAMPLE" and "experiment_perm_id" in plan.columns:
        conn.execute(
            "UPDATE datasets SET experiment_perm_id = ? WHERE sample_perm_id = ?",
            (plan.columns["experiment_perm_id"], plan.perm_id),
        )


def _tag_actions(conn, graph: Graph, user: str, value: dict, at_ms: int) -> dict:
    """The tag ``IdListUpdateValue`` with its items turned into tag permIds."""
    actions = []
    for action in value.get("actions") or []:
        items = tags_for_entity(conn, graph, user, action.get("items") or [], at_ms)
        actions.append({"@type": action.get("@type"), "items": items})
    return {"actions": actions}


def _write_links(conn, table: str, perm_id: str, parents, children) -> None:
    if parents is not None:
        conn.execute(f"DELETE FROM {table} WHERE child = ?", (perm_id,))
        conn.executemany(
            f"INSERT INTO {table} VALUES (?, ?, ?)",
            [(p, perm_id, i) for i, p in enumerate(parents)],
        )
    if children is not None:
        conn.execute(f"DELETE FROM {table} WHERE parent = ?", (perm_id,))
        conn.executemany(
            f"INSERT OR IGNORE INTO {table} VALUES (?, ?, ?)",
            [(perm_id, c, 1_000_000 + i) for i, c in enumerate(children)],
        )


def _write_components(conn, perm_id: str, components: list[str]) -> None:
    conn.execute("DELETE FROM dataset_components WHERE container = ?", (perm_id,))
    conn.executemany(
        "INSERT INTO dataset_components VALUES (?, ?, ?)",
        [(perm_id, c, i) for i, c in enumerate(components)],
    )


def write_flags(conn: sqlite3.Connection, perm_id: str, flags: dict[str, Any]) -> None:
    conn.execute("INSERT OR IGNORE INTO physical_data(perm_id) VALUES (?)", (perm_id,))
    assignments = ", ".join(f"{c} = ?" for c in flags)
    conn.execute(
        f"UPDATE physical_data SET {assignments} WHERE perm_id = ?", (*flags.values(), perm_id)
    )


def check_sample_codes(conn: sqlite3.Connection, graph: Graph, plans: list[Plan]) -> None:
    """A moved sample must not meet a sample of the same code at its new place."""
    for plan in plans:
        if plan.kind != "SAMPLE" or not plan.columns:
            continue
        s = graph.samples[plan.perm_id]
        clash = conn.execute(
            "SELECT 1 FROM samples WHERE code = ? AND space IS ? AND project_perm_id IS ? "
            "AND perm_id != ?",
            (s.code, plan.columns["space"], plan.columns["project_perm_id"], plan.perm_id),
        ).fetchone()
        if clash:
            raise OpenbisError(
                f"Insert/Update of Object (Code: {s.code}) failed because "
                "object with the same code already exists."
            )


def update_project(conn, graph: Graph, update: dict[str, Any], *, user: str, at_ms: int) -> None:
    perm_id = _required(graph, update.get("projectId"), resolve_project, "Project")
    p = graph.projects[perm_id]
    space = p.space
    modified, value = field_update(update.get("spaceId"))
    if modified:
        space = _required(graph, value, resolve_space, "Space")
    modified, description = field_update(update.get("description"))
    description = description if modified else p.description
    if (
        space != p.space
        and conn.execute(
            "SELECT 1 FROM projects WHERE space = ? AND code = ?", (space, p.code)
        ).fetchone()
    ):
        raise OpenbisError(
            f"Insert/Update of Project (Code: {p.code}) failed because "
            "project with the same code already exists."
        )
    conn.execute(
        "UPDATE projects SET space = ?, description = ?, modifier = ?, modification_ms = ? "
        "WHERE perm_id = ?",
        (space, description, user, at_ms, perm_id),
    )
    if space != p.space:  # the project's samples move with it
        conn.execute("UPDATE samples SET space = ? WHERE project_perm_id = ?", (space, perm_id))


def update_space(conn, graph: Graph, update: dict[str, Any], *, at_ms: int) -> None:
    code = _required(graph, update.get("spaceId"), resolve_space, "Space")
    modified, description = field_update(update.get("description"))
    if modified:
        conn.execute(
            "UPDATE spaces SET description = ?, modification_ms = ? WHERE code = ?",
            (description, at_ms, code),
        )
