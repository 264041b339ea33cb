"""Persons, authorisation groups and role assignments through the real pybis and raw
JSON-RPC (API 3.6 and 3.7): creation, search, update, deletion, hostile requests, golden
DTO shapes and persistence across a restart. Roles are recorded, never enforced."""

from __future__ import annotations

import pytest

from openbis_sandbox.testing import call_as, pybis_client

from .helpers import error_message as error
from .helpers import result_of as ok
from .helpers import unique

# Writes that whole-instance searches of other modules would see.
OWN_SANDBOX = True

HEAD = ["@type", "@id", "fetchOptions"]
GROUP = HEAD + [
    "permId",
    "code",
    "description",
    "registrationDate",
    "registrator",
    "modificationDate",
    "users",
    "roleAssignments",
]
ROLE = HEAD + [
    "id",
    "user",
    "authorizationGroup",
    "role",
    "roleLevel",
    "space",
    "project",
    "registrationDate",
    "registrator",
]
PERSON = HEAD + [
    "permId",
    "userId",
    "firstName",
    "lastName",
    "email",
    "registrationDate",
    "active",
    "space",
    "registrator",
    "roleAssignments",
    "webAppSettings",
]
ECHO_HEAD = ("@type", "@id", "count", "from", "cacheMode", "sort", "sortBy")
GROUP_FO = "as.dto.authorizationgroup.fetchoptions.AuthorizationGroupFetchOptions"
ROLE_FO = "as.dto.roleassignment.fetchoptions.RoleAssignmentFetchOptions"
PERSON_FO = "as.dto.person.fetchoptions.PersonFetchOptions"
SPACE_FO = "as.dto.space.fetchoptions.SpaceFetchOptions"


def rpc(sandbox, method, *params):
    return call_as(sandbox, method, *params).json()


def group_id(code):
    return {"@type": "as.dto.authorizationgroup.id.AuthorizationGroupPermId", "permId": code}


def person_id(user):
    return {"@type": "as.dto.person.id.PersonPermId", "permId": user}


def test_admin_starts_as_instance_admin_and_roles_come_and_go(api_sandbox, o):
    admin = o.get_person("admin")
    roles = admin.get_roles().df
    assert list(roles["role"]) == ["ADMIN"] and list(roles["roleLevel"]) == ["INSTANCE"]
    admin.assign_role("OBSERVER")
    admin.assign_role(role="OBSERVER", space="DEFAULT")
    assert len(admin.get_roles(space="DEFAULT")) == 1
    admin.revoke_role(role="OBSERVER")
    admin.revoke_role(role="OBSERVER", space="DEFAULT")
    assert list(pybis_client(api_sandbox).get_person("admin").get_roles().df["role"]) == ["ADMIN"]


def test_group_crud_members_and_roles(api_sandbox, o):
    code = unique("GROUP")
    group = o.new_group(code=code, description="first")
    group.save()
    assert o.get_group(code).description == "first"
    group.description = "second"
    group.save()
    assert pybis_client(api_sandbox).get_group(code).description == "second"
    group.add_members("admin")
    group.save()
    assert len(group.get_members()) == 1
    assert code in list(o.get_groups(userId="admin").df["code"])
    group.assign_role("POWER_USER", space="DEFAULT")
    roles = group.get_roles().df
    assert list(roles["role"]) == ["POWER_USER"] and list(roles["space"]) == ["DEFAULT"]
    group.revoke_role("POWER_USER", space="DEFAULT")
    assert len(group.get_roles()) == 0
    group.del_members("admin")
    group.save()
    assert len(group.get_members()) == 0
    group.delete("test")
    with pytest.raises(ValueError):
        o.get_group(code)


def test_persons_create_search_update(api_sandbox, o):
    user = unique("person_")
    o.new_person(userId=user, space="DEFAULT").save()
    found = o.get_persons(userId=user)
    assert list(found.df["userId"]) == [user]
    person = pybis_client(api_sandbox).get_person(user)
    assert person.space.code == "DEFAULT"
    ok(
        api_sandbox,
        "updatePersons",
        o.token,
        [
            {
                "@type": "as.dto.person.update.PersonUpdate",
                "userId": person_id(user),
                "spaceId": {"@type": "as.dto.common.update.FieldUpdateValue", "isModified": True},
                "active": {
                    "@type": "as.dto.common.update.FieldUpdateValue",
                    "isModified": True,
                    "value": False,
                },
                "webAppSettings": {
                    "eln": {
                        "@type": "as.dto.webapp.update.WebAppSettingsUpdateValue",
                        "actions": [
                            {
                                "@type": "as.dto.common.update.ListUpdateActionAdd",
                                "items": [
                                    {
                                        "@type": "as.dto.webapp.create.WebAppSettingCreation",
                                        "name": "zoom",
                                        "value": "2",
                                    }
                                ],
                            }
                        ],
                    }
                },
            }
        ],
    )
    got = ok(
        api_sandbox,
        "getPersons",
        o.token,
        [person_id(user)],
        {"@type": PERSON_FO, "space": {"@type": SPACE_FO}, "webAppSettings": {}},
    )[user]
    assert got["active"] is False and got["space"] is None
    assert got["webAppSettings"]["eln"]["settings"]["zoom"]["value"] == "2"
    me = ok(
        api_sandbox, "getPersons", o.token, [{"@type": "as.dto.person.id.Me"}], {"@type": PERSON_FO}
    )
    assert list(me) == ["me"] and me["me"]["userId"] == "admin"


def test_golden_shapes(api_sandbox, o):
    code = unique("SHAPE")
    o.new_group(code=code, description="shapes").save()
    ok(
        api_sandbox,
        "updateAuthorizationGroups",
        o.token,
        [
            {
                "@type": "as.dto.authorizationgroup.update.AuthorizationGroupUpdate",
                "authorizationGroupId": group_id(code),
                "userIds": {
                    "@type": "as.dto.common.update.IdListUpdateValue",
                    "actions": [
                        {
                            "@type": "as.dto.common.update.ListUpdateActionAdd",
                            "items": [person_id("admin")],
                        }
                    ],
                },
            }
        ],
    )
    [role_id] = ok(
        api_sandbox,
        "createRoleAssignments",
        o.token,
        [
            {
                "@type": "as.dto.roleassignment.create.RoleAssignmentCreation",
                "role": "USER",
                "authorizationGroupId": group_id(code),
                "spaceId": {"@type": "as.dto.space.id.SpacePermId", "permId": "DEFAULT"},
            }
        ],
    )
    assert role_id["@type"] == "as.dto.roleassignment.id.RoleAssignmentTechId"
    role_fo = {
        "@type": ROLE_FO,
        "user": {"@type": PERSON_FO},
        "authorizationGroup": {"@type": GROUP_FO},
        "space": {"@type": SPACE_FO},
        "registrator": {"@type": PERSON_FO},
    }
    fo = {
        "@type": GROUP_FO,
        "registrator": {"@type": PERSON_FO},
        "users": {"@type": PERSON_FO, "roleAssignments": {"@type": ROLE_FO}},
        "roleAssignments": role_fo,
    }
    got = ok(api_sandbox, "getAuthorizationGroups", o.token, [group_id(code)], fo)[code]
    assert list(got) == GROUP
    assert list(got["users"][0]) == PERSON
    role = got["roleAssignments"][0]
    assert list(role) == ROLE
    assert (role["role"], role["roleLevel"], role["space"]["code"]) == ("USER", "SPACE", "DEFAULT")
    assert role["authorizationGroup"]["code"] == code
    echoed = [k for k in got["fetchOptions"] if k not in ECHO_HEAD]
    assert echoed == ["registrator", "users", "roleAssignments"]
    by_id = ok(api_sandbox, "getRoleAssignments", o.token, [role_id], role_fo)
    assert list(by_id) == [str(role_id["techId"])]


def test_hostile_requests(api_sandbox, o):
    token = o.token
    code = unique("HOSTILE")
    creation = {"@type": "as.dto.authorizationgroup.create.AuthorizationGroupCreation"}
    ok(api_sandbox, "createAuthorizationGroups", token, [{**creation, "code": code}])
    assert "already exists" in error(
        api_sandbox, "createAuthorizationGroups", token, [{**creation, "code": code}]
    )
    assert "has not been found" in error(
        api_sandbox,
        "createAuthorizationGroups",
        token,
        [{**creation, "code": unique("G"), "userIds": [person_id("nobody")]}],
    )
    # openBIS's delete executors skip ids they cannot map (DeleteAuthorizationGroupExecutor)
    reason = {"@type": "as.dto.authorizationgroup.delete.AuthorizationGroupDeletionOptions"}
    gone = ok(
        api_sandbox,
        "deleteAuthorizationGroups",
        token,
        [group_id("NOPE")],
        {**reason, "reason": "r"},
    )
    assert gone is None
    assert "Deletion reason cannot be null" in error(
        api_sandbox, "deleteAuthorizationGroups", token, [group_id(code)], reason
    )
    role = {"@type": "as.dto.roleassignment.create.RoleAssignmentCreation", "role": "ADMIN"}
    assert "Either a user or an authorization group" in error(
        api_sandbox, "createRoleAssignments", token, [role]
    )
    assert "already exists" in error(
        api_sandbox, "createRoleAssignments", token, [{**role, "userId": person_id("admin")}]
    )
    assert (
        ok(
            api_sandbox,
            "deleteRoleAssignments",
            token,
            [{"@type": "as.dto.roleassignment.id.RoleAssignmentTechId", "techId": 999999}],
            {"@type": "as.dto.roleassignment.delete.RoleAssignmentDeletionOptions", "reason": "r"},
        )
        is None
    )
    person = {"@type": "as.dto.person.create.PersonCreation"}
    assert "already exists" in error(
        api_sandbox, "createPersons", token, [{**person, "userId": "admin"}]
    )
    assert "SpacePermId = [NOSUCHSPACE]" in error(
        api_sandbox,
        "createPersons",
        token,
        [
            {
                **person,
                "userId": unique("p"),
                "spaceId": {"@type": "as.dto.space.id.SpacePermId", "permId": "NOSUCHSPACE"},
            }
        ],
    )
    assert (
        ok(api_sandbox, "getAuthorizationGroups", token, [group_id("NOPE")], {"@type": GROUP_FO})
        == {}
    )


def test_groups_and_roles_survive_a_restart(sandbox_factory):
    sandbox = sandbox_factory(seed="empty")
    o = pybis_client(sandbox)
    o.new_group(code="KEEP", description="kept").save()
    group = o.get_group("KEEP")
    group.add_members("admin")
    group.save()
    group.assign_role("OBSERVER")
    o.new_person(userId="carol", space="DEFAULT").save()
    sandbox.restart()
    again = pybis_client(sandbox)
    kept = again.get_group("KEEP")
    assert kept.description == "kept" and len(kept.get_members()) == 1
    assert list(kept.get_roles().df["role"]) == ["OBSERVER"]
    assert again.get_person("carol").space.code == "DEFAULT"
    # pybis lists a person's own roles, then those of the person's groups
    assert list(again.get_person("admin").get_roles().df["role"]) == ["ADMIN", "OBSERVER"]
