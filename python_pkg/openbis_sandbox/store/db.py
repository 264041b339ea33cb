"""Persistent metadata store of the sandbox: SQLite (WAL, foreign keys) in ``data_dir``.

Writes go through short transactions; reads use a ``Graph`` snapshot that is rebuilt
lazily after each write (see ``records``). One connection is shared by all
threads behind a lock: tornado serves on one thread, and the DSS side may call in from
executor threads.
"""

from __future__ import annotations

import re
import secrets
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ..errors import OpenbisError
from . import archiving, file_checksums
from .ids import (
    not_found,
    resolve_dataset,
    resolve_experiment,
    resolve_project,
    resolve_sample,
    resolve_space,
)
from .load import load_graph
from .migrate import open_schema
from .properties import normalise_properties
from .records import Graph

PAT_PREFIX = "$pat-"
CODE_PATTERN = re.compile(r"^[A-Za-z0-9_\-.]+$")


def now_ms() -> int:
    return int(time.time() * 1000)


def allocate_perm_id(conn: sqlite3.Connection, at_ms: int) -> str:
    """``yyyyMMddHHmmssSSS-n`` (UTC stamp), n from a persistent counter inside ``conn``'s
    transaction, so permIds never repeat, also across restarts and seeds."""
    conn.execute(
        "INSERT INTO counters(name, value) VALUES ('perm_id', 1) "
        "ON CONFLICT(name) DO UPDATE SET value = value + 1"
    )
    n = conn.execute("SELECT value FROM counters WHERE name = 'perm_id'").fetchone()[0]
    stamp = datetime.fromtimestamp(at_ms / 1000, timezone.utc).strftime("%Y%m%d%H%M%S")
    return f"{stamp}{at_ms % 1000:03d}-{n}"


def _check_code(code: Any, what: str = "Code") -> str:
    if not isinstance(code, str) or not code.strip():
        raise OpenbisError(f"{what} cannot be empty.")
    if not CODE_PATTERN.match(code):
        raise OpenbisError(
            f"Given code '{code}' contains illegal characters (allowed: A-Z, a-z, 0-9 and _, -, .)"
        )
    return code.upper()


class Store:
    """The sandbox's metadata, sessions and data set locations.

    Args:
        data_dir: the sandbox directory; the database is ``data_dir/openbis.sqlite`` and
            data set payloads live under ``data_dir/store/<permId>/original/...``.
        session_timeout_s: idle seconds after which a session token becomes invalid.
    """

    def __init__(self, data_dir: Path, *, session_timeout_s: int = 1800) -> None:
        self.data_dir = Path(data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.session_timeout_s = session_timeout_s
        self._lock = threading.RLock()
        self._conn = sqlite3.connect(
            self.data_dir / "openbis.sqlite", check_same_thread=False, isolation_level=None
        )
        self._conn.row_factory = sqlite3.Row
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA foreign_keys=ON")
        self._conn.execute("PRAGMA synchronous=NORMAL")
        try:
            open_schema(self._conn)
        except BaseException:
            self._conn.close()
            raise
        self._generation = 0
        self._graph: Graph | None = None
        self._graph_generation = -1

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    # --- transactions and snapshots ---------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """An immediate write transaction; rolled back entirely if the block raises."""
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            else:
                self._conn.execute("COMMIT")
            finally:
                self._generation += 1

    def graph(self) -> Graph:
        """The current metadata snapshot (cached until the next write)."""
        with self._lock:
            if archiving.due(self._conn, now_ms()):  # pending archiving steps finish on read
                with self.transaction() as conn:
                    archiving.advance(conn, now_ms())
            if self._graph is None or self._graph_generation != self._generation:
                self._conn.execute("BEGIN")
                try:
                    self._graph = load_graph(self._conn)
                finally:
                    self._conn.execute("COMMIT")
                self._graph_generation = self._generation
            return self._graph

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """A consistent read transaction on the shared connection (no writes)."""
        with self._lock:
            self._conn.execute("BEGIN")
            try:
                yield self._conn
            finally:
                self._conn.execute("COMMIT")

    def is_empty(self) -> bool:
        with self._lock:
            return self._conn.execute("SELECT COUNT(*) FROM persons").fetchone()[0] == 0

    def next_perm_id(self, conn: sqlite3.Connection, at_ms: int | None = None) -> str:
        """A fresh ``yyyyMMddHHmmssSSS-n`` permId (see ``allocate_perm_id``)."""
        return allocate_perm_id(conn, now_ms() if at_ms is None else at_ms)

    # --- users and sessions -------------------------------------------------------------

    def upsert_user(
        self,
        user_id: str,
        password: str,
        *,
        first_name: str | None = None,
        last_name: str | None = None,
        email: str | None = None,
    ) -> None:
        with self.transaction() as conn:
            known = conn.execute("SELECT 1 FROM persons WHERE user_id = ?", (user_id,)).fetchone()
            conn.execute(
                "INSERT INTO persons(user_id, password, first_name, last_name, email, "
                "registration_ms) VALUES (?, ?, ?, ?, ?, ?) "
                "ON CONFLICT(user_id) DO UPDATE SET password = excluded.password",
                (user_id, password, first_name, last_name, email, now_ms()),
            )
            if not known:  # like admin on a fresh openBIS: instance ADMIN (never enforced)
                conn.execute(
                    "INSERT INTO role_assignments(role, user_id, registrator, registration_ms) "
                    "VALUES ('ADMIN', ?, ?, ?)",
                    (user_id, user_id, now_ms()),
                )

    def login(self, user_id: str, password: str) -> str | None:
        """A new session token, or None for an unknown user or a wrong password."""
        with self._lock:
            row = self._conn.execute(
                "SELECT password FROM persons WHERE user_id = ? AND active = 1", (user_id,)
            ).fetchone()
        if (
            row is None
            or row["password"] is None
            # bytes: compare_digest refuses str with non-ASCII characters (e.g. "é")
            or not secrets.compare_digest(
                row["password"].encode("utf-8", "surrogatepass"),
                password.encode("utf-8", "surrogatepass"),
            )
        ):
            return None
        stamp = datetime.now().strftime("%y%m%d%H%M%S%f")[:15]
        token = f"{user_id}-{stamp}x{secrets.token_hex(16).upper()}"
        ms = now_ms()
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO sessions(token, user_id, created_ms, last_access_ms) "
                "VALUES (?, ?, ?, ?)",
                (token, user_id, ms, ms),
            )
        return token

    def session_user(self, token: str) -> str | None:
        """The user owning a live session token or a valid PAT; refreshes the idle timer."""
        if not isinstance(token, str):
            return None
        ms = now_ms()
        with self._lock:
            if token.startswith(PAT_PREFIX):
                row = self._conn.execute(
                    "SELECT owner FROM pats "
                    "WHERE hash = ? AND valid_from_ms <= ? AND valid_to_ms > ?",
                    (token, ms, ms),
                ).fetchone()
                if row is None:
                    return None
                self._conn.execute("UPDATE pats SET access_ms = ? WHERE hash = ?", (ms, token))
                return row["owner"]
            row = self._conn.execute(
                "SELECT user_id, last_access_ms FROM sessions WHERE token = ?", (token,)
            ).fetchone()
            if row is None:
                return None
            if ms - row["last_access_ms"] > self.session_timeout_s * 1000:
                self._conn.execute("DELETE FROM sessions WHERE token = ?", (token,))
                return None
            self._conn.execute(
                "UPDATE sessions SET last_access_ms = ? WHERE token = ?", (ms, token)
            )
            return row["user_id"]

    def logout(self, token: str) -> None:
        with self._lock:
            self._conn.execute("DELETE FROM sessions WHERE token = ?", (token,))

    def expire_sessions(self) -> None:
        """Invalidate every session token at once (forced expiry, e.g. for fault tests)."""
        with self._lock:
            self._conn.execute("DELETE FROM sessions")

    # --- data set files (contract with the DSS side) -------------------------------------

    def dataset_dir(self, perm_id: str) -> Path:
        """Folder of a data set's tree; the payload is under ``original/``."""
        return self.data_dir / "store" / perm_id

    def record_files(self, perm_id: str) -> None:
        """Record length and CRC32 of the data set's files, as openBIS does at registration.
        Inside ``transaction()`` (same thread) the rows join that transaction."""
        with self._lock:
            file_checksums.record(self._conn, perm_id, self.dataset_dir(perm_id))

    def recorded_files(self, perm_id: str) -> dict[str, tuple[int, int]]:
        """``data-set path → (length, CRC32)`` recorded at registration."""
        with self._lock:
            return file_checksums.recorded(self._conn, perm_id)

    def get_dataset_row(self, perm_id: str) -> dict[str, Any] | None:
        graph = self.graph()
        ds = graph.datasets.get(perm_id)
        if ds is None:
            return None
        return {
            "permId": ds.perm_id,
            "code": ds.code,
            "kind": ds.kind,
            "type": ds.type_code,
            "sample": ds.sample_perm_id,
            "experiment": ds.experiment_perm_id,
            "size": ds.size,
            "status": ds.status,
            "registrator": ds.registrator,
        }

    def user_can_access_dataset(self, user: str, perm_id: str) -> bool:
        """No authorisation model yet: every known user sees every existing data set."""
        return perm_id in self.graph().datasets

    # --- creations ---------------------------------------------------------------------

    def _entity_type(self, graph: Graph, kind: str, type_id: Any):
        code = type_id.get("permId") if isinstance(type_id, dict) else None
        entity_type = graph.entity_type(kind, code.upper()) if isinstance(code, str) else None
        if entity_type is None:
            raise not_found(
                {
                    **(type_id or {}),
                    "entityKind": kind,
                    "@type": "as.dto.entitytype.id.EntityTypePermId",
                }
            )
        return entity_type

    def create_space(self, *, user: str, code: Any, description: str | None = None) -> str:
        code = _check_code(code)
        ms = now_ms()
        with self.transaction() as conn:
            if conn.execute("SELECT 1 FROM spaces WHERE code = ?", (code,)).fetchone():
                raise OpenbisError(
                    f"Insert/Update of Space (Code: {code}) failed because "
                    "space with the same code already exists."
                )
            conn.execute(
                "INSERT INTO spaces(code, description, registrator, registration_ms, "
                "modification_ms) "
                "VALUES (?, ?, ?, ?, ?)",
                (code, description, user, ms, ms),
            )
        return code

    def create_project(
        self, *, user: str, space_id: Any, code: Any, description: str | None = None
    ) -> str:
        code = _check_code(code)
        graph = self.graph()
        space = resolve_space(graph, space_id)
        if not space_id:
            raise OpenbisError("Space id cannot be null.")
        if space is None:
            raise not_found(space_id)
        ms = now_ms()
        with self.transaction() as conn:
            if conn.execute(
                "SELECT 1 FROM projects WHERE space = ? AND code = ?", (space, code)
            ).fetchone():
                raise OpenbisError(
                    f"Insert/Update of Project (Code: {code}) failed because "
                    "project with the same code already exists."
                )
            perm_id = self.next_perm_id(conn, ms)
            conn.execute(
                "INSERT INTO projects VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (perm_id, code, space, description, user, user, ms, ms),
            )
        return perm_id

    def create_experiment(
        self,
        *,
        user: str,
        type_id: Any,
        project_id: Any,
        code: Any,
        properties: dict[str, Any] | None = None,
    ) -> str:
        code = _check_code(code)
        graph = self.graph()
        entity_type = self._entity_type(graph, "EXPERIMENT", type_id)
        if not project_id:
            raise OpenbisError("Project id cannot be null.")
        project = resolve_project(graph, project_id)
        if project is None:
            raise not_found(project_id)
        props = normalise_properties(graph, entity_type, properties)
        ms = now_ms()
        with self.transaction() as conn:
            if conn.execute(
                "SELECT 1 FROM experiments WHERE project_perm_id = ? AND code = ?", (project, code)
            ).fetchone():
                raise OpenbisError(
                    f"Insert/Update of Experiment (Code: {code}) failed because "
                    "experiment with the same code already exists."
                )
            perm_id = self.next_perm_id(conn, ms)
            conn.execute(
                "INSERT INTO experiments VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (perm_id, code, project, entity_type.code, user, user, ms, ms),
            )
            _insert_properties(conn, "EXPERIMENT", perm_id, props)
        return perm_id

    def create_sample(
        self,
        *,
        user: str,
        type_id: Any,
        code: Any,
        space_id: Any = None,
        project_id: Any = None,
        experiment_id: Any = None,
        parent_ids: list[Any] = (),
        child_ids: list[Any] = (),
        properties: dict[str, Any] | None = None,
    ) -> str:
        graph = self.graph()
        entity_type = self._entity_type(graph, "SAMPLE", type_id)
        ms = now_ms()
        space = resolve_space(graph, space_id) if space_id else None
        if space_id and space is None:
            raise not_found(space_id)
        project = resolve_project(graph, project_id) if project_id else None
        if project_id and project is None:
            raise not_found(project_id)
        experiment = resolve_experiment(graph, experiment_id) if experiment_id else None
        if experiment_id and experiment is None:
            raise not_found(experiment_id)
        if experiment is not None:
            project = project or graph.experiments[experiment].project_perm_id
        if project is not None:
            space = space or graph.projects[project].space
        parents = [self._resolve_or_fail(resolve_sample, graph, p) for p in parent_ids or []]
        children = [self._resolve_or_fail(resolve_sample, graph, c) for c in child_ids or []]
        with self.transaction() as conn:
            perm_id = self.next_perm_id(conn, ms)
            if code is None or code == "":
                prefix = entity_type.options.get("generatedCodePrefix") or "S"
                code = f"{prefix}{perm_id.rsplit('-', 1)[1]}"
            code = _check_code(code)
            owner = graph.projects[project].identifier if project else f"/{space}" if space else ""
            props = normalise_properties(
                graph, entity_type, properties, own=(f"{owner}/{code}", perm_id)
            )
            duplicate = conn.execute(
                "SELECT 1 FROM samples WHERE code = ? AND space IS ? AND project_perm_id IS ?",
                (code, space, project),
            ).fetchone()
            if duplicate:
                raise OpenbisError(
                    f"Insert/Update of Object (Code: {code}) failed because "
                    "object with the same code already exists."
                )
            conn.execute(
                "INSERT INTO samples VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (perm_id, code, space, project, experiment, entity_type.code, user, user, ms, ms),
            )
            _insert_properties(conn, "SAMPLE", perm_id, props)
            conn.executemany(
                "INSERT INTO sample_links VALUES (?, ?, ?)",
                [(p, perm_id, i) for i, p in enumerate(parents)]
                + [(perm_id, c, i) for i, c in enumerate(children)],
            )
        return perm_id

    @staticmethod
    def _resolve_or_fail(resolver: Callable, graph: Graph, id_obj: Any) -> str:
        found = resolver(graph, id_obj)
        if found is None:
            raise not_found(id_obj if isinstance(id_obj, dict) else {"permId": id_obj})
        return found

    def create_dataset(
        self,
        *,
        type_code: str,
        sample_id: dict | None,
        experiment_id: dict | None,
        parent_ids: list[dict],
        properties: dict[str, str],
        user: str,
        size: int,
        kind: str = "PHYSICAL",
        before_commit: Callable[[str], None] | None = None,
    ) -> str:
        """Register a data set and return its new permId (``yyyyMMddHHmmssSSS-n``).

        Ids are the V3 id dicts as pybis sends them. The owner is the sample if given
        (its experiment is inherited), else the experiment. Properties are upper-cased
        and validated against the type (SPEC §8.2 texts). Everything is checked before
        anything is written; ``before_commit(perm_id)`` then runs inside the write
        transaction, so the DSS side can move the payload to ``dataset_dir(perm_id)``
        before the row becomes visible: if it raises, nothing is registered. Once this
        returns, ``getDataSets`` sees the data set.
        """
        graph = self.graph()
        entity_type = graph.entity_type("DATA_SET", str(type_code).upper())
        if entity_type is None:
            raise not_found(
                {
                    "@type": "as.dto.entitytype.id.EntityTypePermId",
                    "permId": type_code,
                    "entityKind": "DATA_SET",
                }
            )
        sample = experiment = None
        if sample_id:
            sample = self._resolve_or_fail(resolve_sample, graph, sample_id)
            experiment = graph.samples[sample].experiment_perm_id
        elif experiment_id:
            experiment = self._resolve_or_fail(resolve_experiment, graph, experiment_id)
        else:
            raise OpenbisError("A dataset needs either a sample or an experiment as an owner.")
        parents = [self._resolve_or_fail(resolve_dataset, graph, p) for p in parent_ids or []]
        props = normalise_properties(graph, entity_type, properties)
        ms = now_ms()
        with self.transaction() as conn:
            perm_id = self.next_perm_id(conn, ms)
            conn.execute(
                "INSERT INTO datasets VALUES (?, ?, ?, ?, ?, ?, 'AVAILABLE', ?, ?, ?, ?, ?)",
                (perm_id, kind, entity_type.code, sample, experiment, size, user, user, ms, ms, ms),
            )
            _insert_properties(conn, "DATA_SET", perm_id, props)
            conn.executemany(
                "INSERT INTO dataset_links VALUES (?, ?, ?)",
                [(p, perm_id, i) for i, p in enumerate(parents)],
            )
            if before_commit is not None:
                before_commit(perm_id)
        return perm_id

    def create_pat(
        self, *, user: str, session_name: str, valid_from_ms: int, valid_to_ms: int
    ) -> str:
        """A new personal access token ``$pat-<user>-…`` (its hash is the token itself)."""
        if not session_name:
            raise OpenbisError("Session name cannot be empty.")
        if valid_to_ms <= valid_from_ms:
            raise OpenbisError("Valid to date has to be later than valid from date.")
        stamp = datetime.now().strftime("%y%m%d%H%M%S%f")[:15]
        token = f"{PAT_PREFIX}{user}-{stamp}x{secrets.token_hex(16).upper()}"
        ms = now_ms()
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO pats VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)",
                (token, user, session_name, valid_from_ms, valid_to_ms, user, user, ms, ms),
            )
        return token


def _insert_properties(
    conn: sqlite3.Connection, kind: str, perm_id: str, props: dict[str, str]
) -> None:
    conn.executemany(
        "INSERT INTO properties VALUES (?, ?, ?, ?)",
        [(kind, perm_id, code, value) for code, value in props.items()],
    )
