"""The prompts, driven through a pseudo-terminal with the CLI as a real subprocess."""

from __future__ import annotations

import stat

from jupyterlab_openbis_bridge.cli.common import ExitCode
from jupyterlab_openbis_bridge.profiles import load_profile_file


def test_add_asks_for_what_is_missing(terminal, profile_file, sandbox):
    term = terminal("add", "--ca-bundle", str(sandbox.ca_cert))
    term.expect("Profile name: ")
    term.send("lab")
    term.expect("openBIS URL (https://...): ")
    term.send(sandbox.url)
    term.expect("openBIS user name (empty: ask at login): ")
    term.send("alice")
    term.expect("added 'lab'")
    assert term.finish() == ExitCode.OK, term.transcript
    [profile] = load_profile_file(profile_file).profiles
    assert (profile.name, profile.url, profile.username) == ("lab", sandbox.url, "alice")
    assert stat.S_IMODE(profile_file.stat().st_mode) == 0o600


def test_remove_asks_before_deleting(cli, terminal, profile_file):
    assert cli("add", "keep", "https://keep.example.org").code == ExitCode.OK

    declined = terminal("remove", "keep")
    declined.expect(f"Remove profile 'keep' from {profile_file}? [y/N]: ")
    declined.send("n")
    declined.expect("nothing removed")
    assert declined.finish() == ExitCode.ERROR
    assert [p.name for p in load_profile_file(profile_file).profiles] == ["keep"]

    accepted = terminal("remove", "keep")
    accepted.expect("[y/N]: ")
    accepted.send("y")
    accepted.expect("removed 'keep'")
    assert accepted.finish() == ExitCode.OK
    assert load_profile_file(profile_file).profiles == ()


def test_remove_yes_skips_the_question(cli, terminal, profile_file):
    assert cli("add", "gone", "https://gone.example.org").code == ExitCode.OK
    term = terminal("remove", "gone", "--yes")
    term.expect("removed 'gone'")
    assert term.finish() == ExitCode.OK
    assert "[y/N]" not in term.transcript


def test_test_asks_for_the_password_without_echo(
    cli, terminal, sandbox, config_dir, files_containing
):
    assert cli("add", "sb", sandbox.url, "--ca-bundle", str(sandbox.ca_cert)).code == ExitCode.OK
    term = terminal("test", "sb")
    term.expect("openBIS user name: ")
    term.send(sandbox.admin_user)
    term.expect(f"Password for {sandbox.admin_user} at {sandbox.url}: ")
    term.send(sandbox.admin_password)
    term.expect("logged in as admin (password; session closed)")
    assert term.finish() == ExitCode.OK, term.transcript
    assert sandbox.admin_password not in term.transcript  # getpass turned echo off
    assert files_containing(config_dir, sandbox.admin_password) == []


def test_wrong_password_in_the_terminal(cli, terminal, sandbox):
    assert (
        cli("add", "sb", sandbox.url, "--user", "admin", "--ca-bundle", str(sandbox.ca_cert)).code
        == 0
    )
    term = terminal("test", "sb")
    term.expect("Password for admin")
    term.send("wrong-password")
    term.expect("rejected the username or password")
    assert term.finish() == ExitCode.AUTH_FAILED
