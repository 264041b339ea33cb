"""The public import paths and entry points: what users, Jupyter and packaging rely on.

The modules behind them may move (``server/``, ``kernel/``, ``cli/``); these names may not.
Each test fails when its path breaks, whatever the code behind it.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import inspect
import json
import subprocess
import sys
from pathlib import Path

import pytest

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    tomllib = pytest.importorskip("tomli")

import jupyterlab_openbis_bridge

ROOT = Path(__file__).resolve().parent.parent
PACKAGE_DIR = Path(jupyterlab_openbis_bridge.__file__).resolve().parent
CONSOLE_SCRIPT = "jupyter-openbis"
CONSOLE_TARGET = "jupyterlab_openbis_bridge.cli:main"
EXTENSION = "jupyterlab_openbis_bridge"


def _run_python(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *(["-c", code] if code else []), *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


# --- the kernel API ---------------------------------------------------------------------------


def test_kernel_api_imports_from_the_package():
    from jupyterlab_openbis_bridge import download, load, openbis

    for function in (load, download):
        assert inspect.isfunction(function), function
        assert function.__module__.startswith(f"{EXTENSION}.kernel."), function.__module__
    # `openbis` is a ready object (`openbis.get_datasets()`) that is also called: `openbis("lab")`.
    assert callable(openbis) and not inspect.isfunction(openbis)
    assert type(openbis).__module__.startswith(f"{EXTENSION}.kernel."), type(openbis).__module__
    assert "connection" in inspect.signature(openbis).parameters
    assert "files" in inspect.signature(load).parameters
    with pytest.raises(AttributeError):
        jupyterlab_openbis_bridge.no_such_name  # noqa: B018  (the lazy lookup refuses others)


@pytest.mark.parametrize(
    "imports",
    [
        "import jupyterlab_openbis_bridge",
        "from jupyterlab_openbis_bridge import openbis, load, download",
        "import jupyterlab_openbis_bridge.kernel",
        "from jupyterlab_openbis_bridge.kernel import client, data, session",
    ],
)
def test_kernel_side_imports_stay_light(imports):
    """A kernel importing us must not start loading the server stack."""
    code = (
        "import sys\n"
        f"{imports}\n"
        "heavy = sorted(m for m in ('jupyter_server', 'tornado') if m in sys.modules)\n"
        "print(','.join(heavy))\n"
    )
    done = _run_python(code)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "", f"{imports!r} imported {done.stdout.strip()}"


def test_the_light_import_check_sees_the_server_stack():
    """Guards the guard: importing the server extension is seen as heavy."""
    done = _run_python(
        "import sys, jupyterlab_openbis_bridge as b\n"
        "b._jupyter_server_extension_points()\n"
        "print('tornado' in sys.modules and 'jupyter_server' in sys.modules)\n"
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "True"


def test_widgets_import_from_their_public_path():
    import ipywidgets

    from jupyterlab_openbis_bridge.widgets import (
        DataSetPicker,
        DownloadWidget,
        SaveNotebookWidget,
    )

    for widget in (DataSetPicker, DownloadWidget, SaveNotebookWidget):
        assert inspect.isclass(widget) and issubclass(widget, ipywidgets.Widget), widget


# --- the `jupyter openbis` console script -----------------------------------------------------


def test_console_script_is_declared_and_resolves():
    scripts = _pyproject()["project"]["scripts"]
    assert scripts[CONSOLE_SCRIPT] == CONSOLE_TARGET
    module, _, attribute = CONSOLE_TARGET.partition(":")
    main = getattr(importlib.import_module(module), attribute)
    assert callable(main)
    installed = importlib.metadata.entry_points(group="console_scripts", name=CONSOLE_SCRIPT)
    assert [entry.value for entry in installed] == [CONSOLE_TARGET]
    assert next(iter(installed)).load() is main


def test_console_script_runs():
    script = Path(sys.executable).parent / CONSOLE_SCRIPT
    if not script.exists():  # pragma: no cover - an installation without scripts on disk
        pytest.skip(f"{CONSOLE_SCRIPT} is not installed next to {sys.executable}")
    done = subprocess.run(
        [str(script), "--help"], capture_output=True, text=True, timeout=120, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("usage: jupyter openbis")
    for command in ("add", "list", "remove", "test", "import-legacy"):
        assert command in done.stdout


def test_cli_runs_as_a_module():
    done = _run_python("", "-m", "jupyterlab_openbis_bridge.cli", "list", "--help")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("usage: jupyter openbis list")


# --- the server extension ---------------------------------------------------------------------


def test_server_extension_points_name_the_app():
    from jupyter_server.extension.application import ExtensionApp

    from jupyterlab_openbis_bridge.server.app import OpenBISBridge

    points = jupyterlab_openbis_bridge._jupyter_server_extension_points()
    assert points == [{"module": EXTENSION, "app": OpenBISBridge}]
    assert issubclass(OpenBISBridge, ExtensionApp)
    assert OpenBISBridge.name == EXTENSION


def test_server_config_enables_the_extension():
    from jupyter_server.extension.manager import ExtensionPackage

    config = json.loads(
        (ROOT / "jupyter-config" / "server-config" / f"{EXTENSION}.json").read_text()
    )
    enabled = [name for name, on in config["ServerApp"]["jpserver_extensions"].items() if on]
    assert enabled == [EXTENSION]
    # What `jupyter server extension list` does with that name: import it, load its points.
    package = ExtensionPackage(name=enabled[0], enabled=True)
    assert package.validate()
    assert list(package.extension_points) == [EXTENSION]
    # The wheel installs that file where jupyter_server reads its config.
    shared = _pyproject()["tool"]["hatch"]["build"]["targets"]["wheel"]["shared-data"]
    assert shared["jupyter-config/server-config"] == "etc/jupyter/jupyter_server_config.d"


def test_labextension_path_matches_the_wheel():
    paths = jupyterlab_openbis_bridge._jupyter_labextension_paths()
    assert paths == [{"src": "labextension", "dest": "jupyterlab-openbis-bridge"}]
    shared = _pyproject()["tool"]["hatch"]["build"]["targets"]["wheel"]["shared-data"]
    built_here = (PACKAGE_DIR / paths[0]["src"]).relative_to(ROOT).as_posix()
    assert shared[built_here] == f"share/jupyter/labextensions/{paths[0]['dest']}"


def test_wheel_packages_every_module():
    """The wheel ships the package folders whole, subpackages included."""
    packages = _pyproject()["tool"]["hatch"]["build"]["targets"]["wheel"]["packages"]
    assert PACKAGE_DIR.relative_to(ROOT).as_posix() in packages
    for sub in ("server", "kernel", "kernel/widgets", "cli"):
        assert (PACKAGE_DIR / sub / "__init__.py").is_file(), sub


# --- the sandbox, for other projects' tests ---------------------------------------------------


def test_sandbox_testing_helpers_import():
    from openbis_sandbox.testing import start_sandbox

    assert callable(start_sandbox)
    assert "data_dir" in inspect.signature(start_sandbox).parameters
