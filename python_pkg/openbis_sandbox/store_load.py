"""Build a ``Graph`` snapshot from the SQLite store in one read transaction."""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict

from .store_records import (
    Assignment,
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


def _rows(conn: sqlite3.Connection, sql: str) -> list[sqlite3.Row]:
    return conn.execute(sql).fetchall()


def load_graph(conn: sqlite3.Connection) -> Graph:
    props: dict[tuple[str, str], dict[str, str]] = defaultdict(dict)
    for row in _rows(
        conn, "SELECT entity_kind, perm_id, code, value FROM properties ORDER BY code"
    ):
        props[(row["entity_kind"], row["perm_id"])][row["code"]] = row["value"]

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
            )
        )

    def links(table: str) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
        parents: dict[str, list[str]] = defaultdict(list)
        children: dict[str, list[str]] = defaultdict(list)
        for row in _rows(conn, f"SELECT parent, child FROM {table} ORDER BY ordinal"):
            parents[row["child"]].append(row["parent"])
            children[row["parent"]].append(row["child"])
        return parents, children

    sample_parents, sample_children = links("sample_links")
    dataset_parents, dataset_children = links("dataset_links")
    first_ms = conn.execute("SELECT MIN(registration_ms) FROM persons").fetchone()[0] or 0

    return Graph(
        persons={
            r["user_id"]: Person(
                r["user_id"],
                r["first_name"],
                r["last_name"],
                r["email"],
                r["registration_ms"],
                bool(r["active"]),
            )
            for r in _rows(conn, "SELECT * FROM persons ORDER BY user_id")
        },
        spaces={
            r["code"]: Space(
                r["tech_id"],
                r["code"],
                r["description"],
                r["registrator"],
                r["registration_ms"],
                r["modification_ms"],
            )
            for r in _rows(conn, "SELECT * FROM spaces ORDER BY tech_id")
        },
        projects={
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
        },
        experiments={
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
        },
        samples={
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
        },
        datasets={
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
        },
        types={
            (r["kind"], r["code"]): EntityType(
                r["kind"],
                r["code"],
                r["description"],
                r["modification_ms"],
                json.loads(r["options"]),
                tuple(assignments.get((r["kind"], r["code"]), ())),
            )
            for r in _rows(conn, "SELECT * FROM entity_types ORDER BY kind, code")
        },
        property_types={
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
            )
            for r in _rows(conn, "SELECT * FROM property_types ORDER BY code")
        },
        vocabularies={
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
        },
        terms={
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
        },
        sample_parents=dict(sample_parents),
        sample_children=dict(sample_children),
        dataset_parents=dict(dataset_parents),
        dataset_children=dict(dataset_children),
        pats={
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
        },
        datastore_registration_ms=first_ms,
    )
