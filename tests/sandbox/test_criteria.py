"""Unit tests of the search-criteria semantics (SPEC §6.3, risks 17, 24, 26)."""

from __future__ import annotations

import pytest

from openbis_sandbox.criteria.match import page, search
from openbis_sandbox.criteria.parse import parse
from openbis_sandbox.criteria.values import match_value
from openbis_sandbox.errors import OpenbisError
from openbis_sandbox.jackson import collection
from openbis_sandbox.seed.seeding import parse_seed, seed_store
from openbis_sandbox.store.db import Store

CS = "as.dto.common.search."


def eq(value):
    return {"@type": CS + "StringEqualToValue", "value": value}


def code(value, **extra):
    return {"@type": CS + "CodeSearchCriteria", "fieldValue": eq(value), **extra}


def samples(*criteria, operator="AND"):
    return {
        "@type": "as.dto.sample.search.SampleSearchCriteria",
        "operator": operator,
        "criteria": list(criteria),
    }


@pytest.fixture(scope="module")
def graph(tmp_path_factory):
    store = Store(tmp_path_factory.mktemp("criteria"))
    seed_store(store, parse_seed("demo"))
    yield store.graph()
    store.close()


def codes(graph, criteria, kind="SAMPLE"):
    table = {"SAMPLE": graph.samples, "DATA_SET": graph.datasets, "EXPERIMENT": graph.experiments}[
        kind
    ]
    return sorted(r.code for r in search(parse(criteria), graph, kind, table.values()))


@pytest.mark.parametrize(
    "stored, value, wildcards, expected",
    [
        ("SAMPLE1", "SAMPLE1", True, True),
        ("SAMPLE1", "sample1", True, False),  # equality is case-sensitive
        ("SAMPLE1", "samp*", True, True),  # wildcards are case-insensitive
        ("SAMPLE1", "SAMPLE?", True, True),
        ("SAMPLE12", "SAMPLE?", True, False),
        ("SAMPLE1", "SAMP*", False, False),  # no wildcards: literal '*'
        ("A*B", "A*B", False, True),
    ],
)
def test_string_equality(stored, value, wildcards, expected):
    assert match_value(stored, eq(value), wildcards) is expected


@pytest.mark.parametrize(
    "value_type, value, expected",
    [
        ("StringStartsWithValue", "samp", True),
        ("StringEndsWithValue", "E1", True),
        ("StringContainsValue", "MPL", True),
        ("StringContainsValue", "xyz", False),
        ("AnyStringValue", None, True),
    ],
)
def test_partial_string_matches_ignore_case(value_type, value, expected):
    assert match_value("Sample1", {"@type": CS + value_type, "value": value}, True) is expected


@pytest.mark.parametrize(
    "value_type, value, expected",
    [
        ("NumberGreaterThanValue", 21, True),
        ("NumberGreaterThanValue", 21.5, False),
        ("NumberGreaterThanOrEqualToValue", "21.5", True),
        ("NumberLessThanValue", 30, True),
        ("NumberEqualToValue", 21.5, True),
    ],
)
def test_number_comparisons(value_type, value, expected):
    assert match_value("21.5", {"@type": CS + value_type, "value": value}, True) is expected


def test_date_comparisons_use_whole_days():
    day = {"@type": CS + "DateEqualToValue", "value": "2025-01-22"}
    assert match_value("2025-01-22 23:59:59", day, True)
    assert not match_value("2025-01-23", day, True)
    until = {"@type": CS + "DateEarlierThanOrEqualToValue", "value": "2025-01-22"}
    assert match_value("2025-01-22 18:00:00 +0000", until, True)
    since = {"@type": CS + "DateLaterThanOrEqualToValue", "value": "2025-01-22"}
    assert not match_value("2025-01-21", since, True)


def test_code_search_is_exact(graph):
    assert codes(graph, samples(code("SAMPLE1"))) == ["SAMPLE1"]
    assert codes(graph, samples(code("sample1"))) == []
    assert codes(graph, samples(code("sample*"))) == ["SAMPLE1", "SAMPLE2", "SAMPLE3"]


def test_or_and_nested_entity_criteria(graph):
    either = samples(code("SAMPLE1"), code("CHEM1"), operator="OR")
    assert codes(graph, either) == ["CHEM1", "SAMPLE1"]
    in_lab = samples(
        {
            "@type": "as.dto.space.search.SpaceSearchCriteria",
            "operator": "AND",
            "criteria": [code("METHODS")],
        }
    )
    assert codes(graph, in_lab) == ["CHEM1", "CHEM2", "CHEM3"]


def test_parents_children_and_type_criteria(graph):
    with_parent = samples(
        {"@type": "as.dto.sample.search.SampleParentsSearchCriteria", "criteria": [code("CHEM1")]}
    )
    assert codes(graph, with_parent) == ["SAMPLE1", "SAMPLE2"]
    with_child = samples(
        {"@type": "as.dto.sample.search.SampleChildrenSearchCriteria", "criteria": [code("STEP2")]}
    )
    assert codes(graph, with_child) == ["STEP1"]
    typed = samples(
        {"@type": "as.dto.sample.search.SampleTypeSearchCriteria", "criteria": [code("CHEMICAL")]}
    )
    assert codes(graph, typed) == ["CHEM1", "CHEM2", "CHEM3"]


def test_property_criteria(graph):
    prop = {
        "@type": CS + "NumberPropertySearchCriteria",
        "fieldName": "temperature",
        "fieldType": "PROPERTY",
        "fieldValue": {"@type": CS + "NumberLessThanValue", "value": 30},
    }
    assert codes(graph, samples(prop)) == ["SAMPLE1", "SAMPLE3"]
    vocab = {
        "@type": CS + "StringPropertySearchCriteria",
        "fieldName": "STORAGE",
        "fieldValue": eq("FRIDGE"),
    }
    assert codes(graph, samples(vocab)) == ["CHEM3", "SAMPLE1", "SAMPLE2", "SAMPLE3"]


def test_status_and_tags_for_datasets(graph):
    status = {
        "@type": "as.dto.dataset.search.DataSetSearchCriteria",
        "criteria": [
            {
                "@type": "as.dto.dataset.search.PhysicalDataSearchCriteria",
                "criteria": [
                    {
                        "@type": "as.dto.dataset.search.StatusSearchCriteria",
                        "fieldValue": "AVAILABLE",
                    }
                ],
            }
        ],
    }
    assert len(codes(graph, status, "DATA_SET")) == len(graph.datasets)
    tagged = {
        "@type": "as.dto.dataset.search.DataSetSearchCriteria",
        "criteria": [{"@type": "as.dto.tag.search.TagSearchCriteria", "criteria": [code("TAG")]}],
    }
    assert codes(graph, tagged, "DATA_SET") == []


def test_paging_counts_before_slicing():
    items = list(range(10))
    assert page(items, {"from": 3, "count": 4}) == ([3, 4, 5, 6], 10)
    assert page(items, {"from": None, "count": None}) == (items, 10)
    assert page(items, {"from": 20, "count": 5}) == ([], 10)
    assert page(items, {"count": 0}) == ([], 10)


def test_parsing_as_openbis_jackson_reads(graph):
    nested_object = samples()
    nested_object["criteria"] = code("SAMPLE1")  # a single value where a list is expected
    assert parse(nested_object).children[0].field == "code"
    with pytest.raises(OpenbisError, match="Could not resolve type id"):
        parse({"@type": "as.dto.sample.search.Unknown"})
    with pytest.raises(OpenbisError, match="polymorphic type without type information"):
        parse(samples({"fieldValue": eq("x")}))
    with pytest.raises(OpenbisError, match="SearchOperator"):
        parse({**samples(), "operator": "XOR"})


def test_collection_reads_a_single_value_as_a_one_element_list():
    assert collection(None) is None
    assert collection([1, 2]) == [1, 2]
    assert collection({"a": 1}) == [{"a": 1}]
    assert collection("X") == ["X"]


def test_single_values_where_collections_are_expected_at_any_depth(graph):
    in_space = {
        "@type": "as.dto.space.search.SpaceSearchCriteria",
        "criteria": code("LAB"),  # single object, two levels down
    }
    project = {"@type": "as.dto.project.search.ProjectSearchCriteria", "criteria": in_space}
    experiments = {"@type": "as.dto.experiment.search.ExperimentSearchCriteria"}
    assert codes(graph, {**experiments, "criteria": project}, "EXPERIMENT") == [
        "EXP1",
        "EXP2",
        "EXP3",
    ]
    single_code = {"@type": CS + "CodesSearchCriteria", "fieldValue": "SAMPLE1"}
    assert codes(graph, samples(single_code)) == ["SAMPLE1"]
    perm_id = next(s.perm_id for s in graph.samples.values() if s.code == "SAMPLE1")
    single_id = {
        "@type": CS + "IdsSearchCriteria",
        "fieldValue": {"@type": "as.dto.sample.id.SamplePermId", "permId": perm_id},
    }
    assert codes(graph, samples(single_id)) == ["SAMPLE1"]


def test_a_null_string_value_matches_everything(graph):
    """openBIS's StringFieldMatcher: a null value (pybis's get_property_types() sends one)
    or a null field value matches every object."""
    everything = codes(graph, samples())
    assert codes(graph, samples(code(None))) == everything
    assert codes(graph, samples({"@type": CS + "CodeSearchCriteria", "fieldValue": None}))
    assert codes(graph, samples(code(None))) != []
    assert match_value(None, eq(None), True)
    assert match_value("A", None, True)


@pytest.mark.parametrize(
    "criteria, message",
    [
        (samples("abc"), 'from String "abc": not a valid Integer'),
        (samples([]), "Cannot deserialize instance of `java.lang.Object` out of START_ARRAY"),
        (samples({"@type": 5}), "need JSON String that contains type id"),
        (
            samples({"@type": CS + "Bogus"}),
            "Could not resolve type id 'as.dto.common.search.Bogus'",
        ),
        (samples(code("x", fieldValue={"value": "x"})), "without type information"),
        (samples(code("x", fieldValue=[1])), "Cannot deserialize"),
        (samples(code("x", fieldValue=eq({"a": 1}))), "`java.lang.String` out of START_OBJECT"),
        (
            samples({"@type": CS + "IdsSearchCriteria", "fieldValue": [{"permId": "X"}]}),
            "without type information",
        ),
        (samples({"@type": CS + "IdsSearchCriteria", "fieldValue": ["X"]}), "not a valid Integer"),
        ({**samples(), "operator": "XOR"}, "not one of declared Enum instance names: [OR, AND]"),
        (None, "Criteria cannot be null"),
    ],
)
def test_hostile_criteria_are_openbis_errors(criteria, message):
    with pytest.raises(OpenbisError) as error:
        parse(criteria)
    assert message in error.value.message


def test_numbers_in_the_criteria_list_are_null_references(graph):
    assert codes(graph, samples(7, code("SAMPLE1"))) == ["SAMPLE1"]
    assert codes(graph, samples(code(5))) == []  # Jackson reads 5 as the String "5"


def test_paging_reads_numbers_given_as_strings():
    assert page(list(range(10)), {"from": "2", "count": "3"}) == ([2, 3, 4], 10)
    with pytest.raises(OpenbisError, match="not a valid Integer"):
        page([], {"count": "ten"})
