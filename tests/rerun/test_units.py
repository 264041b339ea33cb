"""The re-run's pure parts: output normalisation and comparison, the input layout."""

from __future__ import annotations

import base64
from pathlib import Path, PurePosixPath

import pytest

from jupyterlab_openbis_bridge.rerun import DIFFERENT, ERROR, IDENTICAL, SKIPPED, RerunFailed
from jupyterlab_openbis_bridge.rerun.compare import compare_cell, normalise_text
from jupyterlab_openbis_bridge.rerun.environment import recorded_python
from jupyterlab_openbis_bridge.rerun.layout import place_files, plan_layout


def cell(*outputs, tags=(), source="print(x)"):
    return {
        "cell_type": "code",
        "source": source,
        "metadata": {"tags": list(tags)},
        "outputs": list(outputs),
        "execution_count": 7,
    }


def stream(text, name="stdout"):
    return {"output_type": "stream", "name": name, "text": text}


def png(data: bytes):
    return {
        "output_type": "display_data",
        "data": {"image/png": base64.b64encode(data).decode(), "text/plain": "<Figure>"},
        "metadata": {"image/png": {"width": 3}},
    }


@pytest.mark.parametrize(
    ("saved", "rerun"),
    [
        ("run at 2026-01-31 12:00:01.123456\n", "run at 2027-02-01 08:09:10.5\n"),
        ("2026-01-31T12:00:00+01:00 done", "2026-11-29T17:43:31Z done"),
        ("<object object at 0x7f3a5c2e1d90>", "<object object at 0x7fab12cd3450>"),
        ("took 12:34:56", "took 01:02:03"),
        ("CPU times: user 3 ms\nWall time: 5 ms\nok", "CPU times: user 9 ms\nWall time: 1 s\nok"),
    ],
)
def test_volatile_values_are_normalised(saved, rerun):
    assert normalise_text(saved) == normalise_text(rerun)
    assert compare_cell(0, cell(stream(saved)), cell(stream(rerun))).verdict == IDENTICAL


def test_streams_are_joined_and_counts_and_metadata_ignored():
    saved = cell(stream("a\n"), stream("b\n"), png(b"\x89PNG one"))
    rerun = cell(stream("a\nb\n"), {**png(b"\x89PNG one"), "metadata": {}})
    rerun["execution_count"] = 1
    assert compare_cell(0, saved, rerun).verdict == IDENTICAL


def test_a_changed_value_gives_a_readable_diff():
    verdict = compare_cell(2, cell(stream("sum 6.0\n")), cell(stream("sum 7.0\n")))
    assert verdict.verdict == DIFFERENT and verdict.index == 2
    assert "-sum 6.0" in verdict.diff and "+sum 7.0" in verdict.diff


def test_images_are_compared_by_hash():
    verdict = compare_cell(0, cell(png(b"\x89PNG one")), cell(png(b"\x89PNG two")))
    assert verdict.verdict == DIFFERENT
    (line,) = verdict.diff
    assert line.startswith("output 1 (display_data:image/png): sha256:") and "≠ sha256:" in line


def test_a_new_error_is_an_error_and_a_tagged_cell_is_skipped():
    error = {"output_type": "error", "ename": "KeyError", "evalue": "'y'", "traceback": ["…"]}
    assert compare_cell(0, cell(stream("1\n")), cell(error)).verdict == ERROR
    same_error = compare_cell(0, cell(error), cell({**error, "traceback": ["other"]}))
    assert same_error.verdict == IDENTICAL
    tagged = cell(stream("0.1"), tags=["openbis:volatile"])
    assert compare_cell(0, tagged, cell(stream("0.9"))).verdict == SKIPPED


def test_runtime_txt():
    assert recorded_python("python-3.11\n") == "3.11"
    assert recorded_python("python-3.12.4") == "3.12"
    assert recorded_python(None) is None
    with pytest.raises(RerunFailed, match="R notebooks"):
        recorded_python("r-4.3-2024-01-01")
    with pytest.raises(RerunFailed, match="not understood"):
        recorded_python("ruby-3")


def notebook_with(downloads, legacy=None):
    metadata = {"openbis": {"downloads": downloads}}
    if legacy:
        metadata["datasets"] = legacy
    return {"metadata": metadata, "cells": []}


def record(perm, path, files=()):
    return {"permId": perm, "path": path, "pathBase": "notebook", "files": list(files)}


def test_inputs_go_where_the_notebook_read_them(tmp_path):
    notebook = notebook_with(
        [
            record("A-1", "inputs/A-1"),
            record("B-2", "../shared/B-2"),
            {"permId": "C-3", "path": "work/data/C-3", "files": []},  # an old, root-relative one
            record("E-5", "/etc"),
        ]
    )
    layout = plan_layout(tmp_path, notebook, ["A-1", "B-2", "C-3", "D-4", "E-5"])
    assert layout.notebook_folder == tmp_path / "notebook"  # room for ../shared
    assert layout.targets == {
        "A-1": PurePosixPath("inputs/A-1"),
        "B-2": PurePosixPath("../shared/B-2"),
        "C-3": PurePosixPath("data/C-3"),
        "D-4": PurePosixPath("data/D-4"),
        "E-5": PurePosixPath("data/E-5"),
    }
    assert [n.split(":")[0] for n in layout.notes] == ["C-3", "D-4", "E-5"]


def test_files_are_placed_without_original_and_never_outside(tmp_path):
    downloaded = tmp_path / "dl"
    (downloaded / "original" / "sub").mkdir(parents=True)
    (downloaded / "original" / "sub" / "v.csv").write_text("1")
    work = tmp_path / "work"
    layout = plan_layout(work, notebook_with([record("A-1", "in/A-1")]), ["A-1"])
    assert place_files(downloaded, layout, "A-1", work) == 1
    assert (work / "in" / "A-1" / "sub" / "v.csv").read_text() == "1"

    (downloaded / "original" / "x.csv").write_text("2")
    escaping = plan_layout(work, notebook_with([record("A-1", "in/A-1")]), ["A-1"])
    escaping.targets["A-1"] = PurePosixPath("../../outside")  # what no plan may produce
    with pytest.raises(RerunFailed, match="outside the work folder"):
        place_files(downloaded, escaping, "A-1", work)
    assert not (tmp_path / "outside").exists() and not Path(tmp_path.parent / "outside").exists()
