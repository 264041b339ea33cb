"""Build a ``Graph`` snapshot from the SQLite store in one read transaction."""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict

from .directory import load_directory
from .records import (
    Assignment,
    DataSet,
    EntityType,
    Experiment,
    Graph,
    Person,
    PersonalAccessToken,
    PhysicalFlags,
    Project,
    PropertyType,
    Sample,
    Space,
    Tag,
    Term,
    Vocabulary,
)


def _rows(conn: sqlite3.Connection, sql: str) -> list[sqlite3.Row]:
    return conn.execute(sql).fetchall()


def load_graph(conn: sqlite3.Connection) -> Graph:
    props = _properties(conn)
    sample_parents, sample_children = _links(conn, "sample_links")
    dataset_parents, dataset_children = _links(conn, "dataset_links")
    components, containers = _components(conn)
    first_ms = conn.execute("SELECT MIN(registration_ms) FROM persons").fetchone()[0] or 0

    return Graph(
        persons=_persons(conn),
        spaces=_spaces(conn),
        projects=_projects(conn),
        experiments=_experiments(conn, props),
        samples=_samples(conn, props),
        datasets=_datasets(conn, props),
        types=_entity_types(conn, _assignments(conn)),
        property_types=_property_types(conn),
        vocabularies=_vocabularies(conn),
        terms=_terms(conn),
        sample_parents=dict(sample_parents),
        sample_children=dict(sample_children),
        dataset_parents=dict(dataset_parents),
        dataset_children=dict(dataset_children),
        pats=_pats(conn),
        datastore_registration_ms=first_ms,
        tags=_tags(conn),
        entity_tags=_entity_tags(conn),
        physical_flags=_physical_flags(conn),
        dataset_components=dict(components),
        dataset_containers=dict(containers),
        directory=load_directory(conn),
    )


Properties = dict[tuple[str, str], dict[str, str]]
"""Property values by ``(entity_kind, perm_id)``, each map ordered by property code."""


def _properties(conn: sqlite3.Connection) -> Properties:
    props: Properties = defaultdict(dict)
    for row in _rows(
        conn, "SELECT entity_kind, perm_id, code, value FROM properties ORDER BY code"
    ):
        props[(row["entity_kind"], row["perm_id"])][row["code"]] = row["value"]
    return props


def _assignments(conn: sqlite3.Connection) -> dict[tuple[str, str], list[Assignment]]:
    """Property assignments by ``(kind, type_code)``, in ordinal order."""
    assignments: dict[tuple[str, str], list[Assignment]] = defaultdict(list)
    for row in _rows(conn, "SELECT * FROM assignments ORDER BY ordinal, property_code"):
        assignments[(row["kind"], row["type_code"])].append(
            Assignment(
                property_code=row["property_code"],
                section=row["section"],
                ordinal=row["ordinal"],
                mandatory=bool(row["mandatory"]),
                show_in_edit_view=bool(row["show_in_edit_view"]),
                show_raw_value_in_forms=bool(row["show_raw_value_in_forms"]),
                registrator=row["registrator"],
                registration_ms=row["registration_ms"],
                plugin=row["plugin"],
            )
        )
    return assignments


def _links(
    conn: sqlite3.Connection, table: str
) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """``(parents by child, children by parent)`` of a link table, in ordinal order."""
    parents: dict[str, list[str]] = defaultdict(list)
    children: dict[str, list[str]] = defaultdict(list)
    for row in _rows(conn, f"SELECT parent, child FROM {table} ORDER BY ordinal"):
        parents[row["child"]].append(row["parent"])
        children[row["parent"]].append(row["child"])
    return parents, children


def _persons(conn: sqlite3.Connection) -> dict[str, Person]:
    return {
        r["user_id"]: Person(
            r["user_id"],
            r["first_name"],
            r["last_name"],
            r["email"],
            r["registration_ms"],
            bool(r["active"]),
        )
        for r in _rows(conn, "SELECT * FROM persons ORDER BY user_id")
    }


def _spaces(conn: sqlite3.Connection) -> dict[str, Space]:
    return {
        r["code"]: Space(
            r["tech_id"],
            r["code"],
            r["description"],
            r["registrator"],
            r["registration_ms"],
            r["modification_ms"],
        )
        for r in _rows(conn, "SELECT * FROM spaces ORDER BY tech_id")
    }


def _projects(conn: sqlite3.Connection) -> dict[str, Project]:
    return {
        r["perm_id"]: Project(
            r["perm_id"],
            r["code"],
            r["space"],
            r["description"],
            r["registrator"],
            r["modifier"],
            r["registration_ms"],
            r["modification_ms"],
        )
        for r in _rows(conn, "SELECT * FROM projects ORDER BY registration_ms, perm_id")
    }


def _experiments(conn: sqlite3.Connection, props: Properties) -> dict[str, Experiment]:
    return {
        r["perm_id"]: Experiment(
            r["perm_id"],
            r["code"],
            r["project_perm_id"],
            r["type_code"],
            r["registrator"],
            r["modifier"],
            r["registration_ms"],
            r["modification_ms"],
            props.get(("EXPERIMENT", r["perm_id"]), {}),
        )
        for r in _rows(conn, "SELECT * FROM experiments ORDER BY registration_ms, perm_id")
    }


def _samples(conn: sqlite3.Connection, props: Properties) -> dict[str, Sample]:
    return {
        r["perm_id"]: Sample(
            r["perm_id"],
            r["code"],
            r["space"],
            r["project_perm_id"],
            r["experiment_perm_id"],
            r["type_code"],
            r["registrator"],
            r["modifier"],
            r["registration_ms"],
            r["modification_ms"],
            props.get(("SAMPLE", r["perm_id"]), {}),
        )
        for r in _rows(conn, "SELECT * FROM samples ORDER BY registration_ms, perm_id")
    }


def _datasets(conn: sqlite3.Connection, props: Properties) -> dict[str, DataSet]:
    return {
        r["perm_id"]: DataSet(
            r["perm_id"],
            r["kind"],
            r["type_code"],
            r["sample_perm_id"],
            r["experiment_perm_id"],
            r["size"],
            r["status"],
            r["registrator"],
            r["modifier"],
            r["registration_ms"],
            r["modification_ms"],
            r["access_ms"],
            props.get(("DATA_SET", r["perm_id"]), {}),
        )
        for r in _rows(conn, "SELECT * FROM datasets ORDER BY registration_ms, perm_id")
    }


def _entity_types(
    conn: sqlite3.Connection, assignments: dict[tuple[str, str], list[Assignment]]
) -> dict[tuple[str, str], EntityType]:
    return {
        (r["kind"], r["code"]): EntityType(
            r["kind"],
            r["code"],
            r["description"],
            r["modification_ms"],
            json.loads(r["options"]),
            tuple(assignments.get((r["kind"], r["code"]), ())),
        )
        for r in _rows(conn, "SELECT * FROM entity_types ORDER BY kind, code")
    }


def _property_types(conn: sqlite3.Connection) -> dict[str, PropertyType]:
    return {
        r["code"]: PropertyType(
            r["code"],
            r["label"],
            r["description"],
            r["data_type"],
            r["vocabulary"],
            bool(r["managed_internally"]),
            r["registrator"],
            r["registration_ms"],
            bool(r["multi_value"]),
            r["sample_type"],
            json.loads(r["meta_data"] or "{}"),
        )
        for r in _rows(conn, "SELECT * FROM property_types ORDER BY code")
    }


def _vocabularies(conn: sqlite3.Connection) -> dict[str, Vocabulary]:
    return {
        r["code"]: Vocabulary(
            r["code"],
            r["description"],
            r["registrator"],
            r["registration_ms"],
            r["modification_ms"],
            bool(r["managed_internally"]),
            bool(r["chosen_from_list"]),
            r["url_template"],
        )
        for r in _rows(conn, "SELECT * FROM vocabularies ORDER BY code")
    }


def _terms(conn: sqlite3.Connection) -> dict[tuple[str, str], Term]:
    return {
        (r["vocabulary"], r["code"]): Term(
            r["vocabulary"],
            r["code"],
            r["label"],
            r["description"],
            r["ordinal"],
            bool(r["official"]),
            r["registrator"],
            r["registration_ms"],
            r["modification_ms"],
        )
        for r in _rows(conn, "SELECT * FROM terms ORDER BY vocabulary, ordinal")
    }


def _pats(conn: sqlite3.Connection) -> dict[str, PersonalAccessToken]:
    return {
        r["hash"]: PersonalAccessToken(
            r["hash"],
            r["owner"],
            r["session_name"],
            r["valid_from_ms"],
            r["valid_to_ms"],
            r["registrator"],
            r["modifier"],
            r["registration_ms"],
            r["modification_ms"],
            r["access_ms"],
        )
        for r in _rows(conn, "SELECT * FROM pats ORDER BY registration_ms")
    }


def _tags(conn: sqlite3.Connection) -> dict[str, Tag]:
    return {
        r["perm_id"]: Tag(
            r["perm_id"], r["code"], r["owner"], r["description"], r["registration_ms"]
        )
        for r in _rows(conn, "SELECT * FROM tags ORDER BY registration_ms, perm_id")
    }


def _entity_tags(conn: sqlite3.Connection) -> dict[tuple[str, str], list[str]]:
    entity_tags: dict[tuple[str, str], list[str]] = defaultdict(list)
    for r in _rows(conn, "SELECT * FROM entity_tags ORDER BY ordinal, tag"):
        entity_tags[(r["entity_kind"], r["perm_id"])].append(r["tag"])
    return dict(entity_tags)


def _physical_flags(conn: sqlite3.Connection) -> dict[str, PhysicalFlags]:
    return {
        r["perm_id"]: PhysicalFlags(
            bool(r["present_in_archive"]),
            bool(r["archiving_requested"]),
            bool(r["unarchiving_requested"]),
        )
        for r in _rows(conn, "SELECT * FROM physical_data")
    }


def _components(conn: sqlite3.Connection) -> tuple[dict, dict]:
    """Container → component permIds, and component → container permIds."""
    components: dict[str, list[str]] = defaultdict(list)
    containers: dict[str, list[str]] = defaultdict(list)
    for r in _rows(conn, "SELECT container, component FROM dataset_components ORDER BY ordinal"):
        components[r["container"]].append(r["component"])
        containers[r["component"]].append(r["container"])
    return components, containers
