"""``import-legacy``: the predecessor's YAML becomes profiles; its passwords never follow."""

from __future__ import annotations

import stat

from jupyterlab_openbis_bridge.cli.common import ExitCode
from jupyterlab_openbis_bridge.profiles import load_profile_file

OLD_PASSWORD = "Pl41n-text-s3cret"
LEGACY_YAML = f"""\
connections:
  - name: lab
    url: openbis.lab.example.org
    username: alice
    password: {OLD_PASSWORD}
  - name: selfsigned
    url: https://test.example.org:8443
    verify_certificates: false
    username: bob
    password: {OLD_PASSWORD}-2
  - name: plain
    url: http://insecure.example.org
    http_only: true
  - name: taken
    url: https://new-host.example.org
"""


def test_import_drops_passwords_and_reports(
    cli, config_dir, files_containing, profile_file, tmp_path
):
    legacy = tmp_path / "old" / "openbis-connections.yaml"
    legacy.parent.mkdir()
    legacy.write_text(LEGACY_YAML)
    assert cli("add", "taken", "https://kept.example.org").code == ExitCode.OK

    result = cli("import-legacy", str(legacy))

    assert result.code == ExitCode.OK, result.err
    assert "imported 'lab'" in result.out and "imported 'selfsigned'" in result.out
    assert (
        "dropped the password of 'lab'" in result.out
        and "dropped the password of 'selfsigned'" in result.out
    )
    assert "skipped 'taken'" in result.out
    assert "entry 2 skipped (url: must use https)" in result.err  # http-only cannot be imported
    assert "imported 2 profile(s)" in result.out
    assert OLD_PASSWORD not in result.out + result.err
    profiles = {p.name: p for p in load_profile_file(profile_file).profiles}
    assert set(profiles) == {"taken", "lab", "selfsigned"}
    assert (
        profiles["lab"].url == "https://openbis.lab.example.org"
        and profiles["lab"].username == "alice"
    )
    assert profiles["lab"].verify_certificates  # the old default was *off*; ours is on
    assert not profiles["selfsigned"].verify_certificates
    assert profiles["taken"].url == "https://kept.example.org"
    assert stat.S_IMODE(profile_file.stat().st_mode) == 0o600
    assert files_containing(config_dir, OLD_PASSWORD) == []
    assert legacy.read_text() == LEGACY_YAML  # the old file is read, never changed


def test_import_finds_the_file_in_the_config_dir_and_can_replace(
    cli, config_dir, files_containing, profile_file
):
    config_dir.mkdir()
    legacy = config_dir / "openbis-connections.yaml"
    legacy.write_text(LEGACY_YAML)
    assert cli("add", "taken", "https://kept.example.org").code == ExitCode.OK

    result = cli("import-legacy", "--replace")

    assert result.code == ExitCode.OK, result.err
    assert str(legacy) in result.out and "still holds plain-text passwords" in result.out
    profiles = {p.name: p for p in load_profile_file(profile_file).profiles}
    assert profiles["taken"].url == "https://new-host.example.org"
    assert [p for p in files_containing(config_dir, OLD_PASSWORD) if p != legacy] == []


def test_import_without_a_legacy_file(cli, profile_file, tmp_path):
    result = cli("import-legacy", str(tmp_path / "nothing.yaml"))
    assert result.code == ExitCode.PROFILE_CONFLICT and "no legacy" in result.err
    assert cli("import-legacy").code == ExitCode.PROFILE_CONFLICT
    assert not profile_file.exists()
