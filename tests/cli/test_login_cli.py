"""``test NAME`` against the shared sandbox: credentials, session ownership and failure exit codes."""

from __future__ import annotations

import getpass

import pytest

from jupyterlab_openbis_bridge.cli import common as cli_common
from jupyterlab_openbis_bridge.cli.common import ExitCode
from jupyterlab_openbis_bridge.openbis_client import BridgeOpenbis
from openbis_sandbox.testing import call_as


def session_token(sandbox) -> str:
    return call_as(sandbox, "login", sandbox.admin_user, sandbox.admin_password).json()["result"]


def is_active(sandbox, token: str) -> bool:
    return call_as(sandbox, "isSessionActive", token).json()["result"] is True


@pytest.fixture
def fake_terminal(monkeypatch):
    """In-process runs with a 'terminal' whose password prompt answers ``answer``."""

    def answer_password_with(password: str) -> list[str]:
        prompts: list[str] = []
        monkeypatch.setattr(cli_common, "stdin_is_terminal", lambda: True)
        monkeypatch.setattr(getpass, "getpass", lambda prompt: prompts.append(prompt) or password)
        return prompts

    return answer_password_with


@pytest.fixture
def opened_sessions(monkeypatch) -> list[str]:
    """Tokens of the sessions the CLI opened with a password."""
    tokens: list[str] = []
    original = BridgeOpenbis.login_with_password

    def recording(self, username, password):
        original(self, username, password)
        tokens.append(self.token)

    monkeypatch.setattr(BridgeOpenbis, "login_with_password", recording)
    return tokens


def test_password_login_reports_and_closes_its_session(
    cli, add_sandbox_profile, sandbox, fake_terminal, opened_sessions, config_dir, files_containing
):
    add_sandbox_profile("sb", "--ca-bundle", str(sandbox.ca_cert))
    prompts = fake_terminal(sandbox.admin_password)

    result = cli("test", "sb")

    assert result.code == ExitCode.OK, result.err
    assert prompts == [f"Password for admin at {sandbox.url}: "]
    assert f"openBIS 20.10.11, API {sandbox.api_version}" in result.out
    assert "logged in as admin (password; session closed)" in result.out
    [token] = opened_sessions
    assert not is_active(sandbox, token)
    assert files_containing(config_dir, sandbox.admin_password) == []


def test_token_from_stdin_is_used_and_left_open(
    cli, add_sandbox_profile, sandbox, config_dir, files_containing
):
    add_sandbox_profile("sb", "--ca-bundle", str(sandbox.ca_cert))
    token = session_token(sandbox)

    result = cli("test", "sb", "--token-stdin", stdin=token + "\n")

    assert result.code == ExitCode.OK, result.err
    assert "logged in as admin (session token; token left valid)" in result.out
    assert is_active(sandbox, token)
    assert token not in result.out + result.err
    assert files_containing(config_dir, token) == []


def test_personal_access_token_from_environment(
    cli, add_sandbox_profile, sandbox, monkeypatch, config_dir, files_containing
):
    from openbis_sandbox.testing import pybis_client

    owner = pybis_client(sandbox)
    pat = owner.get_or_create_personal_access_token(f"cli-test-{id(owner)}").permId
    add_sandbox_profile("sb", "--ca-bundle", str(sandbox.ca_cert))
    monkeypatch.setenv("OPENBIS_TOKEN", pat)

    result = cli("test", "sb")

    assert result.code == ExitCode.OK, result.err
    assert "personal access token; token left valid" in result.out
    assert is_active(sandbox, pat)
    assert files_containing(config_dir, pat) == []


def test_wrong_password(cli, add_sandbox_profile, sandbox, fake_terminal):
    add_sandbox_profile("sb", "--ca-bundle", str(sandbox.ca_cert))
    fake_terminal("not-the-password")
    result = cli("test", "sb")
    assert result.code == ExitCode.AUTH_FAILED
    assert "rejected the username or password" in result.err


def test_wrong_token(cli, add_sandbox_profile, sandbox):
    add_sandbox_profile("sb", "--ca-bundle", str(sandbox.ca_cert))
    result = cli(
        "test",
        "sb",
        "--token-stdin",
        stdin="admin-260101120000000x00000000000000000000000000000000",
    )
    assert result.code == ExitCode.AUTH_FAILED
    assert "rejected the token" in result.err


def test_certificate_problem_without_ca_bundle(cli, add_sandbox_profile, sandbox):
    add_sandbox_profile("nocert")
    result = cli("test", "nocert", "--token-stdin", stdin=session_token(sandbox))
    assert result.code == ExitCode.CERTIFICATE
    assert "certificate" in result.err and "--ca-bundle" in result.err


def test_ca_bundle_that_vanished(cli, sandbox, tmp_path, profile_file):
    bundle = tmp_path / "ca.pem"
    bundle.write_bytes(sandbox.ca_cert.read_bytes())
    assert cli("add", "sb", sandbox.url, "--ca-bundle", str(bundle)).code == ExitCode.OK
    bundle.unlink()
    result = cli("test", "sb", "--token-stdin", stdin="whatever")
    assert result.code == ExitCode.CERTIFICATE and "does not exist" in result.err


def test_unreachable_host(cli, closed_port):
    assert cli("add", "closed", f"https://127.0.0.1:{closed_port}").code == ExitCode.OK
    result = cli("test", "closed", "--token-stdin", stdin="whatever")
    assert result.code == ExitCode.UNREACHABLE
    assert f"127.0.0.1:{closed_port}" in result.err and "unreachable" in result.err


def test_no_credentials_without_a_terminal(cli, add_sandbox_profile):
    add_sandbox_profile("sb")
    result = cli("test", "sb")
    assert result.code == ExitCode.USAGE
    assert "--token-stdin" in result.err and "OPENBIS_TOKEN" in result.err
    assert cli("test", "sb", "--token-stdin", stdin="  \n").code == ExitCode.USAGE


def test_unknown_profile(cli):
    result = cli("test", "nope", "--token-stdin", stdin="x")
    assert result.code == ExitCode.PROFILE_CONFLICT and "no profile named 'nope'" in result.err
