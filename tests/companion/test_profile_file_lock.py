"""Two writers of the shared profile file at the same instant: neither edit is lost."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from jupyterlab_openbis_bridge.cli.common import CliError
from jupyterlab_openbis_bridge.cli.sources import ProfileFile
from jupyterlab_openbis_bridge.profiles import Profile, load_profile_file, save_profile_file
from jupyterlab_openbis_bridge.server import profile_file
from jupyterlab_openbis_bridge.server.connections import ConnectionRegistry

BARRIER_TIMEOUT_S = 2.0  # only reached with the lock, where the second writer cannot arrive


def racing_writes(monkeypatch: pytest.MonkeyPatch, writers: int) -> threading.Barrier:
    """Make every write wait until all writers have read the file and are about to write.

    Without a lock all of them get there holding the same old content, so the last write
    wins. With the lock the second writer cannot read until the first has written: the
    barrier breaks and each write goes ahead alone.
    """
    barrier = threading.Barrier(writers)
    real_save = profile_file.save_profile_file

    def save_when_all_have_read(path: Path, profiles) -> None:
        try:
            barrier.wait(BARRIER_TIMEOUT_S)
        except threading.BrokenBarrierError:
            pass
        real_save(path, profiles)

    monkeypatch.setattr(profile_file, "save_profile_file", save_when_all_have_read)
    return barrier


def run_together(*jobs) -> list[BaseException]:
    errors: list[BaseException] = []

    def guarded(job) -> None:
        try:
            job()
        except BaseException as exc:  # reported to the test below
            errors.append(exc)

    threads = [threading.Thread(target=guarded, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def registry(path: Path) -> ConnectionRegistry:
    return ConnectionRegistry(request_timeout=5, lock_timeout=5, profile_path=path)


def test_two_servers_creating_at_once_keep_both_profiles(tmp_path, monkeypatch):
    path = tmp_path / "config" / "openbis-bridge-connections.json"
    save_profile_file(path, [Profile(name="old", url="https://old.example")])
    first, second = registry(path), registry(path)
    racing_writes(monkeypatch, 2)
    errors = run_together(
        lambda: first.create({"name": "from-first", "url": "https://a.example"}),
        lambda: second.create({"name": "from-second", "url": "https://b.example"}),
    )
    assert errors == []
    names = {p.name for p in load_profile_file(path).profiles}
    assert names == {"old", "from-first", "from-second"}


def test_the_cli_never_writes_over_an_edit_made_since_it_read(tmp_path):
    path = tmp_path / "openbis-bridge-connections.json"
    save_profile_file(path, [Profile(name="old", url="https://old.example")])
    cli_view = ProfileFile.read(path)
    registry(path).create({"name": "from-server", "url": "https://a.example"})
    with pytest.raises(CliError, match="changed by another program"):
        cli_view.save(
            [*cli_view.profiles, Profile(name="cli", url="https://c.example")], force=False
        )
    assert {p.name for p in load_profile_file(path).profiles} == {"old", "from-server"}
