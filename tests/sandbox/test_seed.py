"""The seeds: a fresh openBIS, the demo lab (realistic content, real files), scale and types;
idempotent seeding."""

from __future__ import annotations

import argparse
import csv
import io
import json
import struct
import zlib

import pytest

from openbis_sandbox.seed.seeding import parse_seed, seed_store
from openbis_sandbox.store.db import Store


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    store = Store(tmp_path_factory.mktemp("demo"))
    seed_store(store, parse_seed("demo"))
    yield store
    store.close()


def files_of(store, perm_id):
    root = store.dataset_dir(perm_id)
    return {p.relative_to(root).as_posix(): p for p in root.rglob("*") if p.is_file()}


def test_demo_has_an_eln_style_lab(demo):
    g = demo.graph()
    assert {"DEFAULT", "LAB", "METHODS"} <= set(g.spaces)
    assert {t.code for t in g.types_of_kind("DATA_SET")} >= {
        "RAW_DATA",
        "ANALYZED_DATA",
        "ANALYSIS_NOTEBOOK",
    }
    data_types = {p.data_type for p in g.property_types.values()}
    assert data_types == {
        "VARCHAR",
        "MULTILINE_VARCHAR",
        "INTEGER",
        "REAL",
        "BOOLEAN",
        "DATE",
        "TIMESTAMP",
        "CONTROLLEDVOCABULARY",
    }
    notebook = g.entity_type("DATA_SET", "ANALYSIS_NOTEBOOK")
    assigned = {a.property_code: a for a in notebook.assignments}
    assert {"$NAME", "NOTES", "$HISTORY_ID"} <= set(assigned) and assigned["$NAME"].mandatory
    assert any(g.property_types[c].data_type == "CONTROLLEDVOCABULARY" for c in assigned)
    assert {d.registrator for d in g.datasets.values()} >= {"alice", "bob"}
    months = {d.registration_ms // (30 * 24 * 3600 * 1000) for d in g.datasets.values()}
    assert len(months) >= 3  # registrations spread over months
    assert any(g.dataset_parents.values()) and any(g.sample_parents.values())


def test_demo_files_are_real(demo):
    g = demo.graph()
    all_files = {}
    for perm_id, ds in g.datasets.items():
        found = files_of(demo, perm_id)
        assert found and all(name.startswith("original/") for name in found)
        assert ds.size == sum(p.stat().st_size for p in found.values())
        all_files.update(found)
    png = next(p for name, p in all_files.items() if name.endswith(".png")).read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    (ihdr_len,) = struct.unpack(">I", png[8:12])
    assert (
        zlib.crc32(png[12 : 16 + ihdr_len])
        == struct.unpack(">I", png[16 + ihdr_len : 20 + ihdr_len])[0]
    )
    table = next(p for name, p in all_files.items() if name.endswith("data.csv")).read_text()
    assert len(list(csv.reader(io.StringIO(table)))) > 10
    notebook = next(p for name, p in all_files.items() if name.endswith(".ipynb"))
    assert json.loads(notebook.read_text())["nbformat"] == 4
    assert any(name.count("/") >= 3 for name in all_files)  # a nested folder


def test_scale_seed_adds_n_samples_and_datasets(tmp_path):
    store = Store(tmp_path)
    seed_store(store, parse_seed("scale:300"))
    g = store.graph()
    scale_samples = [s for s in g.samples.values() if s.code.startswith("SCALE")]
    scale_sets = [
        d for d in g.datasets.values() if d.sample_perm_id in {s.perm_id for s in scale_samples}
    ]
    assert len(scale_samples) == 300 and len(scale_sets) == 300
    assert len(set(g.datasets)) == len(g.datasets)
    assert files_of(store, scale_sets[-1].perm_id)
    # a permId issued later must not collide with the bulk-inserted ones
    with store.transaction() as conn:
        assert store.next_perm_id(conn) not in g.datasets
    store.close()


def test_seeding_twice_is_a_no_op(tmp_path):
    store = Store(tmp_path)
    assert seed_store(store, parse_seed("demo")) is True
    before = len(store.graph().samples)
    assert seed_store(store, parse_seed("scale:10")) is False
    assert len(store.graph().samples) == before
    store.close()


def test_types_seed_adds_dataset_types_with_properties(tmp_path):
    store = Store(tmp_path)
    seed_store(store, parse_seed("types:20x10"))
    g = store.graph()
    bench = [t for t in g.types_of_kind("DATA_SET") if t.code.startswith("BENCH_TYPE_")]
    assert len(bench) == 20
    assert all(len(t.assignments) == 10 for t in bench)
    assert [a.mandatory for a in bench[0].assignments].count(True) == 1
    kinds = {g.property_types[a.property_code].data_type for a in bench[0].assignments}
    assert {"CONTROLLEDVOCABULARY", "INTEGER", "BOOLEAN"} <= kinds
    assert "RAW_DATA" in {t.code for t in g.types_of_kind("DATA_SET")}  # demo content too
    store.close()


@pytest.mark.parametrize("text", ["types:0x10", "types:5x0", "types:5", "types:axb"])
def test_types_seed_rejects_malformed_sizes(text):
    with pytest.raises(argparse.ArgumentTypeError):
        parse_seed(text)


def test_fresh_seed_is_a_new_openbis_with_eln_lims(tmp_path):
    empty, fresh = Store(tmp_path / "empty"), Store(tmp_path / "fresh")
    try:
        seed_store(empty, parse_seed("empty"))
        seed_store(fresh, parse_seed("fresh"))
        e, g = empty.graph(), fresh.graph()
        (sample,) = g.samples.values()  # the default object, and nothing of the demo
        assert g.sample_identifier(sample) == "/DEFAULT/DEFAULT/DEFAULT"
        assert sample.type_code == "UNKNOWN"
        assert g.experiments[sample.experiment_perm_id].code == "DEFAULT"
        plugins = g.directory.plugins
        assert len(plugins) >= 2
        assert {p.plugin_type for p in plugins.values()} == {"ENTITY_VALIDATION"}
        assert set(g.spaces) == set(e.spaces) == {"DEFAULT"}
        assert e.samples == {} and e.directory.plugins == {}
    finally:
        empty.close()
        fresh.close()
