"""Deletions: the trash of experiments, samples and data sets, and the permanent deletion
of spaces and projects.

Followed: openBIS ``AbstractDeleteEntityExecutor`` (ids that do not resolve are skipped;
none resolving means no deletion and a null result), ``DeleteSampleExecutor`` /
``TrashBO`` (one ``Deletion`` per call; an experiment takes its samples and data sets
into the trash, a sample its data sets, a container data set its components (I)),
``DeletionTranslator`` (``deletedObjects`` lists the entities the call named, the totals
count everything trashed (I)), ``DeleteSpaceTest`` ("Space 'X' is being used. Delete all
connected data  first.", two spaces, also for trashed content).

Trashed entities leave their tables: every row they own (properties, links, tags,
archiving flags, components) is kept as JSON in ``trash.payload`` and restored on revert.
Confirming removes the JSON and a data set's folder.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from dataclasses import dataclass
from typing import Any

from ..errors import OpenbisError
from .records import Graph

KINDS = ("EXPERIMENT", "SAMPLE", "DATA_SET")
_TABLE = {"EXPERIMENT": "experiments", "SAMPLE": "samples", "DATA_SET": "datasets"}
# (table, SQL condition on the entity's permId) of the rows an entity owns, per kind
_OWNED = {
    "EXPERIMENT": (),
    "SAMPLE": (("sample_links", "parent = :p OR child = :p"),),
    "DATA_SET": (
        ("dataset_links", "parent = :p OR child = :p"),
        ("dataset_components", "container = :p OR component = :p"),
        ("physical_data", "perm_id = :p"),
    ),
}


@dataclass(frozen=True)
class TrashedObject:
    kind: str
    perm_id: str
    identifier: str
    type_code: str


@dataclass(frozen=True)
class Deletion:
    tech_id: int
    reason: str
    registrator: str
    registration_ms: int
    deleted_objects: tuple[TrashedObject, ...]  # the entities the deleting call named
    totals: dict  # trashed entities by kind, dependants included


def in_use(what: str) -> OpenbisError:
    return OpenbisError(f"{what} is being used. Delete all connected data  first.")


def dependants(graph: Graph, kind: str, perm_ids: list[str]) -> list[tuple[str, str]]:
    """``(kind, permId)`` of the entities and everything trashed with them, parents first."""
    out: dict[tuple[str, str], None] = {}
    datasets: list[str] = []
    for perm_id in perm_ids:
        out[(kind, perm_id)] = None
        if kind == "EXPERIMENT":
            for s in graph.samples.values():
                if s.experiment_perm_id == perm_id:
                    out[("SAMPLE", s.perm_id)] = None
            datasets += [
                d.perm_id for d in graph.datasets.values() if d.experiment_perm_id == perm_id
            ]
        elif kind == "SAMPLE":
            datasets += [d.perm_id for d in graph.datasets.values() if d.sample_perm_id == perm_id]
        else:
            datasets.append(perm_id)
    seen: set[str] = set()
    while datasets:
        ds = datasets.pop(0)
        if ds not in seen:
            seen.add(ds)
            out[("DATA_SET", ds)] = None
            datasets += graph.dataset_components.get(ds, [])
    order = {k: i for i, k in enumerate(KINDS)}
    return sorted(out, key=lambda key: order[key[0]])


# DataSetArchivingStatus in enum order; the pending ones are not deletable (TrashBO
# checkForNonDeletableDataSets; which statuses isDeletable() refuses: (I))
_STATUS_ORDER = (
    "AVAILABLE",
    "LOCKED",
    "ARCHIVED",
    "UNARCHIVE_PENDING",
    "ARCHIVE_PENDING",
    "BACKUP_PENDING",
)
_NOT_DELETABLE = {"LOCKED", "UNARCHIVE_PENDING", "ARCHIVE_PENDING", "BACKUP_PENDING"}


def check_deletable(graph: Graph, entities: list[tuple[str, str]]) -> None:
    by_status: dict[str, list[str]] = {}
    for kind, perm_id in entities:
        ds = graph.datasets.get(perm_id) if kind == "DATA_SET" else None
        if ds is not None and ds.kind == "PHYSICAL" and ds.status in _NOT_DELETABLE:
            by_status.setdefault(ds.status, []).append(ds.code)
    if by_status:
        details = "".join(
            f"\n Status: {status}, data sets: [{', '.join(by_status[status])}]"
            for status in _STATUS_ORDER
            if status in by_status
        )
        raise OpenbisError(
            "Deletion not possible because the following data sets are not deletable:" + details
        )


def _rows(conn: sqlite3.Connection, table: str, where: str, p: str) -> list[dict[str, Any]]:
    return [dict(r) for r in conn.execute(f"SELECT * FROM {table} WHERE {where}", {"p": p})]


def _describe(graph: Graph, kind: str, perm_id: str) -> tuple[str, str, str | None, str | None]:
    """identifier, type code, space, project permId of a live entity."""
    if kind == "EXPERIMENT":
        e = graph.experiments[perm_id]
        project = graph.projects[e.project_perm_id]
        return graph.experiment_identifier(e), e.type_code, project.space, project.perm_id
    if kind == "SAMPLE":
        s = graph.samples[perm_id]
        project = graph.sample_project(s)
        return (
            graph.sample_identifier(s),
            s.type_code,
            s.space,
            project.perm_id if project else None,
        )
    d = graph.datasets[perm_id]
    exp = graph.dataset_experiment(d)
    project = graph.projects[exp.project_perm_id] if exp else None
    return d.perm_id, d.type_code, project.space if project else None, exp and exp.project_perm_id


def trash(
    conn: sqlite3.Connection,
    graph: Graph,
    *,
    user: str,
    kind: str,
    perm_ids: list[str],
    reason: str,
    at_ms: int,
) -> int:
    """Move ``perm_ids`` (and their dependants) into a new deletion; its tech id."""
    entities = dependants(graph, kind, perm_ids)
    check_deletable(graph, entities)
    cur = conn.execute(
        "INSERT INTO deletions(reason, registrator, registration_ms) VALUES (?, ?, ?)",
        (reason, user, at_ms),
    )
    deletion_id = cur.lastrowid
    payloads = []
    for seq, (k, p) in enumerate(entities):
        identifier, type_code, space, project = _describe(graph, k, p)
        payload = {
            "row": _rows(conn, _TABLE[k], "perm_id = :p", p)[0],
            "properties": _rows(conn, "properties", f"entity_kind = '{k}' AND perm_id = :p", p),
            "entity_tags": _rows(conn, "entity_tags", f"entity_kind = '{k}' AND perm_id = :p", p),
            **{table: _rows(conn, table, where, p) for table, where in _OWNED[k]},
        }
        payloads.append((k, p, payload))
        conn.execute(
            "INSERT INTO trash VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                deletion_id,
                seq,
                k,
                p,
                1 if (k == kind and p in perm_ids) else 0,
                identifier,
                type_code,
                space,
                project,
                json.dumps(payload),
            ),
        )
    for k, p, _ in reversed(payloads):  # children of FKs first
        for table, where in _OWNED[k]:
            conn.execute(f"DELETE FROM {table} WHERE {where}", {"p": p})
        conn.execute("DELETE FROM properties WHERE entity_kind = ? AND perm_id = ?", (k, p))
        conn.execute("DELETE FROM entity_tags WHERE entity_kind = ? AND perm_id = ?", (k, p))
    for k, p, _ in reversed(payloads):
        conn.execute(f"DELETE FROM {_TABLE[k]} WHERE perm_id = ?", (p,))
    return deletion_id


def _insert(conn: sqlite3.Connection, table: str, row: dict[str, Any], *, ignore: bool) -> None:
    cols = ", ".join(row)
    marks = ", ".join("?" for _ in row)
    verb = "INSERT OR IGNORE" if ignore else "INSERT"
    conn.execute(f"{verb} INTO {table} ({cols}) VALUES ({marks})", tuple(row.values()))


def _exists(conn: sqlite3.Connection, table: str, perm_id: str) -> bool:
    return (
        conn.execute(f"SELECT 1 FROM {table} WHERE perm_id = ?", (perm_id,)).fetchone() is not None
    )


def _restorable(conn: sqlite3.Connection, table: str, row: dict[str, Any]) -> bool:
    """A link row is restored only when both its ends are live again."""
    if table in ("sample_links", "dataset_links"):
        ends = ("samples" if table == "sample_links" else "datasets", (row["parent"], row["child"]))
    elif table == "dataset_components":
        ends = ("datasets", (row["container"], row["component"]))
    elif table == "entity_tags":
        return (
            conn.execute("SELECT 1 FROM tags WHERE perm_id = ?", (row["tag"],)).fetchone()
            is not None
        )
    else:
        return True
    return all(_exists(conn, ends[0], p) for p in ends[1])


def revert(conn: sqlite3.Connection, deletion_id: int) -> None:
    """Move a deletion's entities back into their tables."""
    entries = conn.execute(
        "SELECT entity_kind, perm_id, identifier, payload FROM trash WHERE deletion_id = ? "
        "ORDER BY seq",
        (deletion_id,),
    ).fetchall()
    payloads = [(r["entity_kind"], json.loads(r["payload"])) for r in entries]
    for (kind, payload), entry in zip(payloads, entries, strict=True):
        try:
            _insert(conn, _TABLE[kind], payload["row"], ignore=False)
        except sqlite3.IntegrityError:  # (I) openBIS's message for this case is unconfirmed
            raise OpenbisError(
                f"Deletion {deletion_id} cannot be reverted: the owner of "
                f"'{entry['identifier']}' no longer exists or its code is taken."
            ) from None
    for _kind, payload in payloads:
        for table, rows in payload.items():
            if table == "row":
                continue
            for row in rows:
                if _restorable(conn, table, row):
                    _insert(conn, table, row, ignore=True)
    conn.execute("DELETE FROM trash WHERE deletion_id = ?", (deletion_id,))
    conn.execute("DELETE FROM deletions WHERE tech_id = ?", (deletion_id,))


def confirm(conn: sqlite3.Connection, deletion_id: int) -> list[str]:
    """Forget a deletion for good; the permIds of its data sets (whose files must go)."""
    datasets = [
        r["perm_id"]
        for r in conn.execute(
            "SELECT perm_id FROM trash WHERE deletion_id = ? AND entity_kind = 'DATA_SET'",
            (deletion_id,),
        )
    ]
    conn.execute("DELETE FROM trash WHERE deletion_id = ?", (deletion_id,))
    conn.execute("DELETE FROM deletions WHERE tech_id = ?", (deletion_id,))
    return datasets


def remove_files(folders: list) -> None:
    for folder in folders:
        shutil.rmtree(folder, ignore_errors=True)


def deletion_exists(conn: sqlite3.Connection, deletion_id: Any) -> bool:
    return (
        isinstance(deletion_id, int)
        and conn.execute("SELECT 1 FROM deletions WHERE tech_id = ?", (deletion_id,)).fetchone()
        is not None
    )


def load_deletions(conn: sqlite3.Connection) -> list[Deletion]:
    trashed: dict[int, list[sqlite3.Row]] = {}
    for r in conn.execute("SELECT * FROM trash ORDER BY deletion_id, seq"):
        trashed.setdefault(r["deletion_id"], []).append(r)
    out = []
    for d in conn.execute("SELECT * FROM deletions ORDER BY tech_id"):
        rows = trashed.get(d["tech_id"], [])
        out.append(
            Deletion(
                d["tech_id"],
                d["reason"],
                d["registrator"],
                d["registration_ms"],
                tuple(
                    TrashedObject(r["entity_kind"], r["perm_id"], r["identifier"], r["type_code"])
                    for r in rows
                    if r["original"]
                ),
                {k: sum(1 for r in rows if r["entity_kind"] == k) for k in KINDS},
            )
        )
    return out


def space_in_use(conn: sqlite3.Connection, code: str) -> bool:
    return any(
        conn.execute(sql, (code,)).fetchone()
        for sql in (
            "SELECT 1 FROM projects WHERE space = ?",
            "SELECT 1 FROM samples WHERE space = ?",
            "SELECT 1 FROM trash WHERE space = ?",
        )
    )


def project_in_use(conn: sqlite3.Connection, perm_id: str) -> bool:
    return any(
        conn.execute(sql, (perm_id,)).fetchone()
        for sql in (
            "SELECT 1 FROM experiments WHERE project_perm_id = ?",
            "SELECT 1 FROM samples WHERE project_perm_id = ?",
            "SELECT 1 FROM trash WHERE project_perm_id = ?",
        )
    )


def delete_space(conn: sqlite3.Connection, code: str) -> None:
    if space_in_use(conn, code):
        raise in_use(f"Space '{code}'")
    conn.execute("DELETE FROM spaces WHERE code = ?", (code,))


def delete_project(conn: sqlite3.Connection, perm_id: str, identifier: str) -> None:
    if project_in_use(conn, perm_id):
        raise in_use(f"Project '{identifier}'")  # (I) the space message's shape
    conn.execute("DELETE FROM projects WHERE perm_id = ?", (perm_id,))
