"""Login, sessions and server information through the real pybis (SPEC §3), cold cache."""

from __future__ import annotations

import pytest

from openbis_sandbox.testing import call_as, pybis_client

from .helpers import fresh


def test_login_gives_a_token_in_the_openbis_format(api_sandbox):
    o = pybis_client(api_sandbox)
    assert o.token.startswith("admin-")
    prefix, _, secret = o.token.partition("x")
    assert len(prefix) == len("admin-") + 15 and len(secret) == 32 and secret == secret.upper()
    assert o.is_session_active()


def test_wrong_password_fails_like_openbis(api_sandbox):
    o = pybis_client(api_sandbox, login=False)
    with pytest.raises(ValueError, match="login to openBIS failed"):
        o.login("admin", "wrong")
    response = call_as(api_sandbox, "login", "nobody", "x")
    assert response.status_code == 200
    assert response.json() == {"jsonrpc": "2.0", "id": "2", "result": None}


def test_empty_password_is_a_user_failure(api_sandbox):
    error = call_as(api_sandbox, "login", "admin", "").json()["error"]
    assert error["code"] == 0
    assert error["message"] == "No 'password' specified."


def test_invalid_token_is_rejected_by_pybis(api_sandbox):
    with pytest.raises(ValueError, match="This token is no longer valid"):
        fresh(api_sandbox, "admin-261123000000000x00000000000000000000000000000000")


def test_invalid_token_on_other_methods_gives_the_session_error(api_sandbox):
    token = "admin-bogus"
    response = call_as(
        api_sandbox,
        "getSpaces",
        token,
        [],
        {"@type": "as.dto.space.fetchoptions.SpaceFetchOptions"},
    )
    assert response.status_code == 200
    error = response.json()["error"]
    assert error["code"] == 0
    assert error["message"] == f"Session token '{token}' is invalid: user is not logged in."
    assert error["data"]["exceptionTypeName"] == (
        "ch.systemsx.cisd.common.exceptions.InvalidSessionException"
    )
    assert list(error["data"]) == ["@id", "exceptionTypeName", "message", "stackTrace"]


def test_is_session_active_never_errors(api_sandbox):
    for token in ("garbage", "", "$pat-nobody-1"):
        assert call_as(api_sandbox, "isSessionActive", token).json()["result"] is False


def test_logout_invalidates_and_ignores_unknown_tokens(api_sandbox):
    o = pybis_client(api_sandbox)
    token = o.token
    workspace = api_sandbox.data_dir / "workspace" / token
    (workspace / "upload").mkdir(parents=True)
    o.logout()
    assert not workspace.exists()  # the session workspace goes with the session
    assert o.is_session_active() is False  # pybis keeps the dead token (SPEC §3 quirk)
    assert call_as(api_sandbox, "logout", token).json() == {
        "jsonrpc": "2.0",
        "id": "2",
        "result": None,
    }
    assert call_as(api_sandbox, "logout", "unknown").json()["result"] is None


def test_server_information_is_sorted_strings_with_the_api_version(api_sandbox):
    o = pybis_client(api_sandbox)
    info = call_as(api_sandbox, "getServerInformation", o.token).json()["result"]
    assert list(info) == sorted(info)
    assert info["api-version"] == api_sandbox.api_version
    nullable = {
        "authentication-service.switch-aai.label",
        "authentication-service.switch-aai.link",
        "openbis.support.email",
    }
    assert all(isinstance(v, str) for k, v in info.items() if k not in nullable)
    server = fresh(api_sandbox, o.token).get_server_information()
    assert server.api_version == api_sandbox.api_version
    assert server.personal_access_tokens_max_validity_period > 0


def test_session_information(api_sandbox):
    o = pybis_client(api_sandbox)
    info = fresh(api_sandbox, o.token).get_session_info()
    assert info.userName == "admin"
    assert info.sessionToken == o.token
