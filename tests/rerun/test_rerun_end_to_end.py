"""``jupyter openbis rerun`` end to end: a notebook that reads a parent data set is saved
through the bridge's real server (provenance recorded by the server, environment uploaded
with the save), then re-run from openBIS with the real pybis against this folder's sandbox.

Environment builds stay fast and offline: the saved ``requirements.txt`` pins only pandas at
the installed version, ``--reuse-site-packages`` lets the new venv see this Python's packages
(pip finds pandas and ipykernel there and installs nothing), and ``PIP_NO_INDEX=1`` keeps pip
off the network, so an uninstallable requirement fails at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

import nbformat
import pytest

from openbis_sandbox.testing import pybis_client
from tests.kernel.conftest import start_kernel

from .conftest import wait_for_job

EXPERIMENT = "/LAB/PROJ1/EXP1"
NOTEBOOK = "work/demo.ipynb"
VALUES = "x,y\n1,2.5\n2,3.5\n"
FAST = ("--reuse-site-packages", "--installer", "pip")


@dataclass
class Demo:
    parent: str  # the input data set
    notebook: str  # the saved ANALYSIS_NOTEBOOK data set
    stored_input: Path  # the sandbox's stored copy of the input file


def _parent_dataset(sandbox: Any, folder: Path) -> str:
    source = folder / "values.csv"
    source.write_text(VALUES)
    client = pybis_client(sandbox)
    dataset = client.new_dataset(
        type="RAW_DATA", experiment=EXPERIMENT, files=[str(source)], props={"$name": "input"}
    )
    dataset.save()
    return str(dataset.permId)


def _run_demo_cells(server: Any, parent: str) -> None:
    """Download the input from kernel code (recorded by the server), then analyse it."""
    kernel = start_kernel(server, NOTEBOOK)
    try:
        # Not the default data/<permId>/: the re-run must follow the recorded place.
        kernel.run(
            "from jupyterlab_openbis_bridge import download\n"
            f"download({parent!r}, destination='inputs')"
        )
        kernel.cells.clear()  # as if downloaded from the dialog: the notebook has no such cell
        kernel.run(
            "import pandas as pd\n"
            f"df = pd.read_csv('inputs/{parent}/values.csv')\n"
            "print('sum of y:', df.y.sum())"
        )
        kernel.run("df.describe()")
        kernel.run("import datetime\nprint('run at', datetime.datetime.now(), object())")
        kernel.run("import random\nprint(random.random())")
        kernel.cells[-1].metadata["tags"] = ["openbis:volatile"]
        kernel.save_notebook()
    finally:
        kernel.client.stop_channels()


def save_notebook(server: Any, parents: list[str], environment: dict[str, str]) -> str:
    reply = server.api(
        "POST",
        "openbis-bridge/connections/sandbox/datasets",
        json={
            "notebookPath": NOTEBOOK,
            "experiment": EXPERIMENT,
            "parents": parents,
            "properties": {"$NAME": "re-run demo"},
            "environment": environment,
        },
    )
    assert reply.status_code == 202, reply.text
    job = wait_for_job(server, reply.json()["id"])
    assert job["state"] == "succeeded", job
    return job["result"]["permId"]


@pytest.fixture(scope="module")
def demo(jupyter_server, tmp_path_factory: pytest.TempPathFactory) -> Demo:
    jupyter_server.login()
    parent = _parent_dataset(jupyter_server.sandbox, tmp_path_factory.mktemp("input"))
    _run_demo_cells(jupyter_server, parent)
    saved = nbformat.read(jupyter_server.root / NOTEBOOK, as_version=4)
    (record,) = saved.metadata["openbis"]["downloads"]
    assert (record["path"], record["pathBase"]) == (f"inputs/{parent}", "notebook")
    environment = {"requirements": f"pandas=={version('pandas')}\n", "runtime": "python-3.11"}
    perm = save_notebook(jupyter_server, [parent], environment)
    stored = jupyter_server.sandbox.data_dir / "store" / parent / "original" / "values.csv"
    assert stored.read_text() == VALUES
    return Demo(parent, perm, stored)


def test_a_saved_notebook_reruns_with_identical_outputs(demo, run_cli, tmp_path):
    work = tmp_path / "run"
    result = run_cli(
        "rerun", demo.notebook, "--connection", "sandbox", "--workdir", str(work), *FAST
    )
    assert result.code == 0, result.out + result.err
    assert "same results: 4 code cells, 3 identical, 1 skipped" in result.out
    assert (work / "inputs" / demo.parent / "values.csv").read_text() == VALUES
    rerun = nbformat.read(work / "demo.rerun.ipynb", as_version=4)
    assert "sum of y: 6.0" in rerun.cells[0].outputs[0].text
    assert not (work / ".openbis-rerun").exists()  # no --keep
    for phase in ("fetch:", "environment:", "execute:"):
        assert phase in result.err  # progress, one line per phase when not on a terminal


def test_a_changed_input_is_reported_with_the_cell_that_differs(demo, run_cli, tmp_path):
    demo.stored_input.write_text(VALUES.replace("3.5", "4.5"))
    try:
        result = run_cli(
            "rerun", demo.notebook, "--connection", "sandbox", "--workdir", str(tmp_path), *FAST
        )
    finally:
        demo.stored_input.write_text(VALUES)
    assert result.code == 1, result.out + result.err
    assert "≠ cell 1" in result.out and "different: import pandas as pd" in result.out
    assert "-sum of y: 6.0" in result.out and "+sum of y: 7.0" in result.out
    assert "≠ cell 2" in result.out  # df.describe() changed too
    assert "= cell 3" in result.out  # the timestamp and the address are normalised
    assert "results differ" in result.out


def test_a_requirement_that_cannot_be_installed_cannot_run(demo, jupyter_server, run_cli, tmp_path):
    environment = {"requirements": "no-such-package-for-rerun==0.0.1\n", "runtime": "python-3.11"}
    broken = save_notebook(jupyter_server, [demo.parent], environment)
    result = run_cli("rerun", broken, "--connection", "sandbox", "--workdir", str(tmp_path), *FAST)
    assert result.code == 2, result.out + result.err
    assert "could not re-run (environment): pip could not install requirements.txt" in result.err
    # pip's own message, as pip printed it
    assert "No matching distribution found for no-such-package-for-rerun==0.0.1" in result.err


def test_save_registers_the_rerun_with_the_original_and_its_inputs_as_parents(
    demo, jupyter_server, run_cli, tmp_path
):
    result = run_cli(
        "rerun",
        demo.notebook,
        "--connection",
        "sandbox",
        "--workdir",
        str(tmp_path),
        "--save",
        "--keep",
        *FAST,
    )
    assert result.code == 0, result.out + result.err
    (line,) = [x for x in result.out.splitlines() if x.startswith("saved as ")]
    saved = pybis_client(jupyter_server.sandbox).get_dataset(line.removeprefix("saved as "))
    assert sorted(saved.parents) == sorted([demo.notebook, demo.parent])
    assert saved.type.code == "ANALYSIS_NOTEBOOK"
    assert [Path(f).name for f in saved.file_list] == ["demo.rerun.ipynb"]
    assert (tmp_path / ".openbis-rerun" / "venv").is_dir()  # --keep


def test_the_server_reruns_as_a_job_into_the_jupyter_root(demo, jupyter_server):
    route = "openbis-bridge/connections/sandbox/rerun"
    refused = jupyter_server.api("POST", route, json={"permId": "../etc"})
    assert refused.status_code == 400 and "permId" in refused.json()["fields"]
    refused = jupyter_server.api("POST", route, json={"permId": demo.notebook, "installer": "x"})
    assert refused.status_code == 400 and "installer" in refused.json()["fields"]
    reply = jupyter_server.api(
        "POST",
        route,
        json={"permId": demo.notebook, "reuseSitePackages": True, "installer": "pip"},
    )
    assert reply.status_code == 202, reply.text
    job = wait_for_job(jupyter_server, reply.json()["id"])
    assert job["state"] == "succeeded", job
    report = job["result"]
    assert report["exitCode"] == 0 and report["summary"].startswith("same results")
    folder = report["folder"]
    assert folder.startswith(f"openbis/{demo.notebook}/rerun-")
    assert report["notebook"] == f"{folder}/demo.rerun.ipynb"
    assert (jupyter_server.root / folder / "inputs" / demo.parent / "values.csv").is_file()
    assert not (jupyter_server.root / folder / ".openbis-rerun").exists()
