"""The folder tree is the architecture: docs/architecture.md in executable form.

Checks every module of ``python_pkg/`` for import circles (``TYPE_CHECKING`` imports included),
imports that break the dependency rules, files over 600 lines and functions over 80 lines.
The TypeScript side has the same checks in ``src/__tests__/architecture.spec.ts``.
"""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

import pytest

from .architecture import (
    MAX_FILE_LINES,
    import_cycles,
    load_modules,
    long_files,
    long_functions,
    rule_violations,
)

ROOT = Path(__file__).resolve().parent.parent / "python_pkg"
EXTENSION = "jupyterlab_openbis_bridge"
SANDBOX = "openbis_sandbox"

# The extension's programs: each may import itself and the shared top level, never another.
PROGRAMS = ("server", "kernel", "cli")
# Public entry points that may reach into the programs: the package itself (server extension
# points, the lazy kernel API) and the `jupyterlab_openbis_bridge.widgets` facade.
ENTRY_POINTS = {EXTENSION, f"{EXTENSION}.widgets"}
# What thin handlers may know of the server: the service facade and the errors it raises.
HANDLER_IMPORTS = {f"{EXTENSION}.server.service", f"{EXTENSION}.errors"}
# Handler modules beside handlers.py also build on its base class and route prefix.
EXTRA_HANDLER_MODULES = {
    f"{EXTENSION}.server.mount_handlers",
    f"{EXTENSION}.server.rerun_handlers",
    f"{EXTENSION}.server.open_handlers",
}

# The sandbox's layers, bottom first. A unit (top-level module or subpackage) imports only units
# of lower layers; units sharing a layer never import each other.
SANDBOX_LAYERS: list[set[str]] = [
    {"errors", "certs"},  # OpenbisError and friends; the self-signed certificate
    {"jackson"},  # how openBIS's Jackson reads requests: single values as lists, @type errors
    {"store"},  # SQLite + files, snapshots, id resolution, property validation
    {"context", "seed"},  # what a request sees; initial content
    {"dto", "criteria", "jsonrpc"},  # answer shapes; search criteria; the JSON-RPC transport
    {"dss", "sftp"},  # DSS methods and servlets; the DSS's read-only SFTP view
    {"as_api", "faults"},  # AS methods (logout drops the DSS workspace); fault injection
    {"app"},  # the tornado route table
    {"cli"},  # the openbis-sandbox command
    {"testing", "__main__"},  # the test harness; python -m openbis_sandbox
]


def extension_role(module: str) -> str | None:
    """``entry``, a program name, ``shared`` or None for a module outside the extension."""
    if module in ENTRY_POINTS or module.startswith(f"{EXTENSION}.widgets."):
        return "entry"
    if not module.startswith(f"{EXTENSION}."):
        return None
    first = module.split(".")[1]
    return first if first in PROGRAMS else "shared"


def programs_stay_apart(importer: str, target: str) -> str | None:
    role, target_role = extension_role(importer), extension_role(target)
    if role is None or target_role is None or role == "entry":
        return None
    if target_role == "entry":
        return "only users import the public entry points"
    if target_role not in (role, "shared"):
        if role == "shared":
            return "the shared top level imports none of server/, kernel/, cli/"
        return f"{role}/ may import the shared top level, never {target_role}/"
    return None


def handlers_are_thin(importer: str, target: str) -> str | None:
    if importer == f"{EXTENSION}.server.handlers" and target not in HANDLER_IMPORTS:
        return "handlers import only the service facade and errors"
    extra_allowed = HANDLER_IMPORTS | {f"{EXTENSION}.server.handlers"}
    if importer in EXTRA_HANDLER_MODULES and target not in extra_allowed:
        return "handler modules import only handlers, the service facade and errors"
    return None


def extension_and_sandbox_apart(importer: str, target: str) -> str | None:
    tops = importer.split(".")[0], target.split(".")[0]
    if set(tops) == {EXTENSION, SANDBOX}:
        return "the extension and the sandbox never import each other"
    return None


def sandbox_unit(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if parts[0] == SANDBOX and len(parts) > 1 else None


def sandbox_layer(unit: str) -> int:
    for level, names in enumerate(SANDBOX_LAYERS):
        if unit in names:
            return level
    raise AssertionError(f"{unit}: place it in SANDBOX_LAYERS and docs/architecture.md")


def sandbox_imports_downwards(importer: str, target: str) -> str | None:
    unit, target_unit = sandbox_unit(importer), sandbox_unit(target)
    if unit is None or target_unit is None or unit == target_unit:
        return None
    if sandbox_layer(target_unit) < sandbox_layer(unit):
        return None
    return "a sandbox unit imports only units of lower layers"


RULES = (
    programs_stay_apart,
    handlers_are_thin,
    extension_and_sandbox_apart,
    sandbox_imports_downwards,
)


@pytest.fixture(scope="module")
def modules():
    return load_modules(ROOT, [EXTENSION, SANDBOX])


def test_the_tree_is_read(modules):
    # Guards the guards: an empty graph would pass every rule below.
    assert f"{EXTENSION}.server.handlers" in modules
    assert f"{EXTENSION}.kernel" in modules
    assert f"{SANDBOX}.store" in modules
    assert len(modules) > 60


def test_no_import_circles(modules):
    assert import_cycles(modules) == []


def test_dependency_rules(modules):
    assert rule_violations(modules, RULES) == []


def test_no_python_file_over_the_limit():
    assert long_files(sorted(ROOT.rglob("*.py"))) == []


def test_no_python_function_over_the_limit(modules):
    assert long_functions(modules) == []


# Shared packages both the server and the command line run: no web server inside.
TORNADO_FREE_PACKAGES = (f"{EXTENSION}.rerun",)
WEB_SERVER_PACKAGES = {"tornado", "jupyter_server"}


def external_imports(module) -> set[str]:
    """Top-level names of every package a module imports (inside functions too)."""
    names = set()
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_shared_engines_are_tornado_free(modules):
    engines = [
        m
        for name, m in modules.items()
        if any(name == p or name.startswith(f"{p}.") for p in TORNADO_FREE_PACKAGES)
    ]
    assert len(engines) > 3  # guards the guard: the package is read
    found = {m.name: sorted(external_imports(m) & WEB_SERVER_PACKAGES) for m in engines}
    assert {name: web for name, web in found.items() if web} == {}


def test_tornado_check_sees_a_late_import(tmp_path):
    _plant(tmp_path, {"pkg/__init__.py": "", "pkg/a.py": "def f():\n    import tornado.web\n"})
    (module,) = [m for n, m in load_modules(tmp_path, ["pkg"]).items() if n == "pkg.a"]
    assert external_imports(module) & WEB_SERVER_PACKAGES == {"tornado"}


# --- the checker itself must catch what it is for -----------------------------------------


def _plant(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))


def test_checker_finds_a_circle_held_only_by_type_checking(tmp_path):
    _plant(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/a.py": "from .b import B\n",
            "pkg/b.py": """
                from typing import TYPE_CHECKING
                if TYPE_CHECKING:
                    from pkg.a import A
                B = 1
            """,
            "pkg/c.py": "from . import a\n",
        },
    )
    assert import_cycles(load_modules(tmp_path, ["pkg"])) == [["pkg.a", "pkg.b"]]


def test_checker_finds_an_import_hidden_in_a_function(tmp_path):
    _plant(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/a.py": "def late():\n    from . import b\n",
            "pkg/b.py": "import pkg.a\n",
        },
    )
    assert import_cycles(load_modules(tmp_path, ["pkg"])) == [["pkg.a", "pkg.b"]]


def test_checker_finds_a_cross_import_between_programs(tmp_path):
    _plant(
        tmp_path,
        {
            f"{EXTENSION}/__init__.py": "from .server import app\n",
            f"{EXTENSION}/errors.py": "",
            f"{EXTENSION}/server/__init__.py": "",
            f"{EXTENSION}/server/app.py": "from ..errors import X\n",
            f"{EXTENSION}/server/handlers.py": "from .app import App\n",
            f"{EXTENSION}/kernel/__init__.py": "",
            f"{EXTENSION}/kernel/data.py": "from ..server.app import App\n",
            f"{EXTENSION}/profiles.py": "import jupyterlab_openbis_bridge.cli.main\n",
            f"{EXTENSION}/cli/__init__.py": "",
            f"{EXTENSION}/cli/main.py": "import openbis_sandbox.testing\n",
            f"{SANDBOX}/__init__.py": "",
            f"{SANDBOX}/testing.py": "",
        },
    )
    found = rule_violations(load_modules(tmp_path, [EXTENSION, SANDBOX]), RULES)
    assert found == [
        f"{EXTENSION}.cli.main -> {SANDBOX}.testing: "
        "the extension and the sandbox never import each other",
        f"{EXTENSION}.kernel.data -> {EXTENSION}.server.app: "
        "kernel/ may import the shared top level, never server/",
        f"{EXTENSION}.profiles -> {EXTENSION}.cli.main: "
        "the shared top level imports none of server/, kernel/, cli/",
        f"{EXTENSION}.server.handlers -> {EXTENSION}.server.app: "
        "handlers import only the service facade and errors",
    ]


def test_checker_finds_an_upward_sandbox_import_and_long_code(tmp_path):
    body = "\n".join(f"    x{i} = {i}" for i in range(80))
    _plant(
        tmp_path,
        {
            f"{SANDBOX}/__init__.py": "",
            f"{SANDBOX}/store/__init__.py": "from ..app import serve\n",
            f"{SANDBOX}/store/db.py": "from ..errors import E\nfrom . import ids\n",
            f"{SANDBOX}/store/ids.py": "",
            f"{SANDBOX}/dto.py": "from .jsonrpc import send\n",
            f"{SANDBOX}/jsonrpc.py": "send = 1\n",
            f"{SANDBOX}/app.py": f"def serve():\n{body}\n",
            f"{SANDBOX}/errors.py": "\n" * (MAX_FILE_LINES + 1),
        },
    )
    modules = load_modules(tmp_path, [SANDBOX])
    assert rule_violations(modules, RULES) == [
        f"{SANDBOX}.dto -> {SANDBOX}.jsonrpc: a sandbox unit imports only units of lower layers",
        f"{SANDBOX}.store -> {SANDBOX}.app: a sandbox unit imports only units of lower layers",
    ]
    assert [line.split(" ", 1)[1] for line in long_functions(modules)] == ["serve: 81 lines"]
    assert len(long_files(sorted(tmp_path.rglob("*.py")))) == 1
