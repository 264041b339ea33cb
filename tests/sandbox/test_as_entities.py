"""Get and search of spaces, projects, experiments, samples and data sets through the
real pybis, each on a fresh instance (cold cache, SPEC risk 22), at API 3.6 and 3.7."""

from __future__ import annotations

import pytest
from pybis import Openbis

from openbis_sandbox.testing import pybis_client


@pytest.fixture
def o(api_sandbox):
    token = pybis_client(api_sandbox).token
    return Openbis(api_sandbox.url, verify_certificates=str(api_sandbox.ca_cert), token=token)


def test_get_spaces_and_space(o):
    assert {"DEFAULT", "LAB", "METHODS"} <= set(o.get_spaces().df.code)
    assert o.get_space("LAB").description == "Our lab's experiments"


def test_get_projects_of_a_space(o):
    projects = o.get_projects(space="LAB")
    assert set(projects.df.identifier) >= {"/LAB/PROJ1", "/LAB/PROJ2"}
    assert all(i.startswith("/LAB/") for i in projects.df.identifier)
    assert o.get_project("/LAB/PROJ1").code == "PROJ1"


def test_get_experiment_and_its_type(o):
    exp = o.get_experiment("/LAB/PROJ1/EXP1")
    assert exp.type.code == "COLLECTION"
    assert exp.props["$name"] == "Absorbance runs"
    assert exp.project.identifier == "/LAB/PROJ1"


def test_get_experiments_by_code_is_case_sensitive_server_side(o):
    assert o.get_experiments(code="EXP1").df.identifier.tolist() == ["/LAB/PROJ1/EXP1"]


def test_get_experiments_of_a_project_with_paging(o):
    page = o.get_experiments(project="/LAB/PROJ1", start_with=1, count=1)
    assert page.totalCount == 2
    assert len(page.df) == 1


def test_get_sample_with_experiment_and_parents(o):
    sample = o.get_sample("/LAB/PROJ1/STEP1")
    assert sample.type.code == "EXPERIMENTAL_STEP"
    assert sample.experiment.identifier == "/LAB/PROJ1/EXP1"
    assert sample.parents == ["/LAB/PROJ1/SAMPLE1", "/LAB/PROJ1/SAMPLE2"]
    assert sample.props["instrument"] == "SPECTROMETER"
    assert sample.project.identifier == "/LAB/PROJ1"


def test_get_samples_of_a_space_with_paging(o):
    first = o.get_samples(space="LAB", start_with=0, count=2)
    rest = o.get_samples(space="LAB", start_with=2, count=100)
    assert first.totalCount == rest.totalCount >= 6
    assert len(first.df) == 2
    assert not set(first.df.identifier) & set(rest.df.identifier)
    beyond = o.get_samples(space="LAB", start_with=10_000, count=5)
    assert len(beyond.df) == 0 and beyond.totalCount == first.totalCount


def test_get_samples_with_type_and_property_filters(o):
    warm = o.get_samples(type="SAMPLE", where={"TEMPERATURE": ">20"}, props=["temperature"])
    assert set(warm.df.identifier) == {"/LAB/PROJ1/SAMPLE1", "/LAB/PROJ1/SAMPLE2"}
    named = o.get_samples(type="CHEMICAL", where={"$NAME": "Eth*"})
    assert named.df.identifier.tolist() == ["/METHODS/MATERIALS/CHEM1"]
    exact = o.get_samples(type="CHEMICAL", where={"$NAME": "ethanol"})
    assert exact.totalCount == 0  # equality is case-sensitive (SPEC risk 26)


def test_get_samples_by_parent(o):
    children = o.get_samples(withParents="/LAB/PROJ1/STEP1")
    assert children.df.identifier.tolist() == ["/LAB/PROJ1/STEP2"]


def test_get_datasets_of_a_sample_with_paging(o):
    page = o.get_datasets(sample="/LAB/PROJ1/STEP1", start_with=0, count=1)
    assert page.totalCount == 2
    assert len(page.df) == 1


def test_get_datasets_by_type_and_experiment(o):
    found = o.get_datasets(type="RAW_DATA", experiment="/LAB/PROJ1/EXP1")
    assert found.totalCount == 2
    assert set(found.df.type) == {"RAW_DATA"}
    assert (found.df["size"] > 0).all() and set(found.df.status) == {"AVAILABLE"}


def test_get_datasets_with_date_and_status_filters(o):
    recent = o.get_datasets(where={"registrationDate": ">2025-03-01"}, status="AVAILABLE")
    older = o.get_datasets(where={"registrationDate": "<2025-02-28"})
    assert recent.totalCount == 2 and older.totalCount == 4
    assert not set(recent.df.permId) & set(older.df.permId)


def test_get_dataset_with_vocabulary_property_and_relations(o):
    raw = o.get_datasets(type="RAW_DATA", where={"INSTRUMENT": "SPECTROMETER"})
    assert raw.totalCount == 1
    ds = o.get_dataset(raw.df.permId[0])
    assert ds.props["instrument"] == "SPECTROMETER"
    assert ds.props["$name"] == "Absorbance run 1"
    assert ds.sample.identifier == "/LAB/PROJ1/SAMPLE1"
    assert ds.experiment.identifier == "/LAB/PROJ1/EXP1"
    assert len(ds.children) == 1
    assert ds.registrator == "alice"
    assert ds.physicalData.location.endswith("/" + ds.permId)


def test_get_missing_dataset_is_pybis_no_such_error(o):
    with pytest.raises(ValueError, match="no such dataset"):
        o.get_dataset("20990101000000000-999")


def test_dataset_types_and_property_assignments(o):
    types = o.get_dataset_types()
    assert {"RAW_DATA", "ANALYZED_DATA", "ANALYSIS_NOTEBOOK"} <= set(types.df.code)
    notebook = o.get_dataset_type("ANALYSIS_NOTEBOOK")
    assignments = notebook.get_property_assignments().df
    assert set(assignments.code) >= {"$NAME", "NOTES", "$HISTORY_ID", "KERNEL"}
    assert assignments.set_index("code").loc["$NAME", "mandatory"]


def test_sample_types(o):
    assert {"EXPERIMENTAL_STEP", "SAMPLE", "CHEMICAL"} <= set(o.get_sample_types().df.code)


def test_property_type_and_vocabulary_terms(o):
    pt = o.get_property_type("INSTRUMENT")
    assert pt.dataType == "CONTROLLEDVOCABULARY"
    assert pt.vocabulary == "INSTRUMENTS"
    terms = o.get_terms("INSTRUMENTS")
    assert terms.df.code.tolist() == ["MICROSCOPE", "SPECTROMETER", "DIFFRACTOMETER"]
    for code, data_type in (
        ("TEMPERATURE", "REAL"),
        ("REPLICATES", "INTEGER"),
        ("CALIBRATED", "BOOLEAN"),
        ("MEASUREMENT_DATE", "DATE"),
        ("START_DATE", "TIMESTAMP"),
        ("NOTES", "MULTILINE_VARCHAR"),
    ):
        assert o.get_property_type(code).dataType == data_type


def test_pybis_default_instance_content(o):
    assert o.get_experiment("/DEFAULT/DEFAULT/DEFAULT").code == "DEFAULT"
    raw = o.get_dataset_type("RAW_DATA").get_property_assignments().df
    assert "$NAME" in set(raw.code)
