"""Environment capture in real kernels: the save widget (Python) and the R code (IRkernel).

The R kernel is Debian's ``r-base-core`` + ``r-cran-irkernel`` (``scripts/test.sh`` installs them;
the package registers the ``ir`` kernelspec). It is started by the test's Jupyter server like
any notebook kernel and runs exactly what the frontend sends: ``environment_capture.R`` called
with a prefix and a mode.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from jupyter_client import BlockingKernelClient

from jupyterlab_openbis_bridge import environment_capture
from openbis_sandbox.testing import pybis_client

from .conftest import START_TIMEOUT_S, JupyterServer, Kernel

R_SOURCE = Path(environment_capture.__file__).with_suffix(".R").read_text("utf-8")
RUNTIME_R = re.compile(r"r-(\d+\.\d+\.\d+)-(\d{4}-\d{2}-\d{2})")


def tiny_package(name: str, extra: str = "") -> dict[str, str]:
    """The files of a minimal R package (no repository knows it)."""
    return {
        "DESCRIPTION": (
            f"Package: {name}\nVersion: 0.0.1\nTitle: Capture Test\n"
            "Description: Installed from a folder by the capture tests.\nLicense: MIT\n"
            f"Author: Nobody\nMaintainer: Nobody <nobody@example.org>\n{extra}"
        ),
        "NAMESPACE": "export(hello)\n",
        "R/hello.R": 'hello <- function() "hi"\n',
    }


# tinylocal is attached by the test; it links to tinylink (never loaded); tinyunused is only installed.
TINY_PACKAGES = {
    "tinylink": tiny_package("tinylink"),
    "tinyunused": tiny_package("tinyunused"),
    "tinylocal": tiny_package("tinylocal", "Imports: jsonlite\nLinkingTo: tinylink\n"),
}


def uploaded_text(sandbox, perm_id: str, name: str, folder: Path) -> str:
    ds = pybis_client(sandbox).get_dataset(perm_id)
    assert f"original/default/{name}" in ds.file_list, ds.file_list
    ds.download(
        files=[f"original/default/{name}"], destination=str(folder), wait_until_finished=True
    )
    (found,) = list(folder.rglob(name))
    return found.read_text()


@pytest.mark.parametrize("mode", ["imported", "full"])
def test_save_widget_uploads_the_captured_environment(kernel, jupyter_server, mode, tmp_path):
    out = kernel.run(
        "import requests\n"
        "from jupyterlab_openbis_bridge.widgets import SaveNotebookWidget\n"
        f"w = SaveNotebookWidget(experiment='/LAB/PROJ1/EXP1', capture_mode={mode!r})\n"
        "w.set_property('$NAME', 'saved with its environment')\n"
        "assert w.save(), w.status.value\n"
        "print(w.wait(120)['permId'])"
    )
    perm_id = out.split()[-1]
    sandbox = jupyter_server.sandbox
    requirements = uploaded_text(sandbox, perm_id, "requirements.txt", tmp_path / "r")
    runtime = uploaded_text(sandbox, perm_id, "runtime.txt", tmp_path / "t")
    assert runtime == "python-{}.{}\n".format(*sys.version_info[:2])
    pins = {line.split("==")[0].lower() for line in requirements.splitlines() if "==" in line}
    assert {"requests", "urllib3", "ipykernel", "ipywidgets"} <= pins, requirements
    # ruff is installed beside the kernel but never imported by it.
    assert ("ruff" in pins) == (mode == "full"), requirements


def start_r_kernel(server: JupyterServer, notebook: str) -> Kernel:
    path = server.root.joinpath(*notebook.split("/"))
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nbformat.v4.new_notebook(), path)
    reply = server.api(
        "POST",
        "api/sessions",
        json={"path": notebook, "name": path.name, "type": "notebook", "kernel": {"name": "ir"}},
    )
    # Without an R kernel: apt-get install r-base-core r-cran-irkernel (scripts/test.sh does).
    assert reply.status_code == 201, reply.text
    session = reply.json()
    kernel_id = session["kernel"]["id"]
    client = BlockingKernelClient(connection_file=str(server.runtime / f"kernel-{kernel_id}.json"))
    client.load_connection_file()
    client.start_channels(hb=False)
    client.wait_for_ready(timeout=START_TIMEOUT_S)
    return Kernel(server, kernel_id, session["id"], notebook, client)


@pytest.fixture(scope="module")
def r_kernel(jupyter_server):
    kernel = start_r_kernel(jupyter_server, "work/r-capture.ipynb")
    yield kernel
    kernel.client.stop_channels()
    jupyter_server.api("DELETE", f"api/sessions/{kernel.session_id}")


def r_capture(kernel: Kernel, mode: str) -> dict:
    """What the frontend sends to an R kernel (``rSnippet`` in src/kernel.ts), and its answer."""
    out = kernel.run(f'local((\n{R_SOURCE}\n)("PREFIX", "{mode}"))\n')
    (line,) = [row for row in out.splitlines() if row.startswith("PREFIX ")]
    assert out.strip() == line, out  # nothing else printed, no visible result
    return json.loads(line.removeprefix("PREFIX "))


def r_value(kernel: Kernel, expression: str) -> list[str]:
    return kernel.run(f'cat({expression}, sep = "\\n")').split()


def test_r_full_pins_every_installed_package_but_the_base_ones(r_kernel):
    payload = r_capture(r_kernel, "full")
    installed = r_value(r_kernel, 'rownames(installed.packages(priority = "NA"))') + r_value(
        r_kernel, 'rownames(installed.packages(priority = "recommended"))'
    )
    base = r_value(r_kernel, 'rownames(installed.packages(priority = "base"))')
    assert {"stats", "utils", "methods", "base"} <= set(base)
    assert set(payload["packages"]) == set(installed)
    assert not set(base) & set(payload["packages"])
    assert (
        payload["packages"]["IRkernel"]
        == r_value(r_kernel, 'as.character(packageVersion("IRkernel"))')[0]
    )
    assert payload["local"] == []
    version = r_value(r_kernel, 'paste(R.version$major, R.version$minor, sep = ".")')[0]
    runtime = environment_capture_runtime(payload)
    match = RUNTIME_R.fullmatch(runtime)
    assert match and match.group(1) == version, runtime
    published = r_value(
        r_kernel,
        'max(substr(na.omit(installed.packages(fields = "Date/Publication")[, "Date/Publication"]), 1, 10))',
    )[0]
    assert match.group(2) == published


def environment_capture_runtime(payload: dict) -> str:
    """runtime.txt as ``toEnvironment`` in src/kernel.ts writes it for R."""
    return f"r-{payload['version']}-{payload['date']}"


@pytest.fixture(scope="module")
def tiny_library(tmp_path_factory) -> Path:
    """The TINY_PACKAGES installed from folders into a library of their own."""
    base = tmp_path_factory.mktemp("rlib")
    (base / "lib").mkdir()
    for package, files in TINY_PACKAGES.items():
        for name, text in files.items():
            (base / package / name).parent.mkdir(parents=True, exist_ok=True)
            (base / package / name).write_text(text)
    done = subprocess.run(
        ["R", "CMD", "INSTALL", "--no-test-load", "-l", str(base / "lib")]
        + [str(base / package) for package in TINY_PACKAGES],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return base / "lib"


def test_r_imported_pins_loaded_namespaces_and_their_closure(r_kernel, tiny_library):
    before = r_capture(r_kernel, "imported")
    assert {"IRkernel", "repr", "jsonlite"} <= set(before["packages"])
    assert not {"tinylocal", "tinylink"} & set(before["packages"]) and before["local"] == []
    r_kernel.run(f'.libPaths(c("{tiny_library}", .libPaths())); library(tinylocal)')
    assert r_value(r_kernel, '"tinylink" %in% loadedNamespaces()') == ["FALSE"]
    after = r_capture(r_kernel, "imported")
    # LinkingTo is part of the closure although it is never loaded; tinyunused is not.
    assert after["packages"]["tinylocal"] == after["packages"]["tinylink"] == "0.0.1"
    assert "tinyunused" not in after["packages"]
    assert after["local"] == [
        "tinylink @ a local folder or file",
        "tinylocal @ a local folder or file",
    ]
    assert not {"stats", "utils", "base"} & set(after["packages"])
    full = r_capture(r_kernel, "full")
    assert set(after["packages"]) | {"tinyunused"} <= set(full["packages"])
