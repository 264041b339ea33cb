"""Creating spaces, projects, experiments and samples, and personal access tokens,
through the real pybis (API 3.6 and 3.7)."""

from __future__ import annotations

import pytest

from openbis_sandbox.testing import call_as

from .helpers import fresh, unique


def test_create_space_project_experiment_sample(api_sandbox, o):
    space_code = unique("SP")
    o.new_space(code=space_code, description="made by a test").save()
    project = o.new_project(space=space_code, code="P1", description="p")
    project.save()
    experiment = o.new_experiment(
        type="COLLECTION", project=f"/{space_code}/P1", code="E1", props={"$name": "Runs"}
    )
    experiment.save()
    sample = o.new_sample(
        type="SAMPLE",
        space=space_code,
        project=f"/{space_code}/P1",
        experiment=f"/{space_code}/P1/E1",
        code="S1",
        props={"temperature": 3.5, "replicates": 2, "calibrated": True},
        parents=["/LAB/PROJ1/SAMPLE1"],
    )
    sample.save()

    cold = fresh(api_sandbox, o.token)
    assert cold.get_space(space_code).description == "made by a test"
    assert cold.get_project(f"/{space_code}/P1").permId == project.permId
    got = cold.get_experiment(f"/{space_code}/P1/E1")
    assert got.props["$name"] == "Runs" and got.type.code == "COLLECTION"
    got_sample = cold.get_sample(f"/{space_code}/P1/S1")
    assert got_sample.props["temperature"] == "3.5"
    assert got_sample.props["replicates"] == "2"
    assert got_sample.props["calibrated"] == "true"
    assert got_sample.parents == ["/LAB/PROJ1/SAMPLE1"]
    assert got_sample.experiment.identifier == f"/{space_code}/P1/E1"


def test_duplicate_space_is_rejected(o):
    with pytest.raises(ValueError, match="already exists"):
        o.new_space(code="LAB").save()


@pytest.mark.parametrize(
    "properties, message",
    [
        ({"nope": "x"}, "Property type with code 'NOPE' does not exist!"),
        ({"replicates": "many"}, "Integer value 'many' has improper format."),
        ({"storage": "OVEN"}, "Vocabulary value 'OVEN' is not valid."),
        (
            {"$history_id": "h"},
            "Property type '$HISTORY_ID' is not assigned to sample type 'SAMPLE'.",
        ),
    ],
)
def test_unknown_and_invalid_properties_are_rejected(api_sandbox, o, properties, message):
    # pybis checks property names client-side; the server must check them too
    creation = {
        "@type": "as.dto.sample.create.SampleCreation",
        "code": unique("S"),
        "typeId": {"@type": "as.dto.entitytype.id.EntityTypePermId", "permId": "SAMPLE"},
        "spaceId": {"@type": "as.dto.space.id.SpacePermId", "permId": "LAB"},
        "properties": properties,
    }
    error = call_as(api_sandbox, "createSamples", o.token, [creation]).json()["error"]
    assert error["code"] == 0
    assert error["message"].startswith(message)


def test_mandatory_property_is_enforced(api_sandbox, o):
    creation = {
        "@type": "as.dto.sample.create.SampleCreation",
        "code": unique("C"),
        "typeId": {"@type": "as.dto.entitytype.id.EntityTypePermId", "permId": "CHEMICAL"},
        "spaceId": {"@type": "as.dto.space.id.SpacePermId", "permId": "METHODS"},
        "properties": {"cas_number": "64-17-5"},
    }
    error = call_as(api_sandbox, "createSamples", o.token, [creation]).json()["error"]
    assert error["message"] == "Value of mandatory property '$NAME' not specified."


def test_sample_in_a_missing_project_is_rejected(o):
    with pytest.raises(ValueError, match="No such project: /LAB/NOPE"):  # getProjects gave {}
        o.new_sample(type="SAMPLE", space="LAB", project="/LAB/NOPE", code=unique("S")).save()


def test_personal_access_token_is_reused_and_works_as_a_session(api_sandbox, o):
    name = unique("nb")
    pat = o.get_or_create_personal_access_token(name)
    assert pat.permId.startswith("$pat-admin-")
    assert o.get_or_create_personal_access_token(name).permId == pat.permId
    assert name in set(o.get_personal_access_tokens().df.sessionName)

    with_pat = fresh(api_sandbox, pat.permId)
    assert with_pat.is_session_active()
    assert "LAB" in set(with_pat.get_spaces().df.code)
    assert with_pat.get_dataset_types().totalCount >= 3


def test_invalid_pat_is_rejected(api_sandbox):
    with pytest.raises(ValueError, match="no longer valid"):
        fresh(api_sandbox, "$pat-admin-261123000000000x00000000000000000000000000000000")


def test_timestamp_and_boolean_values_are_normalised(api_sandbox, o):
    creation = {
        "@type": "as.dto.sample.create.SampleCreation",
        "code": unique("T"),
        "typeId": {"@type": "as.dto.entitytype.id.EntityTypePermId", "permId": "EXPERIMENTAL_STEP"},
        "spaceId": {"@type": "as.dto.space.id.SpacePermId", "permId": "LAB"},
        "properties": {"start_date": "2025-05-01 10:30", "$name": "step"},
    }
    perm_id = call_as(api_sandbox, "createSamples", o.token, [creation]).json()["result"][0]
    sample = fresh(api_sandbox, o.token).get_sample(perm_id["permId"])
    assert sample.props["start_date"] == "2025-05-01 10:30:00 +0000"
    assert sample.props["$name"] == "step"


def test_sample_property_values_are_stored_as_the_referenced_samples_perm_id(api_sandbox, o):
    """A SAMPLE-typed value given as an identifier comes back as the sample's permId, also
    when the sample names itself at creation; an unknown sample is refused."""
    st, pt = unique("REFST"), unique("REFPT")
    o.new_sample_type(code=st, generatedCodePrefix="R", autoGeneratedCode=True).save()
    o.new_property_type(code=pt, label="ref", description="ref", dataType="SAMPLE").save()
    o.get_sample_type(st).assign_property(pt)
    code = unique("SELF")
    own = o.new_sample(code=code, type=st, space="LAB", props={pt.lower(): f"/LAB/{code}"})
    own.save()
    other = o.new_sample(type=st, space="LAB", props={pt.lower(): f"/lab/{code}"})
    other.save()
    cold = fresh(api_sandbox, o.token)
    assert cold.get_sample(own.permId).props[pt.lower()] == own.permId
    assert cold.get_sample(other.permId).props[pt.lower()] == own.permId
    with pytest.raises(ValueError, match="does not exist"):
        o.new_sample(type=st, space="LAB", props={pt.lower(): "/LAB/NO_SUCH_SAMPLE"}).save()
