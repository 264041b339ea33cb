"""Reads the import graph of python packages and checks it against layering rules.

Kept apart from the test module so that the checker itself can be tested on small planted trees:
a rule that never fails proves nothing. Every import counts, including those under
``if TYPE_CHECKING:`` and inside functions: they all say which layer knows which.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

MAX_FILE_LINES = 600
MAX_FUNCTION_LINES = 80


@dataclass
class Module:
    name: str
    path: Path
    tree: ast.Module
    is_package: bool
    imports: set[str] = field(default_factory=set)


def load_modules(root: Path, packages: Iterable[str]) -> dict[str, Module]:
    """Every module of ``packages`` under ``root``, keyed by dotted name, imports resolved."""
    modules: dict[str, Module] = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            is_package = parts[-1] == "__init__"
            if is_package:
                parts.pop()
            name = ".".join(parts)
            modules[name] = Module(name, path, ast.parse(path.read_text()), is_package)
    for module in modules.values():
        # Imports inside functions count: deferring an import hides a circle, it doesn't break it.
        for node in ast.walk(module.tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                module.imports |= set(_resolved_imports(module, node, modules))
    return modules


def _resolved_imports(
    module: Module, node: ast.Import | ast.ImportFrom, modules: dict[str, Module]
) -> Iterator[str]:
    """Project modules named by one import statement of ``module``."""
    if isinstance(node, ast.Import):
        for alias in node.names:
            yield from _known(alias.name, modules)
        return
    base = _absolute_base(module, node)
    for alias in node.names:
        submodule = f"{base}.{alias.name}"
        # `from pkg import name` imports pkg.name when that is a module, else pkg itself.
        yield from _known(submodule if submodule in modules else base, modules)


def _absolute_base(module: Module, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    package = module.name.split(".")
    if not module.is_package:
        package.pop()
    package = package[: len(package) - (node.level - 1)]
    return ".".join(package + ([node.module] if node.module else []))


def _known(name: str, modules: dict[str, Module]) -> Iterator[str]:
    # `import a.b.c` names a.b.c; a name not in the project (stdlib, pybis, ...) is not our business.
    while name and name not in modules:
        name = name.rpartition(".")[0]
    if name:
        yield name


def import_cycles(modules: dict[str, Module]) -> list[list[str]]:
    """Strongly connected groups of more than one module (or a module importing itself)."""
    index: dict[str, int] = {}
    lowlink: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(name: str) -> None:  # Tarjan's algorithm; the graphs here are small
        index[name] = lowlink[name] = len(index)
        stack.append(name)
        on_stack.add(name)
        for target in sorted(modules[name].imports):
            if target not in index:
                visit(target)
                lowlink[name] = min(lowlink[name], lowlink[target])
            elif target in on_stack:
                lowlink[name] = min(lowlink[name], index[target])
        if lowlink[name] == index[name]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == name:
                    break
            if len(group) > 1 or name in modules[name].imports:
                cycles.append(sorted(group))

    for name in sorted(modules):
        if name not in index:
            visit(name)
    return cycles


Rule = Callable[[str, str], "str | None"]


def rule_violations(modules: dict[str, Module], rules: Iterable[Rule]) -> list[str]:
    """``importer -> imported: why`` for every import some rule refuses."""
    found = []
    for module in modules.values():
        for target in sorted(module.imports):
            for rule in rules:
                why = rule(module.name, target)
                if why:
                    found.append(f"{module.name} -> {target}: {why}")
    return found


def long_files(paths: Iterable[Path], limit: int = MAX_FILE_LINES) -> list[str]:
    found = []
    for path in paths:
        count = len(path.read_text().splitlines())
        if count > limit:
            found.append(f"{path}: {count} lines (limit {limit})")
    return found


def long_functions(modules: dict[str, Module], limit: int = MAX_FUNCTION_LINES) -> list[str]:
    found = []
    for module in modules.values():
        for node in ast.walk(module.tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = node.end_lineno - node.lineno + 1
                if length > limit:
                    found.append(f"{module.path}:{node.lineno} {node.name}: {length} lines")
    return found
