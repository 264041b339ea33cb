"""The Store contract used by the DSS side: sessions, data set rows and registration."""

from __future__ import annotations

import pytest

from openbis_sandbox.errors import OpenbisError
from openbis_sandbox.seed.seeding import parse_seed, seed_store
from openbis_sandbox.store.db import Store

SAMPLE_ID = {"@type": "as.dto.sample.id.SampleIdentifier", "identifier": "/LAB/PROJ1/SAMPLE1"}
EXP_ID = {"@type": "as.dto.experiment.id.ExperimentIdentifier", "identifier": "/LAB/PROJ2/EXP3"}


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path, session_timeout_s=60)
    seed_store(s, parse_seed("demo"))
    s.upsert_user("admin", "changeit")
    yield s
    s.close()


def register(store, **overrides):
    args = dict(
        type_code="RAW_DATA",
        sample_id=SAMPLE_ID,
        experiment_id=None,
        parent_ids=[],
        properties={"$name": "x", "instrument": "microscope"},
        user="admin",
        size=3,
    )
    args.update(overrides)
    return store.create_dataset(**args)


def test_sessions_and_forced_expiry(store):
    token = store.login("admin", "changeit")
    assert store.login("admin", "nope") is None
    assert store.session_user(token) == "admin"
    store.expire_sessions()
    assert store.session_user(token) is None


def test_idle_sessions_time_out(tmp_path):
    s = Store(tmp_path, session_timeout_s=0)
    s.upsert_user("u", "p")
    token = s.login("u", "p")
    with s.transaction() as conn:  # age the session instead of sleeping
        conn.execute("UPDATE sessions SET last_access_ms = last_access_ms - 1000")
    assert s.session_user(token) is None


def test_create_dataset_inherits_experiment_and_normalises_properties(store):
    perm_id = register(store)
    row = store.get_dataset_row(perm_id)
    graph = store.graph()
    assert row["type"] == "RAW_DATA" and row["size"] == 3 and row["kind"] == "PHYSICAL"
    assert graph.experiment_identifier(graph.experiments[row["experiment"]]) == "/LAB/PROJ1/EXP1"
    assert graph.datasets[perm_id].properties == {"$NAME": "x", "INSTRUMENT": "MICROSCOPE"}
    assert store.dataset_dir(perm_id) == store.data_dir / "store" / perm_id
    assert store.user_can_access_dataset("admin", perm_id)


def test_create_dataset_with_experiment_owner_and_parents(store):
    parent = register(store)
    child = register(
        store,
        sample_id=None,
        experiment_id=EXP_ID,
        properties={},
        parent_ids=[{"@type": "as.dto.dataset.id.DataSetPermId", "permId": parent}],
    )
    assert store.graph().dataset_parents[child] == [parent]
    assert store.get_dataset_row(child)["sample"] is None


@pytest.mark.parametrize(
    "overrides, message",
    [
        (
            {"type_code": "RAW_DATA2"},
            "Object with EntityTypePermId = [RAW_DATA2 (DATA_SET)] has not been found.",
        ),
        ({"sample_id": None}, "A dataset needs either a sample or an experiment as an owner."),
        (
            {"sample_id": {"@type": "as.dto.sample.id.SamplePermId", "permId": "1-1"}},
            "Object with SamplePermId = [1-1] has not been found.",
        ),
        (
            {
                "sample_id": None,
                "experiment_id": {
                    "@type": "as.dto.experiment.id.ExperimentIdentifier",
                    "identifier": "/A/B/C",
                },
            },
            "Object with ExperimentIdentifier = [/A/B/C] has not been found.",
        ),
        (
            {"parent_ids": [{"@type": "as.dto.dataset.id.DataSetPermId", "permId": "2-2"}]},
            "Object with DataSetPermId = [2-2] has not been found.",
        ),
        ({"properties": {"bogus": "1"}}, "Property type with code 'BOGUS' does not exist!"),
        (
            {"type_code": "ANALYSIS_NOTEBOOK", "properties": {"notes": "n"}},
            "Value of mandatory property '$NAME' not specified.",
        ),
    ],
)
def test_create_dataset_errors_leave_nothing_behind(store, overrides, message):
    before = set(store.graph().datasets)
    with pytest.raises(OpenbisError) as info:
        register(store, **overrides)
    assert info.value.message == message
    assert set(store.graph().datasets) == before


def test_before_commit_failure_rolls_back(store):
    seen = []

    def move_files(perm_id):
        seen.append(perm_id)
        raise OSError("disk full")

    with pytest.raises(OSError):
        register(store, before_commit=move_files)
    assert store.get_dataset_row(seen[0]) is None


def test_data_survives_reopening(tmp_path):
    s = Store(tmp_path)
    seed_store(s, parse_seed("empty"))
    s.upsert_user("admin", "pw")
    token = s.login("admin", "pw")
    perm_id = s.create_dataset(
        type_code="RAW_DATA",
        sample_id=None,
        parent_ids=[],
        experiment_id={
            "@type": "as.dto.experiment.id.ExperimentIdentifier",
            "identifier": "/DEFAULT/DEFAULT/DEFAULT",
        },
        properties={},
        user="admin",
        size=0,
    )
    s.close()
    reopened = Store(tmp_path)
    assert reopened.session_user(token) == "admin"
    assert reopened.get_dataset_row(perm_id)["permId"] == perm_id
    assert seed_store(reopened, parse_seed("demo")) is False  # already seeded: no-op
    assert "LAB" not in reopened.graph().spaces
