"""Shared fixtures: openBIS sandboxes (real subprocesses) and an isolated HOME.

pybis reads and writes ``~/.pybis/<host>.token``, so every test gets its own HOME.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from openbis_sandbox.testing import RunningSandbox, start_sandbox


@pytest.fixture(autouse=True)
def isolated_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    return home


@pytest.fixture(scope="session")
def _demo_sandboxes(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Callable[..., RunningSandbox]]:
    """Demo-seeded sandboxes, one per test folder and API version, started on first use.

    Each folder (sandbox, companion, cli) gets its own, so one suite's writes never
    change the demo data another suite asserts on. A module whose writes are visible to
    whole-instance searches (new types, persons, moves, deletions) sets ``OWN_SANDBOX = True``
    and gets sandboxes of its own.
    """
    running: dict[tuple[str, str], RunningSandbox] = {}

    def get(folder: str, api_version: str) -> RunningSandbox:
        key = (folder, api_version)
        if key not in running:
            data_dir = tmp_path_factory.mktemp(f"sandbox-{folder}-{api_version}")
            running[key] = start_sandbox(data_dir, seed="demo", api_version=api_version)
        return running[key]

    yield get
    for instance in running.values():
        instance.stop()


def _sharing_key(request: pytest.FixtureRequest) -> str:
    if getattr(request.module, "OWN_SANDBOX", False):
        return f"{request.path.parent.name}-{request.path.stem}"
    return request.path.parent.name


@pytest.fixture(scope="module")
def sandbox(request: pytest.FixtureRequest, _demo_sandboxes) -> RunningSandbox:
    """A demo-seeded sandbox at API 3.7, shared by the tests of one folder. Tests that
    write to it create uniquely named objects so they do not disturb each other."""
    return _demo_sandboxes(_sharing_key(request), "3.7")


@pytest.fixture(scope="module")
def sandbox_36(request: pytest.FixtureRequest, _demo_sandboxes) -> RunningSandbox:
    """A demo-seeded sandbox at API 3.6, shared by the tests of one folder."""
    return _demo_sandboxes(_sharing_key(request), "3.6")


@pytest.fixture
def sandbox_factory(tmp_path: Path) -> Iterator[Callable[..., RunningSandbox]]:
    """Start sandboxes with custom options; all are stopped after the test.

    ``sandbox_factory(seed="empty", api_version="3.6", users=[("bob", "pw")])``
    """
    started: list[RunningSandbox] = []

    def factory(**options) -> RunningSandbox:
        data_dir = options.pop("data_dir", None) or tmp_path / f"sandbox{len(started)}"
        running = start_sandbox(data_dir, **options)
        started.append(running)
        return running

    yield factory
    for running in started:
        running.stop()


@pytest.fixture(params=["3.6", "3.7"])
def api_sandbox(request: pytest.FixtureRequest) -> RunningSandbox:
    """The shared demo sandbox at each API version (parametrises the test)."""
    return request.getfixturevalue("sandbox_36" if request.param == "3.6" else "sandbox")
