"""AS methods of persons, authorisation groups and role assignments.

Role assignments are recorded and returned as openBIS writes them; the sandbox has no
authorisation model, so they are never enforced.
"""

from __future__ import annotations

from typing import Any

from ..context import SandboxContext, require_session
from ..dto import persons as dto
from ..dto.common import Builder, perm_id_bean
from ..errors import OpenbisError
from ..jackson import collection
from ..store import persons as store_persons
from ..store.ids import id_key
from ..store.records import Graph
from .common import creations_of, fetch_options, get_by_ids, search_result


def _ids(ids: Any) -> list[Any]:
    ids = collection(ids)  # a single id is a list of one (jackson.collection)
    if ids is None:
        raise OpenbisError("Object ids cannot be null.")  # (I)
    return ids


def _updates(updates: Any, what: str) -> list[dict[str, Any]]:
    updates = collection(updates)  # a single update is a list of one (jackson.collection)
    if updates is None or not all(isinstance(u, dict) for u in updates):
        raise OpenbisError(f"{what} updates cannot be null.")  # (I)
    return updates


# --- persons ------------------------------------------------------------------------------


def _person_builder(ctx: SandboxContext):
    d = ctx.store.graph().directory
    return lambda b, p, fo: dto.person(b, d, p, fo)


def get_persons(ctx: SandboxContext, token: Any, ids: Any, fo: Any) -> dict[str, Any]:
    """Keyed by ``id.toString()``; ``Me`` (the session's user) prints as "me" (``Me``)."""
    user = require_session(ctx, token)
    fo = fetch_options(fo)
    builder = Builder(ctx.store.graph(), ctx)
    build = _person_builder(ctx)
    result: dict[str, Any] = {}
    for id_obj in _ids(ids):
        if not isinstance(id_obj, dict):
            continue
        me = id_obj.get("@type") == "as.dto.person.id.Me"
        person = builder.graph.persons.get(user if me else id_obj.get("permId"))
        if person is not None:
            result["me" if me else id_key(id_obj)] = build(builder, person, fo)
    return result


def search_persons(ctx: SandboxContext, token: Any, criteria: Any, fo: Any) -> dict[str, Any]:
    return search_result(
        ctx,
        token,
        criteria,
        fo,
        ("as.dto.person.search.PersonSearchCriteria",),
        "PERSON",
        lambda g: g.persons.values(),
        _person_builder(ctx),
    )


def create_persons(ctx: SandboxContext, token: Any, creations: Any) -> list[dict[str, Any]]:
    user = require_session(ctx, token)
    return [
        perm_id_bean(
            "as.dto.person.id.PersonPermId", store_persons.create_person(ctx.store, user, c)
        )
        for c in creations_of(creations, "Person")
    ]


def update_persons(ctx: SandboxContext, token: Any, updates: Any) -> None:
    user = require_session(ctx, token)
    for u in _updates(updates, "Person"):
        store_persons.update_person(ctx.store, user, u)


# --- authorisation groups -----------------------------------------------------------------


def get_groups(ctx: SandboxContext, token: Any, ids: Any, fo: Any) -> dict[str, Any]:
    d = ctx.store.graph().directory

    def resolve(graph: Graph, id_obj: dict[str, Any]):
        code = id_obj.get("permId")
        return d.groups.get(code.upper()) if isinstance(code, str) else None

    return get_by_ids(ctx, token, ids, fo, resolve, lambda b, g, f: dto.group(b, d, g, f))


def search_groups(ctx: SandboxContext, token: Any, criteria: Any, fo: Any) -> dict[str, Any]:
    return search_result(
        ctx,
        token,
        criteria,
        fo,
        ("as.dto.authorizationgroup.search.AuthorizationGroupSearchCriteria",),
        "GROUP",
        lambda g: g.directory.groups.values(),
        lambda b, group, f: dto.group(b, b.graph.directory, group, f),
    )


def create_groups(ctx: SandboxContext, token: Any, creations: Any) -> list[dict[str, Any]]:
    user = require_session(ctx, token)
    return [
        perm_id_bean(
            "as.dto.authorizationgroup.id.AuthorizationGroupPermId",
            store_persons.create_group(ctx.store, user, c),
        )
        for c in creations_of(creations, "Authorization group")
    ]


def update_groups(ctx: SandboxContext, token: Any, updates: Any) -> None:
    user = require_session(ctx, token)
    for u in _updates(updates, "Authorization group"):
        store_persons.update_group(ctx.store, user, u)


def delete_groups(ctx: SandboxContext, token: Any, ids: Any, options: Any) -> None:
    require_session(ctx, token)
    _deletion_options(options)
    store_persons.delete_groups(ctx.store, _ids(ids))


def _deletion_options(options: Any) -> None:
    if not isinstance(options, dict):
        raise OpenbisError("Deletion options cannot be null.")  # (I)
    if not options.get("reason"):
        raise OpenbisError("Deletion reason cannot be null.")  # (I)


# --- role assignments ---------------------------------------------------------------------


def get_roles(ctx: SandboxContext, token: Any, ids: Any, fo: Any) -> dict[str, Any]:
    d = ctx.store.graph().directory

    def resolve(graph: Graph, id_obj: dict[str, Any]):
        try:
            return d.roles.get(int(id_obj.get("techId")))
        except (TypeError, ValueError):
            return None

    return get_by_ids(ctx, token, ids, fo, resolve, lambda b, r, f: dto.role_assignment(b, d, r, f))


def search_roles(ctx: SandboxContext, token: Any, criteria: Any, fo: Any) -> dict[str, Any]:
    return search_result(
        ctx,
        token,
        criteria,
        fo,
        ("as.dto.roleassignment.search.RoleAssignmentSearchCriteria",),
        "ROLE",
        lambda g: g.directory.roles.values(),
        lambda b, r, f: dto.role_assignment(b, b.graph.directory, r, f),
    )


def create_roles(ctx: SandboxContext, token: Any, creations: Any) -> list[dict[str, Any]]:
    user = require_session(ctx, token)
    return [
        dto.role_tech_id(store_persons.create_role(ctx.store, user, c))
        for c in creations_of(creations, "Role assignment")
    ]


def delete_roles(ctx: SandboxContext, token: Any, ids: Any, options: Any) -> None:
    require_session(ctx, token)
    _deletion_options(options)
    store_persons.delete_roles(ctx.store, _ids(ids))


METHODS: dict[str, Any] = {
    "getPersons": get_persons,
    "searchPersons": search_persons,
    "createPersons": create_persons,
    "updatePersons": update_persons,
    "getAuthorizationGroups": get_groups,
    "searchAuthorizationGroups": search_groups,
    "createAuthorizationGroups": create_groups,
    "updateAuthorizationGroups": update_groups,
    "deleteAuthorizationGroups": delete_groups,
    "getRoleAssignments": get_roles,
    "searchRoleAssignments": search_roles,
    "createRoleAssignments": create_roles,
    "deleteRoleAssignments": delete_roles,
}
