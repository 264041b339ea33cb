"""Persons' extras, authorisation groups, role assignments and plugins: records and their
snapshot (``Directory``), loaded with the rest of the ``Graph`` (``graph.directory``).

The sandbox has no authorisation model: role assignments are recorded and returned as
openBIS writes them, never enforced.
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from dataclasses import dataclass, field

ROLES = ("ADMIN", "POWER_USER", "USER", "OBSERVER", "ETL_SERVER", "DISABLED")
PLUGIN_TYPES = ("DYNAMIC_PROPERTY", "MANAGED_PROPERTY", "ENTITY_VALIDATION")
ENTITY_KINDS = ("MATERIAL", "EXPERIMENT", "SAMPLE", "DATA_SET")


@dataclass(frozen=True)
class AuthorizationGroup:
    code: str
    description: str | None
    registrator: str | None
    registration_ms: int
    modification_ms: int
    users: tuple[str, ...] = ()


@dataclass(frozen=True)
class RoleAssignment:
    tech_id: int
    role: str
    user_id: str | None
    group_code: str | None
    space: str | None
    project_perm_id: str | None
    registrator: str | None
    registration_ms: int

    @property
    def role_level(self) -> str:
        if self.project_perm_id is not None:
            return "PROJECT"
        return "SPACE" if self.space is not None else "INSTANCE"


@dataclass(frozen=True)
class Plugin:
    name: str
    description: str | None
    plugin_type: str
    entity_kind: str | None
    script: str | None
    available: bool
    registrator: str | None
    registration_ms: int

    @property
    def code(self) -> str:  # what code criteria compare
        return self.name


@dataclass(frozen=True)
class Directory:
    groups: dict[str, AuthorizationGroup] = field(default_factory=dict)
    roles: dict[int, RoleAssignment] = field(default_factory=dict)
    plugins: dict[str, Plugin] = field(default_factory=dict)
    home_spaces: dict[str, str | None] = field(default_factory=dict)
    webapp_settings: dict[str, dict] = field(default_factory=dict)

    def groups_of(self, user_id: str) -> list[AuthorizationGroup]:
        return [g for g in self.groups.values() if user_id in g.users]

    def roles_of_user(self, user_id: str) -> list[RoleAssignment]:
        return [r for r in self.roles.values() if r.user_id == user_id]

    def roles_of_group(self, code: str) -> list[RoleAssignment]:
        return [r for r in self.roles.values() if r.group_code == code]


def load_directory(conn: sqlite3.Connection) -> Directory:
    users: dict[str, list[str]] = defaultdict(list)
    for row in conn.execute(
        "SELECT group_code, user_id FROM authorization_group_users ORDER BY ordinal, user_id"
    ):
        users[row["group_code"]].append(row["user_id"])
    groups = {
        r["code"]: AuthorizationGroup(
            r["code"],
            r["description"],
            r["registrator"],
            r["registration_ms"],
            r["modification_ms"],
            tuple(users.get(r["code"], ())),
        )
        for r in conn.execute("SELECT * FROM authorization_groups ORDER BY code")
    }
    roles = {
        r["tech_id"]: RoleAssignment(
            r["tech_id"],
            r["role"],
            r["user_id"],
            r["group_code"],
            r["space"],
            r["project_perm_id"],
            r["registrator"],
            r["registration_ms"],
        )
        for r in conn.execute("SELECT * FROM role_assignments ORDER BY tech_id")
    }
    plugins = {
        r["name"]: Plugin(
            r["name"],
            r["description"],
            r["plugin_type"],
            r["entity_kind"],
            r["script"],
            bool(r["available"]),
            r["registrator"],
            r["registration_ms"],
        )
        for r in conn.execute("SELECT * FROM plugins ORDER BY registration_ms, name")
    }
    persons = conn.execute("SELECT user_id, space, webapp_settings FROM persons").fetchall()
    return Directory(
        groups=groups,
        roles=roles,
        plugins=plugins,
        home_spaces={r["user_id"]: r["space"] for r in persons},
        webapp_settings={r["user_id"]: json.loads(r["webapp_settings"] or "{}") for r in persons},
    )
