"""Unit tests of single modules: profiles, paths, property coercion, redaction, jobs, executor."""

from __future__ import annotations

import asyncio
import json
import os
import stat
import threading
from pathlib import PurePosixPath

import pytest

from jupyterlab_openbis_bridge.errors import Forbidden, InvalidInput, UpstreamTimeout
from jupyterlab_openbis_bridge.openbis_client import redact
from jupyterlab_openbis_bridge.profiles import (
    Profile,
    ProfileError,
    ProfileFileError,
    load_legacy_files,
    load_profile_file,
    normalise_url,
    profile_from_environment,
    save_profile_file,
)
from jupyterlab_openbis_bridge.server.executor import BlockingRunner
from jupyterlab_openbis_bridge.server.jobs import JobManager
from jupyterlab_openbis_bridge.server.masterdata import DataSetTypeInfo, PropertyInfo, Term
from jupyterlab_openbis_bridge.server.paths import confined, parse_relative
from jupyterlab_openbis_bridge.server.properties import coerce_properties

# --- profiles ------------------------------------------------------------------------------


def test_profile_file_roundtrip_is_private_and_secret_free(tmp_path):
    path = tmp_path / "cfg" / "profiles.json"
    profiles = [
        Profile("a", "https://h:8443", username="u"),
        Profile("env", "https://e", origin="env"),
    ]
    save_profile_file(path, profiles[:1])
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    loaded = load_profile_file(path)
    assert loaded.profiles == (profiles[0],) and loaded.issues == ()
    # only user profiles can be written: saving refuses instead of silently dropping one
    with pytest.raises(ProfileFileError, match="env"):
        save_profile_file(path, profiles)
    assert load_profile_file(path).profiles == (profiles[0],)  # the file is untouched


@pytest.mark.parametrize(
    "profiles",
    [
        [Profile("a", "https://h"), Profile("a", "https://other")],
        [Profile("bad name", "https://h")],
        [Profile("a", "http://h")],
    ],
)
def test_saving_refuses_invalid_or_duplicate_profiles(tmp_path, profiles):
    path = tmp_path / "p.json"
    with pytest.raises(ProfileFileError):
        save_profile_file(path, profiles)
    assert not path.exists()


def test_profile_file_ignores_secrets_and_bad_entries(tmp_path):
    path = tmp_path / "p.json"
    path.write_text(
        json.dumps(
            {
                "connections": [
                    {"name": "ok", "url": "h.example", "password": "pw"},
                    {"name": "bad name", "url": "https://h"},
                    {"name": "ok", "url": "https://other"},
                ]
            }
        )
    )
    loaded = load_profile_file(path)
    assert [(p.name, p.url) for p in loaded.profiles] == [("ok", "https://h.example")]
    assert [(i.entry, i.dropped) for i in loaded.issues] == [(0, False), (1, True), (2, True)]
    assert loaded.damaged  # rewriting would lose entries 1 and 2
    assert not any("pw" in w.split(":")[-1] for w in loaded.warnings)


def test_profile_file_problems_are_structured(tmp_path):
    missing = load_profile_file(tmp_path / "none.json")
    assert missing.profiles == () and missing.signature is None and not missing.damaged
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    [issue] = load_profile_file(broken).issues
    assert issue.entry is None and issue.dropped and "unreadable" in issue.message


@pytest.mark.parametrize(
    "url",
    [
        "http://h",
        "https://u:p@h",
        "https://h/?q=1",
        "https://h#f",
        "ftp://h",
        "https://",
        "https://h:99999",
        " ",
    ],
)
def test_bad_urls_are_refused(url):
    with pytest.raises(ProfileError):
        normalise_url(url)


def test_url_normalisation():
    assert normalise_url("openbis.example.org:8443/") == "https://openbis.example.org:8443"


def test_legacy_yaml_keeps_password_apart(tmp_path):
    path = tmp_path / "openbis-connections.yaml"
    path.write_text(
        "connections:\n  - name: x\n    url: h\n    password: s3cret\n    verify_certificates: false\n"
    )
    [entry], warnings = load_legacy_files([path, tmp_path / "missing.yaml"])
    assert entry.password == "s3cret" and entry.profile.verify_certificates is False
    assert entry.profile.origin == "legacy" and "s3cret" not in repr(entry.profile)
    assert entry.path == path and warnings == []  # callers word the password notice


def test_environment_profile():
    profile, token = profile_from_environment(
        {"OPENBIS_URL": "https://lab.example:443", "OPENBIS_TOKEN": "t"}
    )
    assert (profile.name, profile.origin, token) == ("lab.example", "env", "t")
    assert profile_from_environment({"OPENBIS_URL": "https://x"}) is None


# --- paths -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, error",
    [
        ("/abs", InvalidInput),
        ("..", InvalidInput),
        ("a/../b", InvalidInput),
        ("a\\b", InvalidInput),
        ("a%2fb", InvalidInput),
        ("C:x", InvalidInput),
        ("~", InvalidInput),
        ("a\u202eb", InvalidInput),
        ("a\nb", InvalidInput),
        (".git/config", Forbidden),
        ("a/.b", Forbidden),
        ("", InvalidInput),
        (5, InvalidInput),
    ],
)
def test_lexical_path_checks(raw, error):
    with pytest.raises(error):
        parse_relative(raw, "p", allow_hidden=False)


def test_paths_are_normalised_and_hidden_can_be_allowed():
    assert parse_relative("a//./b/", "p", allow_hidden=False) == PurePosixPath("a/b")
    assert parse_relative(".x/y", "p", allow_hidden=True) == PurePosixPath(".x/y")


def test_symlinks_leaving_the_root_are_refused(tmp_path):
    root, outside = tmp_path / "root", tmp_path / "outside"
    root.mkdir()
    outside.mkdir()
    os.symlink(outside, root / "out")
    os.symlink(root, root / "self")
    with pytest.raises(Forbidden):
        confined(root, "out/file", "p", allow_hidden=False)
    assert confined(root, "self/file", "p", allow_hidden=False) == (
        "self/file",
        (root / "file").resolve(),
    )


# --- properties ----------------------------------------------------------------------------

TYPE = DataSetTypeInfo(
    "T",
    None,
    (
        PropertyInfo("$NAME", "Name", None, "VARCHAR", True, None, 1, False, None),
        PropertyInfo("N", None, None, "INTEGER", False, None, 2, False, None),
        PropertyInfo("R", None, None, "REAL", False, None, 3, False, None),
        PropertyInfo("B", None, None, "BOOLEAN", False, None, 4, False, None),
        PropertyInfo("D", None, None, "DATE", False, None, 5, False, None),
        PropertyInfo("TS", None, None, "TIMESTAMP", False, None, 6, False, None),
        PropertyInfo(
            "V",
            None,
            None,
            "CONTROLLEDVOCABULARY",
            False,
            None,
            7,
            False,
            "VOC",
            (Term("A", None, None, 1, True), Term("B", None, None, 2, True)),
        ),
        PropertyInfo("M", None, None, "INTEGER", False, None, 8, True, None),
    ),
)


def test_values_are_coerced_to_openbis_strings():
    values = {
        "$name": "x",
        "n": "42",
        "R": 2,
        "B": True,
        "D": "2025-01-02",
        "TS": "2025-01-02T03:04:05+02:00",
        "V": "b",
        "M": [1, "2"],
    }
    assert coerce_properties(TYPE, values) == {
        "$NAME": "x",
        "N": "42",
        "R": "2",
        "B": "true",
        "D": "2025-01-02",
        "TS": "2025-01-02 03:04:05 +0200",
        "V": "B",
        "M": ["1", "2"],
    }


def test_every_bad_field_is_reported_at_once():
    with pytest.raises(InvalidInput) as failure:
        coerce_properties(
            TYPE, {"N": 1.5, "R": "nan", "B": "yes", "D": "02/01/2025", "TS": 5, "V": "C", "X": 1}
        )
    assert set(failure.value.fields) == {
        f"properties.{c}" for c in ("N", "R", "B", "D", "TS", "V", "X", "$NAME")
    }
    assert failure.value.fields["properties.$NAME"] == "required"


def test_booleans_are_not_numbers_and_empty_means_unset():
    with pytest.raises(InvalidInput) as failure:
        coerce_properties(TYPE, {"$NAME": "x", "N": True})
    assert list(failure.value.fields) == ["properties.N"]
    assert coerce_properties(TYPE, {"$NAME": "x", "N": "", "R": None}) == {"$NAME": "x"}


# --- redaction -----------------------------------------------------------------------------


def test_tokens_are_redacted_from_messages():
    text = "Session token 'admin-240101120000123x9E432E4241A58D972496ACD02AC95BC9' is invalid; $pat-admin-xyz"
    assert redact(text) == "Session token '<redacted>' is invalid; <redacted>"


# --- executor and jobs ---------------------------------------------------------------------


async def test_runner_deadline_becomes_upstream_timeout():
    runner = BlockingRunner(1, 1)
    release = threading.Event()
    try:
        with pytest.raises(UpstreamTimeout):
            await runner.run(release.wait, deadline=0.05)
    finally:
        release.set()
        runner.shutdown()


async def test_job_cancel_and_completion_events():
    runner = BlockingRunner(1, 1)
    manager = JobManager(runner)
    started, release = threading.Event(), threading.Event()

    def work(job):
        started.set()
        release.wait(5)
        job.check_cancelled()
        return {"ok": True}

    try:
        job = manager.start("download", "c", {}, work)
        await asyncio.to_thread(started.wait, 5)
        manager.cancel(job.id)
        release.set()
        await job.wait(5)
        assert job.state == "cancelled" and job.to_json()["error"]["reason"] == "cancelled"
        done = manager.start("download", "c", {}, lambda job: {"ok": True})
        await done.wait(5)
        assert done.state == "succeeded" and done.result == {"ok": True}
    finally:
        release.set()
        runner.shutdown()


async def test_a_crashing_job_fails_without_leaking_details():
    runner = BlockingRunner(1, 1)
    manager = JobManager(runner)

    def crash(job):
        raise RuntimeError("secret internals")

    try:
        job = manager.start("upload", "c", {}, crash)
        await job.wait(5)
        assert job.state == "failed" and job.error == {
            "message": "internal error",
            "reason": "internal_error",
        }
    finally:
        runner.shutdown()


def test_shadowed_profile_file_entries_survive_a_rewrite(tmp_path):
    from jupyterlab_openbis_bridge.server.connections import ConnectionRegistry

    path = tmp_path / "p.json"
    save_profile_file(path, [Profile("lab", "https://file-host")])
    registry = ConnectionRegistry(request_timeout=1, lock_timeout=1, profile_path=path)
    registry.add(Profile("lab", "https://config-host", origin="config"))
    registry.create({"name": "new", "url": "https://n"})
    assert [(p.name, p.url) for p in load_profile_file(path).profiles] == [
        ("lab", "https://file-host"),  # hidden by the config profile, not lost
        ("new", "https://n"),
    ]
    assert registry.get("lab").profile.url == "https://config-host"
