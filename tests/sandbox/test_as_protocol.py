"""The JSON-RPC envelope, error shapes, id keying and criteria as openBIS reads them
(SPEC §1.3-§1.5, §6.3; risks 3-6, 11, 24)."""

from __future__ import annotations

import json

import pytest
import requests
from pybis import Openbis

from openbis_sandbox.testing import call_as, pybis_client

DS_FO = {
    "@type": "as.dto.dataset.fetchoptions.DataSetFetchOptions",
    "type": {"@type": "as.dto.dataset.fetchoptions.DataSetTypeFetchOptions"},
    "registrator": {"@type": "as.dto.person.fetchoptions.PersonFetchOptions"},
    "modifier": {"@type": "as.dto.person.fetchoptions.PersonFetchOptions"},
    "properties": {"@type": "as.dto.property.fetchoptions.PropertyFetchOptions"},
}
EXP_FO = {"@type": "as.dto.experiment.fetchoptions.ExperimentFetchOptions"}


@pytest.fixture(scope="module")
def token(sandbox):
    return pybis_client(sandbox).token


def exp_id(identifier):
    return {"identifier": identifier, "@type": "as.dto.experiment.id.ExperimentIdentifier"}


def test_success_envelope_and_content_type(sandbox, token):
    response = call_as(sandbox, "isSessionActive", token)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json-rpc"
    assert response.text.endswith("}\n")
    assert list(response.json()) == ["jsonrpc", "id", "result"]


def test_body_is_parsed_whatever_the_content_type(sandbox, token):
    url = f"{sandbox.url}/openbis/openbis/rmi-application-server-v3.json"
    body = json.dumps({"method": "isSessionActive", "params": [token], "id": "2", "jsonrpc": "2.0"})
    for content_type in ("text/plain", "application/x-www-form-urlencoded"):
        response = requests.post(
            url, data=body, headers={"Content-Type": content_type}, verify=str(sandbox.ca_cert)
        )
        assert response.json()["result"] is True


def test_protocol_errors_use_jsonrpc4j_codes_and_statuses(sandbox, token):
    unknown = call_as(sandbox, "noSuchMethod", token)
    assert (unknown.status_code, unknown.json()["error"]["code"]) == (404, -32601)
    bad_params = call_as(sandbox, "getDataSets", token)
    assert (bad_params.status_code, bad_params.json()["error"]["code"]) == (500, -32602)
    garbage = call_as(sandbox, "", raw_body=b"{not json")
    assert (garbage.status_code, garbage.json()["error"]["code"]) == (400, -32700)


def test_pybis_reports_unknown_methods_as_general_errors(sandbox, token):
    o = Openbis(sandbox.url, verify_certificates=str(sandbox.ca_cert), token=token)
    with pytest.raises(ValueError, match="general error while performing post request. 404"):
        o._post_request(o.as_v3, {"method": "noSuchMethod", "params": [token]})


def test_ids_are_sequential_and_type_comes_first(sandbox, token):
    result = call_as(
        sandbox,
        "getExperiments",
        token,
        [exp_id("/LAB/PROJ1/EXP1")],
        {**EXP_FO, "type": {"@type": "as.dto.experiment.fetchoptions.ExperimentTypeFetchOptions"}},
    ).json()["result"]
    seen = []

    def walk(node):
        if isinstance(node, dict):
            if "@type" in node:
                assert list(node)[:2] == ["@type", "@id"]
                seen.append(node["@id"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(result)
    assert seen == list(range(1, len(seen) + 1))


def test_get_results_are_keyed_as_sent_and_skip_missing_ids(sandbox, token):
    ids = [exp_id("/lab/proj1/exp1"), exp_id("/LAB/NOPE/X"), exp_id("/LAB/PROJ1/EXP2")]
    result = call_as(sandbox, "getExperiments", token, ids, EXP_FO).json()["result"]
    assert list(result) == ["/lab/proj1/exp1", "/LAB/PROJ1/EXP2"]
    assert result["/lab/proj1/exp1"]["identifier"]["identifier"] == "/LAB/PROJ1/EXP1"
    assert call_as(sandbox, "getExperiments", token, [exp_id("/X/Y/Z")], EXP_FO).json() == {
        "jsonrpc": "2.0",
        "id": "2",
        "result": {},
    }


def test_dates_are_epoch_ms_and_property_codes_upper_case(sandbox, token):
    criteria = {
        "@type": "as.dto.dataset.search.DataSetSearchCriteria",
        "operator": "AND",
        "criteria": [],
    }
    objects = call_as(sandbox, "searchDataSets", token, criteria, DS_FO).json()["result"]["objects"]
    for ds in objects:
        assert isinstance(ds["registrationDate"], int) and ds["registrationDate"] > 1.7e12
        assert all(code == code.upper() for code in ds["properties"])
        assigned = {
            "$NAME",
            "NOTES",
            "INSTRUMENT",
            "MEASUREMENT_DATE",
            "TEMPERATURE",
            "REPLICATES",
            "CALIBRATED",
            "$HISTORY_ID",
            "KERNEL",
        }
        assert set(ds["properties"]) <= assigned


def test_a_single_criterion_where_a_list_is_expected_is_read_as_a_list(sandbox, token):
    """pybis's nested-object quirk (SPEC §6.3): openBIS reads every collection with
    ACCEPT_SINGLE_VALUE_AS_ARRAY, so the single object is a one-element list."""
    raw = call_as(
        sandbox,
        "searchExperiments",
        token,
        {
            "@type": "as.dto.experiment.search.ExperimentSearchCriteria",
            "criteria": {
                "@type": "as.dto.common.search.CodeSearchCriteria",
                "fieldValue": {"@type": "as.dto.common.search.StringEqualToValue", "value": "EXP1"},
            },
        },
        EXP_FO,
    )
    assert raw.status_code == 200
    assert raw.json()["result"]["totalCount"] == 1


@pytest.mark.parametrize(
    "criteria, message",
    [
        ({"@type": "as.dto.sample.search.NoSuchCriteria"}, "Could not resolve type id"),
        (
            {
                "@type": "as.dto.sample.search.SampleSearchCriteria",
                "criteria": [{"@type": "as.dto.common.search.Bogus"}],
            },
            "Could not resolve type id",
        ),
        (
            {"@type": "as.dto.sample.search.SampleSearchCriteria", "criteria": "x"},
            "Cannot deserialize",
        ),
        (
            {
                "@type": "as.dto.sample.search.SampleSearchCriteria",
                "criteria": [
                    {
                        "@type": "as.dto.common.search.CodeSearchCriteria",
                        "fieldValue": {"@type": "as.dto.common.search.NoValue", "value": "x"},
                    }
                ],
            },
            "Could not resolve type id",
        ),
        (
            {"@type": "as.dto.dataset.search.DataSetSearchCriteria"},
            "as a subtype of [simple type, class ch.ethz.sis.openbis.generic.asapi.v3.dto.sample."
            "search.SampleSearchCriteria]",
        ),
    ],
)
def test_invalid_criteria_are_code_zero_errors(sandbox, token, criteria, message):
    response = call_as(
        sandbox,
        "searchSamples",
        token,
        criteria,
        {"@type": "as.dto.sample.fetchoptions.SampleFetchOptions"},
    )
    assert response.status_code == 200
    assert response.json()["error"]["code"] == 0
    assert message in response.json()["error"]["message"]


def test_unknown_fields_are_ignored(sandbox, token):
    criteria = {
        "@type": "as.dto.sample.search.SampleSearchCriteria",
        "operator": "AND",
        "relation": "SAMPLE",
        "whatever": 1,
        "criteria": [
            {
                "@type": "as.dto.common.search.CodeSearchCriteria",
                "fieldName": "code",
                "fieldType": "ATTRIBUTE",
                "extra": True,
                "fieldValue": {
                    "@type": "as.dto.common.search.StringEqualToValue",
                    "value": "SAMPLE1",
                },
            }
        ],
    }
    result = call_as(
        sandbox,
        "searchSamples",
        token,
        criteria,
        {"@type": "as.dto.sample.fetchoptions.SampleFetchOptions", "from": None, "count": None},
    ).json()["result"]
    assert result["totalCount"] == 1
