"""``add``, ``list`` and ``remove`` without a terminal, plus where the profile file lives."""

from __future__ import annotations

import json
import stat
from pathlib import Path

from jupyterlab_openbis_bridge.cli.common import ExitCode
from jupyterlab_openbis_bridge.profiles import load_profile_file


def test_add_writes_the_server_file_with_mode_0600(cli, profile_file, sandbox):
    result = cli(
        "add", "sb", sandbox.url + "/", "--user", "admin", "--ca-bundle", str(sandbox.ca_cert)
    )
    assert result.code == ExitCode.OK, result.err
    assert stat.S_IMODE(profile_file.stat().st_mode) == 0o600
    content = load_profile_file(profile_file)
    assert content.issues == ()
    [profile] = content.profiles
    assert (profile.name, profile.url, profile.username) == ("sb", sandbox.url, "admin")
    assert profile.ca_bundle == str(sandbox.ca_cert) and profile.verify_certificates


def test_add_resolves_a_relative_ca_bundle(cli, profile_file, sandbox, monkeypatch):
    monkeypatch.chdir(sandbox.ca_cert.parent)
    assert cli("add", "rel", sandbox.url, "--ca-bundle", sandbox.ca_cert.name).code == ExitCode.OK
    [profile] = load_profile_file(profile_file).profiles
    assert profile.ca_bundle == str(sandbox.ca_cert)


def test_add_refuses_bad_values(cli, profile_file, tmp_path):
    not_pem = tmp_path / "not.pem"
    not_pem.write_text("hello")
    cases = [
        (("add", "x", "http://openbis.example.org"), "must use https"),
        (("add", "x", "https://user:pw@openbis.example.org"), "credentials"),
        (("add", "bad name", "https://openbis.example.org"), "invalid name"),
        (
            (
                "add",
                "x",
                "https://openbis.example.org",
                "--ca-bundle",
                str(tmp_path / "missing.pem"),
            ),
            "not a file",
        ),
        (("add", "x", "https://openbis.example.org", "--ca-bundle", str(not_pem)), "no PEM"),
    ]
    for argv, message in cases:
        result = cli(*argv)
        assert result.code == ExitCode.INVALID_VALUE, argv
        assert message in result.err
    assert not profile_file.exists()


def test_add_without_a_terminal_names_what_is_missing(cli, profile_file):
    result = cli("add", "only-a-name")
    assert result.code == ExitCode.USAGE
    assert "missing URL" in result.err and "not a terminal" in result.err
    assert "missing NAME and URL" in cli("add").err
    assert not profile_file.exists()


def test_ca_bundle_and_no_verify_exclude_each_other(cli, sandbox):
    try:
        code = cli("add", "x", sandbox.url, "--no-verify", "--ca-bundle", str(sandbox.ca_cert)).code
    except SystemExit as exc:  # argparse's own usage error
        code = exc.code
    assert code == ExitCode.USAGE


def test_add_twice_needs_replace(cli, profile_file):
    assert cli("add", "a", "https://one.example.org").code == ExitCode.OK
    taken = cli("add", "a", "https://two.example.org")
    assert taken.code == ExitCode.PROFILE_CONFLICT and "--replace" in taken.err
    assert (
        cli("add", "a", "https://two.example.org", "--no-verify", "--replace").code == ExitCode.OK
    )
    [profile] = load_profile_file(profile_file).profiles
    assert profile.url == "https://two.example.org" and not profile.verify_certificates


def test_add_keeps_other_profiles_and_never_drops_unreadable_entries(cli, profile_file):
    profile_file.parent.mkdir(parents=True)
    profile_file.write_text(
        json.dumps(
            {
                "version": 1,
                "connections": [
                    {"name": "keep", "url": "https://keep.example.org"},
                    {"name": "broken", "url": "ftp://nope"},
                ],
            }
        )
    )
    refused = cli("add", "new", "https://new.example.org")
    assert refused.code == ExitCode.ERROR and "--force" in refused.err
    assert "broken" in profile_file.read_text()
    assert cli("add", "new", "https://new.example.org", "--force").code == ExitCode.OK
    profiles = load_profile_file(profile_file).profiles
    assert [p.name for p in profiles] == ["keep", "new"]


def test_list_shows_every_source(cli, config_dir, profile_file, monkeypatch):
    assert cli("add", "mine", "https://mine.example.org", "--user", "alice").code == ExitCode.OK
    (config_dir / "jupyter_server_config.json").write_text(
        json.dumps(
            {
                "OpenBISBridge": {
                    "connections": [
                        {
                            "name": "site",
                            "url": "https://site.example.org",
                            "verifyCertificates": False,
                        }
                    ]
                }
            }
        )
    )
    (config_dir / "openbis-connections.yaml").write_text(
        "connections:\n  - name: mine\n    url: https://old.example.org\n"
    )
    monkeypatch.setenv("OPENBIS_URL", "https://hub.example.org")
    monkeypatch.setenv("OPENBIS_TOKEN", "alice-260101120000000x0123456789abcdef0123")

    table = cli("list")
    assert table.code == ExitCode.OK
    lines = table.out.splitlines()
    assert lines[0].split() == ["NAME", "URL", "USER", "TLS", "SOURCE"]
    assert any(
        line.startswith("site ") and "NOT VERIFIED" in line and "c.OpenBISBridge" in line
        for line in lines
    )
    assert any("mine " in line and "alice" in line and str(profile_file) in line for line in lines)
    assert any("hub.example.org" in line and "environment" in line for line in lines)
    assert any("duplicate" in line and "old.example.org" in line for line in lines)

    listed = json.loads(cli("list", "--json").out)
    assert listed["file"] == str(profile_file)
    by_source = {(c["name"], c["origin"]): c for c in listed["connections"]}
    assert by_source[("mine", "user")]["username"] == "alice"
    assert by_source[("mine", "user")]["editable"] is True
    assert by_source[("mine", "legacy")]["shadowed"] is True
    assert by_source[("site", "config")]["verifyCertificates"] is False
    assert by_source[("hub.example.org", "env")]["source"].startswith("environment")
    assert "alice-2601" not in cli("list", "--json").out


def test_configured_connections_file_is_honoured(cli, config_dir, tmp_path):
    elsewhere = tmp_path / "site" / "profiles.json"
    config_dir.mkdir()
    (config_dir / "jupyter_server_config.py").write_text(
        f"c.OpenBISBridge.connections_file = {str(elsewhere)!r}\n"
    )
    assert cli("add", "x", "https://x.example.org").code == ExitCode.OK
    assert elsewhere.is_file() and not (config_dir / "openbis-bridge-connections.json").exists()
    assert json.loads(cli("list", "--json").out)["file"] == str(elsewhere)


def test_config_dir_option_wins_over_the_environment(cli, config_dir, tmp_path):
    other = tmp_path / "other-config"
    assert cli("add", "x", "https://x.example.org", "--config-dir", str(other)).code == ExitCode.OK
    assert (other / "openbis-bridge-connections.json").is_file()
    assert not config_dir.exists()


def test_remove_without_a_terminal(cli, profile_file):
    cli("add", "a", "https://a.example.org")
    cli("add", "b", "https://b.example.org")
    result = cli("remove", "a")
    assert result.code == ExitCode.OK, result.err
    assert [p.name for p in load_profile_file(profile_file).profiles] == ["b"]
    assert stat.S_IMODE(profile_file.stat().st_mode) == 0o600
    missing = cli("remove", "a")
    assert missing.code == ExitCode.PROFILE_CONFLICT and "no profile named 'a'" in missing.err


def test_remove_refuses_read_only_profiles(cli, config_dir):
    config_dir.mkdir()
    (config_dir / "openbis-connections.yaml").write_text(
        "connections:\n  - name: old\n    url: https://old.example.org\n"
    )
    result = cli("remove", "old")
    assert result.code == ExitCode.PROFILE_CONFLICT
    assert "read-only" in result.err and "openbis-connections.yaml" in result.err
    assert (config_dir / "openbis-connections.yaml").is_file()


def test_the_jupyter_subcommand_is_installed(config_dir):
    import subprocess
    import sys

    jupyter = Path(sys.executable).with_name("jupyter")  # the venv may not be on PATH
    result = subprocess.run(
        [str(jupyter), "openbis", "--help"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    for text in (
        "add",
        "list",
        "remove",
        "test",
        "import-legacy",
        "exit codes:",
        "7    openBIS rejected",
    ):
        assert text in result.stdout


def test_help_of_each_command_documents_exit_codes(capsys):
    import pytest

    from jupyterlab_openbis_bridge.cli import main

    for command in ("add", "list", "remove", "test", "import-legacy"):
        with pytest.raises(SystemExit) as exited:
            main([command, "--help"])
        assert exited.value.code == 0
        assert "6    TLS certificate could not be verified" in capsys.readouterr().out
