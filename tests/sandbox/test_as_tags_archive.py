"""Tags, archiving, server-made permIds and codes, and container data sets (API 3.6 and
3.7), with the golden shapes of the new DTOs."""

from __future__ import annotations

import os
import tempfile
import time

import pytest

from .helpers import error_of, fresh, result_of, unique

# Writes that whole-instance searches of other modules would see.
OWN_SANDBOX = True

HEAD = ["@type", "@id", "fetchOptions"]
TAG = HEAD + [
    "permId",
    "code",
    "description",
    "private",
    "experiments",
    "samples",
    "dataSets",
    "materials",
    "registrationDate",
    "owner",
]
DELETION = HEAD + [
    "id",
    "reason",
    "deletedObjects",
    "deletionDate",
    "totalSamplesCount",
    "totalDataSetsCount",
    "totalExperimentsCount",
]
DELETED_OBJECT = ["@type", "@id", "id", "identifier", "entityTypeCode", "entityKind"]
TAG_FO = {
    "@type": "as.dto.tag.fetchoptions.TagFetchOptions",
    "owner": {"@type": "as.dto.person.fetchoptions.PersonFetchOptions"},
    "samples": {"@type": "as.dto.sample.fetchoptions.SampleFetchOptions"},
}


def test_tag_crud_and_tags_on_samples(api_sandbox, o):
    code = unique("TAG")
    tag = o.new_tag(code=code, description="first")
    tag.save()
    perm_id = f"/{api_sandbox.admin_user}/{code}"
    assert tag.permId == perm_id
    assert o.get_tag(code).permId == perm_id  # by TagCode: the caller's own tag

    space = unique("TS")
    o.new_space(code=space).save()
    sample = o.new_sample(type="SAMPLE", space=space, code="TAGGED")
    sample.save()
    sample.add_tags([code])
    sample.save()
    cold = fresh(api_sandbox, o.token)
    assert cold.get_sample(sample.permId).tags == [code]
    # a TagSearchCriteria nested under the sample criteria: the sample's own tags
    assert [s.permId for s in cold.get_samples(tags=[code])] == [sample.permId]
    assert [s.permId for s in cold.get_tag(code).get_samples()] == [sample.permId]
    assert len(cold.get_samples(tags=[unique("NOTAG")])) == 0

    got = result_of(
        api_sandbox,
        "getTags",
        o.token,
        [{"@type": "as.dto.tag.id.TagPermId", "permId": perm_id}],
        TAG_FO,
    )[perm_id]
    assert list(got) == TAG
    assert got["private"] is True and got["owner"]["userId"] == api_sandbox.admin_user
    assert [s["permId"]["permId"] for s in got["samples"]] == [sample.permId]
    assert got["experiments"] is None and got["materials"] is None

    by_code = result_of(
        api_sandbox,
        "getTags",
        o.token,
        [{"@type": "as.dto.tag.id.TagCode", "code": code.lower()}],
        TAG_FO,
    )
    assert list(by_code) == [code.lower()]  # keyed by TagCode.toString(): the code as sent
    assert by_code[code.lower()]["permId"]["permId"] == perm_id
    tag.description = "second"
    tag.save()
    assert fresh(api_sandbox, o.token).get_tag(perm_id, use_cache=False).description == "second"
    sample.set_tags([])  # pybis 1.37.5 del_tags indexes its dicts wrongly
    sample.save()
    assert fresh(api_sandbox, o.token).get_sample(sample.permId).tags == []
    tag.delete("done")
    with pytest.raises(ValueError):
        fresh(api_sandbox, o.token).get_tag(perm_id, use_cache=False)


def test_search_tags_and_duplicates(api_sandbox, o):
    code = unique("DUP")
    o.new_tag(code=code).save()
    codes = list(o.get_tags().df["code"])
    assert code in codes
    creation = {"@type": "as.dto.tag.create.TagCreation", "code": code}
    error = error_of(api_sandbox, "createTags", o.token, [creation])
    assert "already exists" in error["message"]
    empty = {"@type": "as.dto.tag.create.TagCreation", "code": ""}
    assert error_of(api_sandbox, "createTags", o.token, [empty])["message"] == (
        "Code cannot be empty."
    )


def test_deletion_golden_shape(api_sandbox, o):
    space = unique("DG")
    o.new_space(code=space).save()
    sample = o.new_sample(type="SAMPLE", space=space, code="S")
    sample.save()
    sample.delete("shape")
    found = result_of(
        api_sandbox,
        "searchDeletions",
        o.token,
        {"@type": "as.dto.deletion.search.DeletionSearchCriteria"},
        {
            "@type": "as.dto.deletion.fetchoptions.DeletionFetchOptions",
            "deletedObjects": {"@type": "as.dto.deletion.fetchoptions.DeletedObjectFetchOptions"},
        },
    )["objects"]
    mine = [d for d in found if d["reason"] == "shape"][0]
    assert list(mine) == DELETION
    assert list(mine["deletedObjects"][0]) == DELETED_OBJECT
    assert mine["deletedObjects"][0]["identifier"] == f"/{space}/S"
    assert mine["deletedObjects"][0]["entityKind"] == "SAMPLE"
    assert mine["deletedObjects"][0]["entityTypeCode"] == "SAMPLE"
    assert mine["id"] == {
        "@type": "as.dto.deletion.id.DeletionTechId",
        "@id": mine["id"]["@id"],
        "techId": mine["id"]["techId"],
        "id": str(mine["id"]["techId"]),
    }
    o.revert_deletions([mine["id"]["techId"]])


def _upload(o, tmp_path, experiment: str) -> str:
    (tmp_path / "data.txt").write_text("archive me")
    ds = o.new_dataset(type="RAW_DATA", experiment=experiment, files=[str(tmp_path / "data.txt")])
    ds.save()
    return ds.permId


def test_archive_and_unarchive_move_through_the_pending_states(api_sandbox, o, tmp_path):
    space = unique("AR")
    o.new_space(code=space).save()
    o.new_project(space=space, code="P").save()
    o.new_experiment(type="COLLECTION", project=f"/{space}/P", code="E").save()
    perm_id = _upload(o, tmp_path, f"/{space}/P/E")
    o.archive_datasets(perm_id)
    assert o.get_dataset(perm_id).physicalData.status == "ARCHIVE_PENDING"
    time.sleep(2.5)
    archived = o.get_dataset(perm_id)
    assert archived.physicalData.status == "ARCHIVED"
    assert archived.physicalData.presentInArchive is True
    with tempfile.TemporaryDirectory() as target, pytest.raises(Exception):  # noqa: B017
        archived.download(destination=target)
    o.unarchive_datasets([perm_id])
    assert o.get_dataset(perm_id).physicalData.status == "UNARCHIVE_PENDING"
    time.sleep(2.5)
    back = o.get_dataset(perm_id)
    assert back.physicalData.status == "AVAILABLE"
    with tempfile.TemporaryDirectory() as target:
        back.download(destination=target, create_default_folders=False)
        assert os.listdir(target) == ["data.txt"]


def test_archiving_requests_and_unknown_ids(api_sandbox, o, tmp_path):
    perm_id = _upload(o, tmp_path, "/LAB/PROJ1/EXP1")
    ds = o.get_dataset(perm_id)
    ds.request_archiving()
    assert ds.physicalData.archivingRequested is True
    ds.revoke_request_archiving()
    assert fresh(api_sandbox, o.token).get_dataset(perm_id).physicalData.archivingRequested is False
    error = error_of(
        api_sandbox,
        "archiveDataSets",
        o.token,
        [{"@type": "as.dto.dataset.id.DataSetPermId", "permId": "20990101000000000-1"}],
        {"@type": "as.dto.dataset.archive.DataSetArchiveOptions", "removeFromDataStore": True},
    )
    assert error["message"] == (
        "Object with DataSetPermId = [20990101000000000-1] has not been found."
    )


def test_perm_ids_and_codes(api_sandbox, o):
    perm_id = o.create_permId()
    assert perm_id.count("-") == 1 and len(perm_id.split("-")[0]) == 17
    first = o.gen_codes("sample", "PRE-", 2)
    second = o.gen_code("sample", "PRE-")
    assert len(first) == 2 and first[0].startswith("PRE-")
    numbers = [int(c.split("-")[1]) for c in [*first, second]]
    assert numbers == sorted(numbers) and len(set(numbers)) == 3
    assert error_of(api_sandbox, "createPermIdStrings", o.token, 0)["message"] == (
        "Count cannot be <= 0"
    )
    assert error_of(api_sandbox, "createPermIdStrings", o.token, 101)["message"] == (
        "Cannot create more than 100 ids in one call (101 requested)"
    )


def test_container_data_set_with_components(api_sandbox, o, tmp_path):
    component = _upload(o, tmp_path, "/LAB/PROJ1/EXP1")
    code = unique("CONT").upper()
    container = o.new_dataset(
        type="UNKNOWN", code=code, experiment="/LAB/PROJ1/EXP1", kind="CONTAINER"
    )
    container.save()
    assert container.permId == code
    created = result_of(
        api_sandbox,
        "createDataSets",
        o.token,
        [
            {
                "@type": "as.dto.dataset.create.DataSetCreation",
                "typeId": {"@type": "as.dto.entitytype.id.EntityTypePermId", "permId": "UNKNOWN"},
                "experimentId": {
                    "@type": "as.dto.experiment.id.ExperimentIdentifier",
                    "identifier": "/LAB/PROJ1/EXP1",
                },
                "dataSetKind": "CONTAINER",
                "autoGeneratedCode": True,
                "componentIds": [{"@type": "as.dto.dataset.id.DataSetPermId", "permId": component}],
            }
        ],
    )
    auto = created[0]["permId"]
    got = fresh(api_sandbox, o.token).get_dataset(auto)
    assert got.kind == "CONTAINER" and got.components == [component]
    assert fresh(api_sandbox, o.token).get_dataset(component).containers == [auto]
    error = error_of(
        api_sandbox,
        "createDataSets",
        o.token,
        [{**{"@type": "as.dto.dataset.create.DataSetCreation"}, "dataSetKind": "LINK"}],
    )
    assert "LINK" in error["message"]


def test_tags_given_at_creation(api_sandbox, o):
    space = unique("TC")
    o.new_space(code=space).save()
    code = unique("NEWTAG")
    creation = {
        "@type": "as.dto.sample.create.SampleCreation",
        "typeId": {"@type": "as.dto.entitytype.id.EntityTypePermId", "permId": "SAMPLE"},
        "spaceId": {"@type": "as.dto.space.id.SpacePermId", "permId": space},
        "code": "WITH_TAG",
        "tagIds": [{"@type": "as.dto.tag.id.TagCode", "code": code}],  # created on the fly
    }
    perm_id = result_of(api_sandbox, "createSamples", o.token, [creation])[0]["permId"]
    assert fresh(api_sandbox, o.token).get_sample(perm_id).tags == [code]
    # pybis's new_sample(tags=...) sends ids without @type: openBIS cannot read them
    untyped = {**creation, "code": "UNTYPED", "tagIds": [{"code": code, "permId": "/x/y"}]}
    error = error_of(api_sandbox, "createSamples", o.token, [untyped])
    assert "Cannot deserialize a polymorphic type without type information" in error["message"]


def test_a_data_set_pending_archiving_cannot_be_deleted(api_sandbox, o, tmp_path):
    """TrashBO.checkForNonDeletableDataSets."""
    perm_id = _upload(o, tmp_path, "/LAB/PROJ1/EXP1")
    o.archive_datasets(perm_id)
    error = error_of(
        api_sandbox,
        "deleteDataSets",
        o.token,
        [{"@type": "as.dto.dataset.id.DataSetPermId", "permId": perm_id}],
        {"@type": "as.dto.dataset.delete.DataSetDeletionOptions", "reason": "r"},
    )
    assert error["message"] == (
        "Deletion not possible because the following data sets are not deletable:"
        f"\n Status: ARCHIVE_PENDING, data sets: [{perm_id}]"
    )
    time.sleep(2.5)  # ARCHIVED data sets may be deleted
    o.get_dataset(perm_id).delete("archived", True)
    with pytest.raises(ValueError):
        fresh(api_sandbox, o.token).get_dataset(perm_id)
