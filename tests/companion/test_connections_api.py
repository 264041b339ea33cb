"""Connections: profiles from config/API/env, login methods, live status, expiry, secrecy."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from openbis_sandbox.testing import pybis_client

from .support import CONNECTION, all_text_under

PASSWORD = "changeit"


async def test_status_lists_configured_connection(api):
    reply = await api("GET", "status")
    assert reply.code == 200
    [conn] = reply.body["connections"]
    assert conn["name"] == CONNECTION and conn["status"] == "not_logged_in"
    assert conn["origin"] == "config" and conn["editable"] is False
    assert conn["caBundle"] and conn["verifyCertificates"] is True


async def test_password_login_logout_and_live_status(api, login):
    reply = await login()
    assert reply.code == 200, reply.text
    assert reply.body["status"] == "connected" and reply.body["authMethod"] == "password"
    assert reply.body["hasPassword"] is True and PASSWORD not in reply.text
    listing = await api("GET", "connections")
    assert [c["status"] for c in listing.body["connections"]] == ["connected"]
    out = await api("POST", f"connections/{CONNECTION}/logout")
    assert (
        out.code == 200
        and out.body["status"] == "not_logged_in"
        and out.body["hasPassword"] is False
    )
    browse = await api("GET", f"connections/{CONNECTION}/spaces")
    assert browse.code == 401 and browse.body["reason"] == "not_logged_in"


async def test_wrong_password_is_auth_failed(api, login):
    reply = await login(password="wrong-secret-123")
    assert reply.code == 401 and reply.body["reason"] == "auth_failed"
    assert "wrong-secret-123" not in reply.text
    status = await api("GET", f"connections/{CONNECTION}", params={"live": "0"})
    assert status.body["status"] == "auth_failed" and status.body["hasPassword"] is False


async def test_session_token_login_reaches_pybis(api, sandbox):
    token = pybis_client(sandbox).token
    reply = await api("POST", f"connections/{CONNECTION}/login", body={"token": token})
    assert reply.code == 200, reply.text
    assert reply.body["authMethod"] == "sessionToken" and token not in reply.text
    spaces = await api("GET", f"connections/{CONNECTION}/spaces")
    assert spaces.code == 200 and spaces.body["totalCount"] >= 1


async def test_invalid_token_is_auth_failed(api):
    reply = await api(
        "POST",
        f"connections/{CONNECTION}/login",
        body={"token": "admin-000000000000000x" + "0" * 32},
    )
    assert reply.code == 401 and reply.body["reason"] == "auth_failed"


async def test_login_needs_a_secret_and_never_prompts(api):
    reply = await api("POST", f"connections/{CONNECTION}/login", body={"username": "admin"})
    assert reply.code == 400 and reply.body["fields"] == {"password": "required"}


async def test_create_update_delete_profile_file_has_no_secret(api, bridge_config, sandbox):
    body = {
        "name": "mine",
        "url": sandbox.url,
        "caBundle": str(sandbox.ca_cert),
        "username": "admin",
        "password": PASSWORD,
    }
    created = await api("POST", "connections", body=body)
    assert created.code == 201, created.text
    assert created.body["status"] == "connected" and created.body["editable"] is True
    profile_file = Path(bridge_config["connections_file"])
    assert stat.S_IMODE(profile_file.stat().st_mode) == 0o600
    saved = json.loads(profile_file.read_text())
    assert saved["connections"] == [
        {
            "name": "mine",
            "url": sandbox.url,
            "username": "admin",
            "verifyCertificates": True,
            "caBundle": str(sandbox.ca_cert),
        }
    ]
    assert PASSWORD not in all_text_under(profile_file.parent)

    duplicate = await api("POST", "connections", body={"name": "mine", "url": sandbox.url})
    assert duplicate.code == 409 and duplicate.body["reason"] == "conflict"

    updated = await api("PATCH", "connections/mine", body={"username": "bob"})
    assert updated.code == 200 and updated.body["username"] == "bob"
    assert updated.body["status"] == "not_logged_in"  # a different user needs a new login

    readonly = await api("DELETE", f"connections/{CONNECTION}")
    assert readonly.code == 409
    deleted = await api("DELETE", "connections/mine")
    assert deleted.code == 204
    assert json.loads(profile_file.read_text())["connections"] == []
    assert (await api("GET", "connections/mine")).code == 404


async def test_unreachable_instance_does_not_break_the_list(api, login, sandbox):
    # Port 9 (discard) on loopback refuses connections: an instance that is down.
    dead = await api(
        "POST", "connections", body={"name": "down", "url": "https://127.0.0.1:9", "username": "u"}
    )
    assert dead.code == 201
    refused = await api("POST", "connections/down/login", body={"password": "p"})
    assert refused.code == 502 and refused.body["reason"] == "upstream_unreachable"
    await login()
    listing = await api("GET", "connections")
    states = {c["name"]: c["status"] for c in listing.body["connections"]}
    assert states == {CONNECTION: "connected", "down": "unreachable"}


async def test_expired_session_is_renewed_with_the_held_password(api, login, sandbox_admin):
    await login()
    await sandbox_admin.set_faults("expire-sessions")
    spaces = await api("GET", f"connections/{CONNECTION}/spaces")
    assert spaces.code == 200, spaces.text


async def test_expired_token_session_asks_the_ui_to_log_in(api, sandbox, sandbox_admin):
    token = pybis_client(sandbox).token
    assert (await api("POST", f"connections/{CONNECTION}/login", body={"token": token})).code == 200
    await sandbox_admin.set_faults("expire-sessions")
    spaces = await api("GET", f"connections/{CONNECTION}/spaces")
    assert spaces.code == 401 and spaces.body["reason"] == "session_expired"
    status = await api("GET", f"connections/{CONNECTION}", params={"live": "0"})
    assert status.body["status"] == "session_expired"


async def test_secrets_never_reach_logs_or_responses(api, sandbox, captured_logs, capsys):
    token = pybis_client(sandbox).token
    replies = [
        await api(
            "POST",
            f"connections/{CONNECTION}/login",
            body={"username": "admin", "password": "wrong-pw-xyz"},
        ),
        await api(
            "POST",
            f"connections/{CONNECTION}/login",
            body={"username": "admin", "password": PASSWORD},
        ),
        await api("POST", f"connections/{CONNECTION}/login", body={"token": token}),
        await api(
            "POST", "connections/nope/login", body={"username": "admin", "password": PASSWORD}
        ),
        await api("GET", "connections"),
        await api("GET", "status"),
    ]
    out, err = capsys.readouterr()
    everything = "\n".join([r.text for r in replies] + [captured_logs.text, out, err])
    for secret in ("wrong-pw-xyz", PASSWORD, token):
        assert secret not in everything


@pytest.fixture
def env_token(sandbox, bridge_config, monkeypatch):
    token = pybis_client(sandbox).token
    monkeypatch.setenv("OPENBIS_URL", sandbox.url)
    monkeypatch.setenv("OPENBIS_TOKEN", token)
    bridge_config.update(read_environment=True, connections=[], ca_bundle=str(sandbox.ca_cert))
    return token


async def test_jupyterhub_token_reaches_pybis(env_token, api):
    listing = await api("GET", "connections")
    [conn] = listing.body["connections"]
    assert conn["origin"] == "env" and conn["name"] == "127.0.0.1"
    assert conn["status"] == "connected" and conn["authMethod"] == "sessionToken"
    assert env_token not in listing.text
    spaces = await api("GET", "connections/127.0.0.1/spaces")
    assert spaces.code == 200


@pytest.fixture
def legacy_yaml(sandbox, bridge_config, jp_env_config_path) -> Path:
    legacy = Path(jp_env_config_path) / "openbis-connections.yaml"
    legacy.write_text(
        f"connections:\n  - name: old\n    url: {sandbox.url}\n    username: admin\n    password: {PASSWORD}\n"
        "  - name: insecure\n    url: http://example.org\n"
    )
    bridge_config.update(
        read_legacy_connections=True, connections=[], ca_bundle=str(sandbox.ca_cert)
    )
    return legacy


async def test_legacy_yaml_is_read_with_password_in_memory_only(legacy_yaml, bridge_config, api):
    listing = await api("GET", "connections")
    [conn] = listing.body["connections"]  # the http:// entry is skipped, not fatal
    assert conn["name"] == "old" and conn["origin"] == "legacy" and conn["hasPassword"] is True
    assert conn["status"] == "connected"  # logged in on demand with the held password
    assert PASSWORD not in listing.text
    assert not Path(bridge_config["connections_file"]).exists()  # reading never writes


async def test_tls_is_verified_by_default_and_can_visibly_be_off(api, sandbox):
    strict = await api(
        "POST",
        "connections",
        body={"name": "strict", "url": sandbox.url, "username": "admin", "password": PASSWORD},
    )
    assert strict.code == 502 and strict.body["reason"] == "tls_verification_failed"
    assert (
        await api("GET", "connections/strict")
    ).code == 404  # create-and-login is all or nothing
    lax = await api(
        "POST",
        "connections",
        body={
            "name": "lax",
            "url": sandbox.url,
            "verifyCertificates": False,
            "username": "admin",
            "password": PASSWORD,
        },
    )
    assert (
        lax.code == 201
        and lax.body["status"] == "connected"
        and lax.body["verifyCertificates"] is False
    )


async def test_a_stray_pybis_token_file_is_not_adopted(isolated_home, sandbox, api):
    token_dir = isolated_home / ".pybis"
    token_dir.mkdir()
    (token_dir / "127.0.0.1.token").write_text(pybis_client(sandbox).token)
    listing = await api("GET", "connections")
    assert listing.body["connections"][0]["status"] == "not_logged_in"


async def test_personal_access_token_login(api, sandbox):
    pat = pybis_client(sandbox).get_or_create_personal_access_token("bridge-tests").permId
    assert pat.startswith("$pat-")
    reply = await api("POST", f"connections/{CONNECTION}/login", body={"token": pat})
    assert reply.code == 200 and reply.body["authMethod"] == "pat" and pat not in reply.text
    assert (await api("GET", f"connections/{CONNECTION}/spaces")).code == 200


async def test_missing_ca_bundle_is_a_clear_certificate_error(api, sandbox, tmp_path):
    missing = tmp_path / "gone" / "ca.pem"
    missing.parent.mkdir()
    missing.write_bytes(sandbox.ca_cert.read_bytes())
    body = {"name": "noca", "url": sandbox.url, "caBundle": str(missing), "username": "admin"}
    assert (await api("POST", "connections", body=body)).code == 201
    missing.unlink()  # removed after the profile was made
    reply = await api("POST", "connections/noca/login", body={"password": PASSWORD})
    assert reply.code == 502 and reply.body["reason"] == "tls_verification_failed"
    assert str(missing) in reply.body["message"] and "caBundle" in reply.body["message"]
    status = await api("GET", "connections/noca", params={"live": "false"})
    assert status.body["status"] == "unreachable"
