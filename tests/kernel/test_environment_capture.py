"""``environment_capture.py`` run as the frontend runs it: its source alone, in a fresh interpreter.

The interpreter starts without ``site`` (``-S``), so the only distributions it sees are the ones
each test lays out on ``sys.path``: real ``.dist-info`` folders that ``importlib.metadata``
reads, with the modules they provide. This also proves that the source needs nothing but the
standard library (the bridge itself is not importable there).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from jupyterlab_openbis_bridge import environment_capture

SOURCE = Path(environment_capture.__file__).read_text("utf-8")

# Runs like the frontend's snippet: exec() of the source in a namespace of its own.
RUNNER = """
import sys
sys.path.insert(0, {site!r})
{imports}
scope = {{"__name__": "openbis_bridge_environment_capture"}}
exec(compile({source!r}, "<capture>", "exec"), scope)
scope["print_environment"]("PREFIX", {mode!r})
"""


def add_distribution(
    site: Path,
    name: str,
    version: str,
    *,
    requires: tuple[str, ...] = (),
    direct_url: dict | None = None,
) -> None:
    """A distribution as pip leaves it: a module plus its ``.dist-info`` (METADATA, top_level)."""
    module = name.replace("-", "_")
    (site / module).mkdir(parents=True)
    (site / module / "__init__.py").write_text("")
    info = site / f"{module}-{version}.dist-info"
    info.mkdir()
    lines = ["Metadata-Version: 2.1", f"Name: {name}", f"Version: {version}"]
    lines += [f"Requires-Dist: {requirement}" for requirement in requires]
    (info / "METADATA").write_text("\n".join(lines) + "\n")
    (info / "top_level.txt").write_text(module + "\n")
    if direct_url is not None:
        (info / "direct_url.json").write_text(json.dumps(direct_url))


def run_capture(site: Path, mode: str, imports: str = "") -> dict:
    script = RUNNER.format(site=str(site), imports=imports, source=SOURCE, mode=mode)
    done = subprocess.run(
        [sys.executable, "-S", "-c", script], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    (line,) = [row for row in done.stdout.splitlines() if row.startswith("PREFIX ")]
    return json.loads(line.removeprefix("PREFIX "))


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """An editable install that requires a helper (and an extra), plus an unrelated package."""
    folder = tmp_path / "site"
    folder.mkdir()
    add_distribution(
        folder,
        "analysis-tools",
        "0.3",
        requires=("helper-lib>=1", 'plotting-extra ; extra == "plots"'),
        direct_url={"url": "file:///src/analysis-tools", "dir_info": {"editable": True}},
    )
    add_distribution(folder, "helper-lib", "1.4")
    add_distribution(folder, "plotting-extra", "2.0")
    add_distribution(folder, "unrelated", "9.9")
    add_distribution(
        folder,
        "from-git",
        "0.1",
        direct_url={"url": "https://example.org/x.git", "vcs_info": {"vcs": "git"}},
    )
    return folder


def test_imported_pins_the_imported_and_their_requirements(site):
    payload = run_capture(site, "imported", "import analysis_tools")
    assert payload["packages"] == {"analysis-tools": "0.3", "helper-lib": "1.4"}
    assert payload["local"] == ["analysis-tools @ file:///src/analysis-tools"]
    assert payload["version"] == "{}.{}".format(*sys.version_info[:2])
    assert payload["mode"] == "imported"
    text = environment_capture.requirements_text(payload)
    assert text == (
        "helper-lib==1.4\n"
        "# Installed from a local folder or a VCS (not reproducible from an index):\n"
        "# analysis-tools @ file:///src/analysis-tools\n"
    )


def test_full_pins_everything_installed(site):
    payload = run_capture(site, "full")
    assert sorted(payload["packages"]) == [
        "analysis-tools",
        "from-git",
        "helper-lib",
        "plotting-extra",
        "unrelated",
    ]
    assert payload["local"] == [
        "analysis-tools @ file:///src/analysis-tools",
        "from-git @ https://example.org/x.git",
    ]


def test_nothing_imported_pins_nothing(site):
    assert run_capture(site, "imported")["packages"] == {}


@pytest.mark.parametrize(
    ("version", "local"),
    [("1.2.0", []), ("1.3.0.dev0+g1234", ["jupyterlab-openbis-bridge @ file:///src/bridge"])],
)
def test_the_bridge_is_pinned_when_its_version_is_a_release(tmp_path, version, local):
    add_distribution(
        tmp_path,
        "jupyterlab-openbis-bridge",
        version,
        direct_url={"url": "file:///src/bridge", "dir_info": {"editable": True}},
    )
    payload = run_capture(tmp_path, "imported", "import jupyterlab_openbis_bridge")
    assert payload["packages"] == {"jupyterlab-openbis-bridge": version}
    assert payload["local"] == local


def test_modules_imported_at_startup_do_not_count(tmp_path):
    # What .pth files import before any notebook code: setuptools' shim, editable finders.
    add_distribution(tmp_path, "setuptools", "70.0")
    (tmp_path / "_distutils_hack.py").write_text("")
    (tmp_path / "setuptools-70.0.dist-info" / "top_level.txt").write_text("_distutils_hack\n")
    add_distribution(tmp_path, "editable-one", "1.0")
    (tmp_path / "__editable___editable_one_finder.py").write_text("")
    (tmp_path / "editable_one-1.0.dist-info" / "top_level.txt").write_text(
        "__editable___editable_one_finder\n"
    )
    imports = "import _distutils_hack, __editable___editable_one_finder"
    assert run_capture(tmp_path, "imported", imports)["packages"] == {}
    assert sorted(run_capture(tmp_path, "full")["packages"]) == ["editable-one", "setuptools"]


def test_an_unknown_mode_is_refused():
    with pytest.raises(ValueError, match="imported, full"):
        environment_capture.capture("everything")


def test_file_texts_match_the_frontend():
    # The same payload and texts as src/__tests__/capture.spec.ts checks in TypeScript.
    payload = {
        "packages": {"zeta": "1.0", "Alpha": "2.0", "my-local": "0.1"},
        "local": ["my-local @ file:///src/my-local"],
        "version": "3.11",
    }
    assert environment_capture.requirements_text(payload) == (
        "Alpha==2.0\nzeta==1.0\n"
        "# Installed from a local folder or a VCS (not reproducible from an index):\n"
        "# my-local @ file:///src/my-local\n"
    )
    assert environment_capture.runtime_line(payload) == "python-3.11"
