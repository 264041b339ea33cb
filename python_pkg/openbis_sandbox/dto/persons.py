"""DTO builders of persons (with home space, role assignments and web-app settings),
authorisation groups and role assignments, field order as in openBIS's ``Person``,
``AuthorizationGroup`` and ``RoleAssignment`` classes."""

from __future__ import annotations

from typing import Any

from ..store.directory import AuthorizationGroup, Directory, RoleAssignment
from ..store.records import Person
from .common import FO, Builder, echo_fetch_options, perm_id_bean, wants
from .entities import project as project_dto
from .entities import space as space_dto

GROUP_FO = "as.dto.authorizationgroup.fetchoptions.AuthorizationGroupFetchOptions"
ROLE_FO = "as.dto.roleassignment.fetchoptions.RoleAssignmentFetchOptions"


def role_tech_id(tech_id: int) -> dict[str, Any]:
    """``RoleAssignmentTechId``: Jackson writes ``ObjectTechId``'s ``techId`` (getter) and
    its ``@JsonProperty("id")`` string form."""
    return {
        "@type": "as.dto.roleassignment.id.RoleAssignmentTechId",
        "techId": tech_id,
        "id": str(tech_id),
    }


def person(b: Builder, d: Directory, p: Person | None, fo: FO) -> dict[str, Any] | None:
    """``Builder.person`` with the relations that need the directory filled in."""
    if fo is None or p is None:
        return None
    space = d.home_spaces.get(p.user_id)
    roles_fo = wants(fo, "roleAssignments")
    relations = {
        "space": space_dto(b, b.graph.spaces.get(space or ""), wants(fo, "space")),
        "roleAssignments": None
        if roles_fo is None
        else [role_assignment(b, d, r, roles_fo) for r in d.roles_of_user(p.user_id)],
        "webAppSettings": None
        if wants(fo, "webAppSettings") is None
        else _web_app_settings(d.webapp_settings.get(p.user_id, {})),
    }
    return b.person(p.user_id, fo, relations)


def _web_app_settings(settings: dict[str, dict]) -> dict[str, Any]:
    """``Map<webAppId, WebAppSettings>`` (I: all settings returned whatever was fetched)."""
    return {
        app: {
            "@type": "as.dto.webapp.WebAppSettings",
            "webAppId": app,
            "settings": {
                name: {"@type": "as.dto.webapp.WebAppSetting", "name": name, "value": value}
                for name, value in values.items()
            },
        }
        for app, values in settings.items()
    }


def group(b: Builder, d: Directory, g: AuthorizationGroup | None, fo: FO) -> dict[str, Any] | None:
    if fo is None or g is None:
        return None
    users_fo, roles_fo = wants(fo, "users"), wants(fo, "roleAssignments")
    return {
        "@type": "as.dto.authorizationgroup.AuthorizationGroup",
        "fetchOptions": echo_fetch_options(fo, GROUP_FO),
        "permId": perm_id_bean("as.dto.authorizationgroup.id.AuthorizationGroupPermId", g.code),
        "code": g.code,
        "description": g.description,
        "registrationDate": g.registration_ms,
        "registrator": b.person(g.registrator, wants(fo, "registrator")),
        "modificationDate": g.modification_ms,
        "users": None
        if users_fo is None
        else [person(b, d, b.graph.persons.get(u), users_fo) for u in g.users],
        "roleAssignments": None
        if roles_fo is None
        else [role_assignment(b, d, r, roles_fo) for r in d.roles_of_group(g.code)],
    }


def role_assignment(b: Builder, d: Directory, r: RoleAssignment, fo: FO) -> dict[str, Any]:
    user_fo, group_fo = wants(fo, "user"), wants(fo, "authorizationGroup")
    return {
        "@type": "as.dto.roleassignment.RoleAssignment",
        "fetchOptions": echo_fetch_options(fo or {}, ROLE_FO),
        "id": role_tech_id(r.tech_id),
        "user": person(b, d, b.graph.persons.get(r.user_id or ""), user_fo),
        "authorizationGroup": group(b, d, d.groups.get(r.group_code or ""), group_fo),
        "role": r.role,
        "roleLevel": r.role_level,
        "space": space_dto(b, b.graph.spaces.get(r.space or ""), wants(fo, "space")),
        "project": project_dto(
            b, b.graph.projects.get(r.project_perm_id or ""), wants(fo, "project")
        ),
        "registrationDate": r.registration_ms,
        "registrator": b.person(r.registrator, wants(fo, "registrator")),
    }
