"""Writes of persons, authorisation groups and role assignments (``PersonCreation``,
``PersonUpdate``, ``AuthorizationGroupCreation``/``Update``, ``RoleAssignmentCreation``).

Roles are recorded faithfully and never enforced: the sandbox has no authorisation model.
Texts not confirmed against openBIS are marked (I).
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from ..errors import OpenbisError
from .db import Store, _check_code, now_ms
from .directory import ROLES
from .ids import not_found, resolve_project, resolve_space
from .masterdata_write import duplicate, existing, updated
from .records import Graph

PERSON_PERM_ID = "as.dto.person.id.PersonPermId"
GROUP_PERM_ID = "as.dto.authorizationgroup.id.AuthorizationGroupPermId"
ROLE_TECH_ID = "as.dto.roleassignment.id.RoleAssignmentTechId"


def person_of(graph: Graph, id_obj: Any) -> str:
    """The userId a ``PersonPermId`` (or ``Me``) names; raises ObjectNotFound."""
    if not isinstance(id_obj, dict):
        raise OpenbisError("Person id cannot be null.")  # (I)
    user = id_obj.get("permId")
    if user not in graph.persons:
        raise not_found({"@type": PERSON_PERM_ID, **id_obj})
    return user


def _space_of(graph: Graph, space_id: Any) -> str | None:
    if space_id is None:
        return None
    space = resolve_space(graph, space_id)
    if space is None:
        raise not_found(space_id)
    return space


def create_person(store: Store, user: str, c: dict[str, Any]) -> str:
    """``CreatePersonExecutor``: a person known by userId (no password: the sandbox
    authenticates only the users it was started with)."""
    user_id = c.get("userId")
    if not isinstance(user_id, str) or not user_id.strip():
        raise OpenbisError("User id cannot be empty.")  # (I)
    graph = store.graph()
    if user_id in graph.persons:
        raise duplicate("Person", user_id)
    space = _space_of(graph, c.get("spaceId"))
    with store.transaction() as conn:
        conn.execute(
            "INSERT INTO persons(user_id, registration_ms, space) VALUES (?, ?, ?)",
            (user_id, now_ms(), space),
        )
    return user_id


def _web_app_settings(current: dict, update: Any) -> dict:
    """Apply ``Map<webAppId, WebAppSettingsUpdateValue>`` (ListUpdate actions of
    ``WebAppSettingCreation`` items, Remove with setting names)."""
    result = {app: dict(settings) for app, settings in current.items()}
    for app, value in (update or {}).items():
        settings = result.setdefault(app, {})
        for action in (value or {}).get("actions") or []:
            kind = str(action.get("@type", "")).rsplit("ListUpdateAction", 1)[-1]
            if kind == "Set":
                settings.clear()
            for item in action.get("items") or []:
                if kind == "Remove":
                    settings.pop(item if isinstance(item, str) else item.get("name"), None)
                elif isinstance(item, dict) and item.get("name"):
                    settings[item["name"]] = item.get("value")
    return result


def update_person(store: Store, user: str, u: dict[str, Any]) -> None:
    """``UpdatePersonExecutor``: home space, active flag, web-app settings."""
    graph = store.graph()
    user_id = person_of(graph, u.get("userId"))
    sets: dict[str, Any] = {}
    modified, value = updated(u, "spaceId")
    if modified:
        sets["space"] = _space_of(graph, value)
    modified, active = updated(u, "active")  # FieldUpdateValue<Boolean> (PersonUpdate)
    if modified:
        if not active and user_id == user:
            raise OpenbisError(  # (I)
                "You can not deactivate yourself. Ask another instance admin."
            )
        sets["active"] = int(bool(active))
    if u.get("webAppSettings"):
        current = store.graph().directory.webapp_settings.get(user_id, {})
        sets["webapp_settings"] = json.dumps(_web_app_settings(current, u["webAppSettings"]))
    if sets:
        with store.transaction() as conn:
            assignments = ", ".join(f"{k} = ?" for k in sets)
            conn.execute(
                f"UPDATE persons SET {assignments} WHERE user_id = ?", (*sets.values(), user_id)
            )
            if sets.get("active") == 0:  # a deactivated person loses its sessions
                conn.execute("DELETE FROM sessions WHERE user_id = ?", (user_id,))


# --- authorisation groups -----------------------------------------------------------------


def group_of(store: Store, id_obj: Any) -> str:
    if not isinstance(id_obj, dict):
        raise OpenbisError("Authorization group id cannot be null.")  # (I)
    code = id_obj.get("permId")
    code = code.upper() if isinstance(code, str) else None
    if code not in store.graph().directory.groups:
        raise not_found({"@type": GROUP_PERM_ID, **id_obj})
    return code


def _set_users(conn: sqlite3.Connection, code: str, users: list[str]) -> None:
    conn.execute("DELETE FROM authorization_group_users WHERE group_code = ?", (code,))
    conn.executemany(
        "INSERT INTO authorization_group_users VALUES (?, ?, ?)",
        [(code, u, i) for i, u in enumerate(dict.fromkeys(users))],
    )


def create_group(store: Store, user: str, c: dict[str, Any]) -> str:
    code = _check_code(c.get("code"))
    if code in store.graph().directory.groups:
        raise duplicate("Authorization group", code)
    graph = store.graph()
    users = [person_of(graph, i) for i in c.get("userIds") or []]
    ms = now_ms()
    with store.transaction() as conn:
        conn.execute(
            "INSERT INTO authorization_groups VALUES (?, ?, ?, ?, ?)",
            (code, c.get("description"), user, ms, ms),
        )
        _set_users(conn, code, users)
    return code


def update_group(store: Store, user: str, u: dict[str, Any]) -> None:
    """``AuthorizationGroupUpdate``: description and ``userIds`` (IdListUpdateValue)."""
    code = group_of(store, u.get("authorizationGroupId") or u.get("groupId"))
    graph = store.graph()
    users = list(graph.directory.groups[code].users)
    for action in (u.get("userIds") or {}).get("actions") or []:
        kind = str(action.get("@type", "")).rsplit("ListUpdateAction", 1)[-1]
        ids = [person_of(graph, i) for i in action.get("items") or []]
        if kind == "Set":
            users = ids
        elif kind == "Add":
            users += ids
        elif kind == "Remove":
            users = [x for x in users if x not in ids]
    modified, description = updated(u, "description")
    with store.transaction() as conn:
        if modified:
            conn.execute(
                "UPDATE authorization_groups SET description = ? WHERE code = ?",
                (description, code),
            )
        conn.execute(
            "UPDATE authorization_groups SET modification_ms = ? WHERE code = ?", (now_ms(), code)
        )
        _set_users(conn, code, users)


def delete_groups(store: Store, ids: list[Any]) -> None:
    """Deleting a group deletes its memberships and role assignments (cascade)."""
    codes = existing(lambda i: group_of(store, i), ids)
    with store.transaction() as conn:
        conn.executemany("DELETE FROM authorization_groups WHERE code = ?", [(c,) for c in codes])


# --- role assignments ---------------------------------------------------------------------


def create_role(store: Store, user: str, c: dict[str, Any]) -> int:
    """``CreateRoleAssignmentExecutor``: a role for a user xor a group, at instance,
    space or project level."""
    role = c.get("role")
    if role is None:
        raise OpenbisError("Role cannot be null.")  # (I)
    if role not in ROLES:
        raise OpenbisError(f"Unknown role '{role}'.")  # (I) Jackson enum error
    user_id_obj, group_id_obj = c.get("userId"), c.get("authorizationGroupId")
    if (user_id_obj is None) == (group_id_obj is None):
        raise OpenbisError("Either a user or an authorization group has to be specified.")  # (I)
    if c.get("spaceId") is not None and c.get("projectId") is not None:
        raise OpenbisError("Space and project cannot be specified at the same time.")  # (I)
    graph = store.graph()
    target_user = person_of(graph, user_id_obj) if user_id_obj is not None else None
    group = group_of(store, group_id_obj) if group_id_obj is not None else None
    space = _space_of(graph, c.get("spaceId"))
    project = None
    if c.get("projectId") is not None:
        project = resolve_project(graph, c["projectId"])
        if project is None:
            raise not_found(c["projectId"])
    for r in graph.directory.roles.values():
        if (r.role, r.user_id, r.group_code, r.space, r.project_perm_id) == (
            role,
            target_user,
            group,
            space,
            project,
        ):
            raise OpenbisError(  # (I)
                "Insert/Update of Role assignment failed because role assignment "
                "with the same role, grantee and level already exists."
            )
    with store.transaction() as conn:
        cur = conn.execute(
            "INSERT INTO role_assignments(role, user_id, group_code, space, project_perm_id, "
            "registrator, registration_ms) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (role, target_user, group, space, project, user, now_ms()),
        )
        return int(cur.lastrowid)


def role_of(store: Store, id_obj: Any) -> int:
    tech_id = id_obj.get("techId") if isinstance(id_obj, dict) else None
    try:
        tech_id = int(tech_id)
    except (TypeError, ValueError):
        tech_id = None
    if tech_id not in store.graph().directory.roles:
        raise not_found({"@type": ROLE_TECH_ID, **(id_obj or {})})
    return tech_id


def delete_roles(store: Store, ids: list[Any]) -> None:
    tech_ids = existing(lambda i: role_of(store, i), ids)
    with store.transaction() as conn:
        conn.executemany("DELETE FROM role_assignments WHERE tech_id = ?", [(t,) for t in tech_ids])
