"""Requests read as openBIS reads them: single values where collections are expected (jsonrpc4j's
ACCEPT_SINGLE_VALUE_AS_ARRAY), null string values in criteria, non-ASCII passwords, and hostile
input answered with openBIS-style errors instead of crashes (SPEC §1.4, §6.3; risk 24)."""

from __future__ import annotations

import json

import pytest
from pybis import Openbis

from openbis_sandbox.testing import call_as, pybis_client

EXP_FO = {"@type": "as.dto.experiment.fetchoptions.ExperimentFetchOptions"}
SAMPLE_FO = {"@type": "as.dto.sample.fetchoptions.SampleFetchOptions"}
NON_ASCII_PASSWORD = "s3cr3t-P4ss-éß"


def error_of(response) -> dict:
    assert response.status_code == 200, response.text
    body = response.json()
    assert "result" not in body, body
    assert body["error"]["code"] == 0
    return body["error"]


# --- single value where a collection is expected, through real pybis ---------------------


def test_pybis_calls_with_nested_single_criteria(api_sandbox):
    """Each call from a fresh client (nothing cached); the shared sandbox grows as other
    tests write to it, so the expectations are computed from unfiltered listings."""
    experiments = pybis_client(api_sandbox).get_experiments().df.identifier
    lab = {e for e in experiments if e.startswith("/LAB/")}
    assert {"/LAB/PROJ1/EXP1", "/LAB/PROJ1/EXP2", "/LAB/PROJ2/EXP3"} <= lab
    assert set(pybis_client(api_sandbox).get_experiments(space="LAB").df.identifier) == lab
    assert set(pybis_client(api_sandbox).get_collections(space="LAB").df.identifier) == lab
    everything = pybis_client(api_sandbox).get_datasets(count=10_000).df
    in_proj1 = {r.permId for r in everything.itertuples() if r.experiment.startswith("/LAB/PROJ1/")}
    in_lab = {r.permId for r in everything.itertuples() if r.experiment.startswith("/LAB/")}
    by_project = pybis_client(api_sandbox).get_datasets(project="/LAB/PROJ1", count=10_000)
    assert set(by_project.df.permId) == in_proj1 and len(in_proj1) >= 4
    by_space = pybis_client(api_sandbox).get_datasets(space="LAB", count=10_000)
    assert set(by_space.df.permId) == in_lab and in_lab > in_proj1


def test_single_id_and_single_creation_are_one_element_lists(api_sandbox):
    token = pybis_client(api_sandbox).token
    single_id = {
        "@type": "as.dto.experiment.id.ExperimentIdentifier",
        "identifier": "/LAB/PROJ1/EXP1",
    }
    result = call_as(api_sandbox, "getExperiments", token, single_id, EXP_FO).json()["result"]
    assert list(result) == ["/LAB/PROJ1/EXP1"]
    code = f"SINGLE_{api_sandbox.api_version.replace('.', '_')}"
    creation = {"@type": "as.dto.space.create.SpaceCreation", "code": code}
    created = call_as(api_sandbox, "createSpaces", token, creation).json()["result"]
    assert [c["permId"] for c in created] == [code]
    # pybis sends one PersonalAccessTokenCreation, not a list: the general rule covers it
    pat = pybis_client(api_sandbox).get_or_create_personal_access_token(f"single-{code}")
    assert pat.permId.startswith("$pat-")


def test_single_values_in_the_other_method_families(api_sandbox):
    """The rule is general: persons, groups and masterdata methods read single values too."""
    token = pybis_client(api_sandbox).token
    admin = {"@type": "as.dto.person.id.PersonPermId", "permId": "admin"}
    person_fo = {"@type": "as.dto.person.fetchoptions.PersonFetchOptions"}
    assert list(call_as(api_sandbox, "getPersons", token, admin, person_fo).json()["result"]) == [
        "admin"
    ]
    code = f"SINGLE_VOC_{api_sandbox.api_version.replace('.', '_')}"
    creation = {
        "@type": "as.dto.vocabulary.create.VocabularyCreation",
        "code": code,
        "terms": {"@type": "as.dto.vocabulary.create.VocabularyTermCreation", "code": "ONLY"},
    }
    created = call_as(api_sandbox, "createVocabularies", token, creation).json()
    assert [v["permId"] for v in created["result"]] == [code], created
    terms = pybis_client(api_sandbox).get_terms(code).df.code
    assert list(terms) == ["ONLY"]
    group_criteria = {
        "@type": "as.dto.authorizationgroup.search.AuthorizationGroupSearchCriteria",
        "criteria": {
            "@type": "as.dto.common.search.CodeSearchCriteria",
            "fieldValue": {"@type": "as.dto.common.search.StringEqualToValue", "value": "NONE"},
        },
    }
    group_fo = {"@type": "as.dto.authorizationgroup.fetchoptions.AuthorizationGroupFetchOptions"}
    found = call_as(api_sandbox, "searchAuthorizationGroups", token, group_criteria, group_fo)
    assert found.json()["result"]["totalCount"] == 0


def test_single_values_inside_list_updates(api_sandbox):
    o = pybis_client(api_sandbox)
    suffix = api_sandbox.api_version.replace(".", "_")
    parent = o.new_sample(type="EXPERIMENTAL_STEP", space="LAB", code=f"SV_PARENT_{suffix}")
    parent.save()
    child = o.new_sample(
        type="EXPERIMENTAL_STEP", space="LAB", code=f"SV_CHILD_{suffix}", parents=[parent]
    )
    child.save()
    update = {
        "@type": "as.dto.sample.update.SampleUpdate",
        "sampleId": {"@type": "as.dto.sample.id.SamplePermId", "permId": child.permId},
        "parentIds": {
            "@type": "as.dto.common.update.IdListUpdateValue",
            "actions": {  # one action, one item: both single values
                "@type": "as.dto.common.update.ListUpdateActionRemove",
                "items": {"@type": "as.dto.sample.id.SamplePermId", "permId": parent.permId},
            },
        },
    }
    response = call_as(api_sandbox, "updateSamples", o.token, update).json()
    assert "error" not in response, response
    assert pybis_client(api_sandbox).get_sample(child.permId).parents == []


def test_get_property_types_sends_a_null_code_and_gets_everything(api_sandbox):
    o = pybis_client(api_sandbox)
    codes = set(o.get_property_types().df.code)
    assert {"$NAME", "NOTES"} <= codes
    token = o.token
    criteria = {
        "@type": "as.dto.property.search.PropertyTypeSearchCriteria",
        "criteria": [
            {
                "@type": "as.dto.common.search.CodeSearchCriteria",
                "fieldValue": {"@type": "as.dto.common.search.StringEqualToValue", "value": None},
            }
        ],
    }
    fo = {"@type": "as.dto.property.fetchoptions.PropertyTypeFetchOptions"}
    total = call_as(api_sandbox, "searchPropertyTypes", token, criteria, fo).json()["result"]
    assert total["totalCount"] == len(codes)


# --- non-ASCII passwords ------------------------------------------------------------------


@pytest.mark.parametrize("api_version", ["3.6", "3.7"])
def test_non_ascii_password_logs_in(sandbox_factory, api_version):
    running = sandbox_factory(
        seed="empty", api_version=api_version, users=[("mueller", NON_ASCII_PASSWORD)]
    )
    o = Openbis(running.url, verify_certificates=str(running.ca_cert))
    o.login("mueller", NON_ASCII_PASSWORD)
    assert o.is_session_active()
    assert o.get_server_information().api_version == api_version
    wrong = call_as(running, "login", "mueller", "s3cr3t-P4ss-es").json()
    assert wrong["result"] is None
    lone_surrogate = call_as(running, "login", "mueller", "\ud800").json()
    assert lone_surrogate["result"] is None


# --- hostile input: openBIS-style errors, never a crash -----------------------------------


@pytest.fixture(scope="module")
def token(sandbox):
    return pybis_client(sandbox).token


def test_unknown_method_is_jsonrpc4j_method_not_found(sandbox, token):
    response = call_as(sandbox, "noSuchMethod", token)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == -32601
    response = call_as(sandbox, None, raw_body=b'{"params": [], "id": "2"}')
    assert response.status_code == 404


@pytest.mark.parametrize(
    "ids, message",
    [
        ([{"@type": "as.dto.sample.id.BogusId", "permId": "X"}], "'as.dto.sample.id.BogusId'"),
        ([{"permId": "X"}], "polymorphic type without type information"),
        (["20240101-1"], 'from String "20240101-1": not a valid Integer'),
        ([[]], "START_ARRAY"),
        (None, "Object ids cannot be null"),
    ],
)
def test_malformed_ids_are_code_zero_errors(sandbox, token, ids, message):
    error = error_of(call_as(sandbox, "getSamples", token, ids, SAMPLE_FO))
    assert message in error["message"]
    assert error["data"]["exceptionTypeName"].startswith(("com.fasterxml", "ch.systemsx"))


def test_unknown_types_are_named_in_the_error(sandbox, token):
    criteria = {"@type": "as.dto.sample.search.SampleSearchCriteria", "criteria": {"@type": "X.Y"}}
    error = error_of(call_as(sandbox, "searchSamples", token, criteria, SAMPLE_FO))
    assert "Could not resolve type id 'X.Y'" in error["message"]
    assert "ISearchCriteria" in error["message"]


@pytest.mark.parametrize(
    "params, message",
    [
        ([["token"], {"@type": "as.dto.sample.search.SampleSearchCriteria"}, SAMPLE_FO], "String"),
        (
            [None, {"@type": "as.dto.sample.search.SampleSearchCriteria"}, SAMPLE_FO],
            "Session token 'null' is invalid",
        ),
        (["\ud800", {"@type": "as.dto.sample.search.SampleSearchCriteria"}, SAMPLE_FO], "invalid"),
    ],
)
def test_hostile_parameters_are_code_zero_errors(sandbox, params, message):
    body = json.dumps({"method": "searchSamples", "params": params, "id": "2", "jsonrpc": "2.0"})
    assert message in error_of(call_as(sandbox, "x", raw_body=body.encode()))["message"]


def _nested(head: str, key: str, depth: int, tail: str) -> bytes:
    """JSON nested ``depth`` levels deep (too deep for json.dumps to write)."""
    opening = ("{" + head + f',"{key}":') * depth
    return (opening + tail + "}" * depth).encode()


def test_no_request_crashes_the_sandbox(sandbox, token):
    sample_criteria = '"@type":"as.dto.sample.search.SampleSearchCriteria"'
    sample_fo = '"@type":"as.dto.sample.fetchoptions.SampleFetchOptions"'
    deep_criteria = _nested(sample_criteria, "criteria", 5000, "{" + sample_criteria + "}")
    deep_fo = _nested(sample_fo, "parents", 5000, "{" + sample_fo + "}")
    bodies = [
        b"\xff\xfe not json",
        b"[1, 2]",
        b'"just a string"',
        b"[" * 100_000 + b"]" * 100_000,
        json.dumps({"method": "searchSamples", "params": {"a": 1}}).encode(),
        b'{"method":"searchSamples","params":["'
        + token.encode()
        + b'",'
        + deep_criteria
        + b",{"
        + sample_fo.encode()
        + b"}]}",
        b'{"method":"searchSamples","params":["'
        + token.encode()
        + b'",{'
        + sample_criteria.encode()
        + b"},"
        + deep_fo
        + b"]}",
        json.dumps(
            {"method": "searchSamples", "params": [token, {}, {"count": 1e308, "from": -5}]}
        ).encode(),
        b'{"method":"searchSamples","params":["' + token.encode() + b'",{},{"count":1e999}]}',
        json.dumps({"method": ["getSamples"], "params": []}).encode(),
        json.dumps({"method": "login", "params": [{"a": 1}, "pw"]}).encode(),
        json.dumps({"method": "login", "params": ["\ud800", "\udfff"]}).encode(),
        json.dumps({"method": "getSamples", "params": [token, {"@type": 5}, 7]}).encode(),
        json.dumps({"method": "getSamples", "params": [token, [], None]}).encode(),
    ]
    for body in bodies:
        response = call_as(sandbox, "x", raw_body=body)
        assert response.status_code in (200, 400, 404, 500), body[:80]
        assert {"error", "result"} & set(response.json()), body[:80]  # a JSON-RPC answer
    assert call_as(sandbox, "isSessionActive", token).json()["result"] is True
