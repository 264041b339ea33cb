"""The kernel API as the README shows it: ``openbis`` is a ready object, ``load()`` returns one
documented type per case (a DataFrame, a dict of DataFrames, or paths)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jupyterlab_openbis_bridge.kernel import session
from jupyterlab_openbis_bridge.kernel.data import select_files
from openbis_sandbox.testing import pybis_client

from .support import CSV, NESTED

TABLES_EXPERIMENT = "/LAB/PROJ2/EXP3"


@pytest.fixture(scope="module")
def mixed(sandbox, tmp_path_factory) -> str:
    """A data set with two tables and a text file (pybis puts them under ``original/default/``)."""
    folder = tmp_path_factory.mktemp("mixed")
    contents = {"a.csv": "x,y\n1,2\n3,4\n", "b.tsv": "x\ty\n5\t6\n", "notes.txt": "hello\n"}
    for name, text in contents.items():
        (folder / name).write_text(text)
    data_set = pybis_client(sandbox).new_dataset(
        type="RAW_DATA",
        experiment=TABLES_EXPERIMENT,
        files=[str(folder / name) for name in contents],
    )
    data_set.save()
    return data_set.permId


def downloaded_files(server, notebook: str, perm_id: str) -> list[str]:
    path = server.root.joinpath(*notebook.split("/"))
    records = json.loads(path.read_text())["metadata"]["openbis"]["downloads"]
    (record,) = [r for r in records if r["permId"] == perm_id]
    return sorted(Path(f["path"]).name for f in record["files"])


# --- in a real kernel ----------------------------------------------------------------------


def test_openbis_is_a_ready_pybis_object(kernel):
    out = kernel.run(
        "from jupyterlab_openbis_bridge import openbis\n"
        "print(repr(openbis))\n"
        f"print(openbis.get_dataset({CSV!r}).permId)\n"
        "print(repr(openbis))\n"
        "import pybis\n"
        "o = openbis()\n"
        "print(o is openbis(connection='sandbox') is openbis('sandbox'), isinstance(o, pybis.Openbis))\n"
        "openbis.logout()  # forgets the session in the kernel only\n"
        f"print(openbis.get_dataset({CSV!r}).permId, o.token is not None)"
    )
    lines = out.splitlines()
    assert lines[0] == "<openBIS via JupyterLab (connects on first use)>"
    assert lines[1] == CSV
    assert "via JupyterLab connection 'sandbox'>" in lines[2]
    assert lines[3] == "True True"
    assert lines[4] == f"{CSV} True"


def test_load_returns_one_type_per_case(kernel, mixed):
    out = kernel.run(
        "from jupyterlab_openbis_bridge import load\n"
        f"one = load({CSV!r}, connection='sandbox')  # as the Insert code command writes it\n"
        "print(type(one).__name__, len(one))\n"
        f"tables = load({mixed!r}, files=['*.csv', '*.tsv'])\n"
        "print(type(tables).__name__, list(tables), [type(t).__name__ for t in tables.values()])\n"
        "print(tables['default/b.tsv'].to_dict('list'))\n"
        f"paths = load({mixed!r})\n"
        "print(type(paths).__name__, sorted(p.name for p in paths))\n"
        f"print(type(load({mixed!r}, files='a.csv')).__name__)\n"
        f"print([p.name for p in load({mixed!r}, files='default/notes.txt')])\n"
        f"print([p.name for p in load({NESTED!r})])\n"
        f"print(type(load({NESTED!r}, file='plots/fit.csv')).__name__)\n"
        "try:\n"
        f"    load({NESTED!r}, files='nope.csv')\n"
        "except FileNotFoundError as exc:\n"
        "    print('missing', 'plots/fit.csv' in str(exc))"
    )
    assert out.splitlines() == [
        "DataFrame 20",
        "dict ['default/a.csv', 'default/b.tsv'] ['DataFrame', 'DataFrame']",
        "{'x': [5], 'y': [6]}",
        "list ['a.csv', 'b.tsv', 'notes.txt']",
        "DataFrame",
        "['notes.txt']",
        "['fit.csv', 'summary.txt']",
        "DataFrame",
        "missing True",
    ]


def test_load_downloads_only_the_selected_files(kernel, jupyter_server, mixed):
    out = kernel.run(
        "from jupyterlab_openbis_bridge import load\n"
        f"print(load({mixed!r}, files='*.csv', sep=',').shape)"
    )
    assert out.strip() == "(2, 2)"
    assert downloaded_files(jupyter_server, kernel.notebook, mixed) == ["a.csv"]


# --- the parts without a kernel ------------------------------------------------------------

ENTRIES = [
    {"path": "original/data.csv"},
    {"path": "original/plots/fit.csv"},
    {"path": "original/notes.txt"},
    {"path": "meta/info.tsv"},
]


@pytest.mark.parametrize(
    ("wanted", "chosen"),
    [
        ("data.csv", ["original/data.csv"]),  # the file's name
        ("plots/fit.csv", ["original/plots/fit.csv"]),  # its path below the data set's folder
        ("original/notes.txt", ["original/notes.txt"]),  # its path in openBIS
        ("*.csv", ["original/data.csv", "original/plots/fit.csv"]),
        (["notes.txt", "*.tsv", "notes.txt"], ["original/notes.txt", "meta/info.tsv"]),
    ],
)
def test_files_select_by_name_path_or_pattern(wanted, chosen):
    assert select_files(ENTRIES, wanted) == chosen


def test_a_name_matching_nothing_lists_the_files():
    with pytest.raises(FileNotFoundError, match=r"'x.csv'.*data.csv, plots/fit.csv"):
        select_files(ENTRIES, ["data.csv", "x.csv"])
    with pytest.raises(ValueError):
        select_files(ENTRIES, [])


class FakeOpenbis:
    def __init__(self, connection: str) -> None:
        self.connection = connection
        self.token: str | None = "t"

    def get_datasets(self) -> str:
        return f"datasets of {self.connection}"

    def logout(self) -> None:
        self.token = None


def test_the_shared_object_connects_on_first_use_and_stays(monkeypatch):
    made: list[str | None] = []
    instances: dict[str | None, FakeOpenbis] = {}

    def connect(connection=None):
        made.append(connection)
        return instances.setdefault(connection, FakeOpenbis(connection or "lab"))

    monkeypatch.setattr(session, "connect", connect)
    shared = session.SharedOpenbis()
    assert "connects on first use" in repr(shared) and made == []
    assert "get_datasets" in dir(shared) and made == []  # completion asks nobody
    with pytest.raises(AttributeError):
        shared._repr_html_  # noqa: B018  (IPython's probes never log in)
    assert made == []
    assert shared.get_datasets() == "datasets of lab"
    assert shared.get_datasets() == "datasets of lab"
    assert made == [None]  # once
    assert shared("other").connection == "other" and made == [None, "other"]
    assert shared.get_datasets() == "datasets of lab"  # a named connection is not the default
    shared.logout()
    assert shared.get_datasets() == "datasets of lab"
    assert made == [None, "other", None]  # logged out here: asks the server again
