"""The login shared by the UI and kernel code: ``openbis()`` in a real kernel of a real server."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid

import pytest
import requests

from jupyterlab_openbis_bridge.kernel.client import BridgeUnavailable, read_server_info
from jupyterlab_openbis_bridge.openbis_client import redact
from openbis_sandbox.testing import pybis_client

from .support import CSV, client_for, identity_from_connection_file, set_faults, signed_body

SESSION_ROUTE = "openbis-bridge/kernel/session"


def test_openbis_uses_the_ui_login_and_leaves_no_secret(kernel, jupyter_server):
    out = kernel.run(
        "from jupyterlab_openbis_bridge import openbis\n"
        "o = openbis()\n"
        f"print(o.get_dataset({CSV!r}).permId)\n"
        "o"
    )
    assert CSV in out
    assert "via JupyterLab connection 'sandbox'" in out or "connection <code>sandbox" in out
    token = client_for(jupyter_server, kernel).session()["token"]
    assert pybis_client(jupyter_server.sandbox, token=token).is_session_active()
    notebook = kernel.save_notebook().read_text()
    for text in (notebook, jupyter_server.server_log()):
        assert token not in text
        assert redact(text) == text  # nothing that even looks like a token
    assert "changeit" not in notebook


def test_kernel_import_stays_light():
    code = (
        "import sys, jupyterlab_openbis_bridge as b\n"
        "from jupyterlab_openbis_bridge.kernel import client, data, session\n"
        "assert callable(b.openbis) and callable(b.load)\n"
        "heavy = [m for m in ('jupyter_server', 'tornado') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


def test_expired_session_is_renewed_without_asking(kernel, jupyter_server):
    kernel.run(
        "from jupyterlab_openbis_bridge import openbis\n"
        "o = openbis()\n"
        "first = o.token\n"
        f"assert o.get_dataset({CSV!r}).permId == {CSV!r}"
    )
    set_faults(jupyter_server.sandbox, "expire-sessions")
    out = kernel.run(
        f"print(o.get_dataset({CSV!r}).permId)\n"
        "print('renewed' if o.token != first else 'same token')\n"
        "print('live' if o.is_session_active() else 'dead')"
    )
    assert out.split() == [CSV, "renewed", "live"]


def test_expired_token_login_asks_to_log_in_again(kernel_factory, jupyter_server):
    token = pybis_client(jupyter_server.sandbox).token  # the ELN/JupyterHub case: no password
    reply = jupyter_server.api(
        "POST", "openbis-bridge/connections/sandbox/login", json={"token": token}
    )
    assert reply.status_code == 200, reply.text
    kernel = kernel_factory("work/token-login.ipynb")
    try:
        kernel.run(
            "from jupyterlab_openbis_bridge import openbis\n"
            "o = openbis()\n"
            f"assert o.get_dataset({CSV!r}).permId == {CSV!r}"
        )
        set_faults(jupyter_server.sandbox, "expire-sessions")
        out = kernel.run(
            "from jupyterlab_openbis_bridge.errors import SessionExpired\n"
            "try:\n"
            f"    o.get_dataset({CSV!r})\n"
            "except SessionExpired as exc:\n"
            "    print('expired:', exc)\n"
        )
        assert out.startswith("expired:") and "log in again" in out
    finally:
        jupyter_server.login()


def test_not_logged_in_is_a_clear_error(kernel_factory, jupyter_server):
    jupyter_server.logout()
    kernel = kernel_factory("work/logged-out.ipynb")
    try:
        out = kernel.run(
            "from jupyterlab_openbis_bridge import openbis\n"
            "from jupyterlab_openbis_bridge.kernel.client import BridgeAPIError\n"
            "try:\n"
            "    openbis('sandbox')\n"
            "except BridgeAPIError as exc:\n"
            "    print(exc.status, exc.reason)\n"
        )
        assert out.split() == ["401", "not_logged_in"]
    finally:
        jupyter_server.login()


# --- who may get the session ------------------------------------------------------------------


@pytest.fixture
def two_kernels(kernel, kernel_factory):
    return kernel, kernel_factory("work/other.ipynb")


def post(server, body, **kwargs):
    return server.api("POST", SESSION_ROUTE, json=body, **kwargs)


def test_only_a_kernel_of_this_server_gets_the_session(two_kernels, jupyter_server):
    first, second = two_kernels
    mine = identity_from_connection_file(first.connection_file)
    other = identity_from_connection_file(second.connection_file)
    assert post(jupyter_server, signed_body(mine)).status_code == 200  # the control
    assert post(jupyter_server, signed_body(other)).status_code == 200

    refused = {
        "no Jupyter token": post(jupyter_server, signed_body(mine), token=""),
        "another token": post(jupyter_server, signed_body(mine), token="x" * 48),
        "key of another kernel": post(
            jupyter_server, {**signed_body(other), "kernelId": mine.kernel_id}
        ),
        "unknown kernel": post(
            jupyter_server,
            signed_body(type(mine)(str(uuid.uuid4()), mine.key)),
        ),
        "no proof": post(jupyter_server, {"kernelId": mine.kernel_id}),
        "replayed later": post(
            jupyter_server, signed_body(mine, timestamp=int(time.time()) - 3600)
        ),
        "proof for another purpose": post(jupyter_server, signed_body(mine, "provenance")),
        "browser (Origin)": post(
            jupyter_server, signed_body(mine), headers={"Origin": jupyter_server.url[:-1]}
        ),
        "browser (fetch metadata)": post(
            jupyter_server, signed_body(mine), headers={"Sec-Fetch-Mode": "cors"}
        ),
    }
    codes = {name: reply.status_code for name, reply in refused.items()}
    assert codes == {
        "no Jupyter token": 403,
        "another token": 403,
        "key of another kernel": 403,
        "unknown kernel": 403,
        "no proof": 400,
        "replayed later": 403,
        "proof for another purpose": 403,
        "browser (Origin)": 403,
        "browser (fetch metadata)": 403,
    }
    for reply in refused.values():
        assert "token" not in (reply.json() if reply.content else {})


def test_a_proof_is_good_once_and_only_for_thirty_seconds(kernel, jupyter_server):
    mine = identity_from_connection_file(kernel.connection_file)
    body = signed_body(mine)
    assert post(jupyter_server, body).status_code == 200
    replayed = post(jupyter_server, body)
    assert replayed.status_code == 403 and "token" not in replayed.json()
    ahead = post(jupyter_server, signed_body(mine, timestamp=int(time.time()) + 119))
    assert ahead.status_code == 403
    assert "kernel proof replayed" in jupyter_server.server_log()


def test_no_session_while_the_runtime_dir_is_shared(kernel, jupyter_server):
    mine = identity_from_connection_file(kernel.connection_file)
    os.chmod(jupyter_server.runtime, 0o755)
    try:
        refused = post(jupyter_server, signed_body(mine))
    finally:
        os.chmod(jupyter_server.runtime, 0o700)
    assert refused.status_code == 403 and "token" not in refused.json()
    assert "runtime directory" in refused.json()["message"]
    assert "openBIS sessions are not handed to kernels" in jupyter_server.server_log()
    assert post(jupyter_server, signed_body(mine)).status_code == 200


def test_a_login_cookie_is_not_enough(kernel, jupyter_server):
    browser = requests.Session()
    page = browser.get(jupyter_server.url + "login", timeout=30)
    xsrf = browser.cookies.get("_xsrf")
    assert page.status_code == 200 and xsrf
    logged_in = browser.post(
        jupyter_server.url + "login",
        data={"password": jupyter_server.token, "_xsrf": xsrf},
        allow_redirects=False,
        timeout=30,
    )
    assert logged_in.status_code == 302
    # The cookie works for the ordinary API (so it is a real login) ...
    status = browser.get(
        jupyter_server.url + "openbis-bridge/status", headers={"X-XSRFToken": xsrf}, timeout=30
    )
    assert status.status_code == 200
    # ... but not for the kernel route, even with a valid kernel proof.
    body = signed_body(identity_from_connection_file(kernel.connection_file))
    reply = browser.post(
        jupyter_server.url + SESSION_ROUTE, json=body, headers={"X-XSRFToken": xsrf}, timeout=30
    )
    assert reply.status_code == 403, reply.text
    assert post(jupyter_server, body).status_code == 200


def test_server_file_of_another_identity_is_not_trusted(jupyter_server, tmp_path):
    original = jupyter_server.runtime / f"jpserver-{jupyter_server.process.pid}.json"
    assert read_server_info(original, jupyter_server.process.pid).token == jupyter_server.token
    copy = tmp_path / original.name
    shutil.copy(original, copy)
    os.chmod(copy, 0o644)  # readable by others: someone else's, or leaked
    with pytest.raises(BridgeUnavailable, match="other users"):
        read_server_info(copy, jupyter_server.process.pid)
    os.chmod(copy, 0o600)
    with pytest.raises(BridgeUnavailable, match="another server"):
        read_server_info(copy, jupyter_server.process.pid + 1)


def test_outside_a_kernel_there_is_no_session(jupyter_server):
    code = (
        "from jupyterlab_openbis_bridge import openbis\n"
        "from jupyterlab_openbis_bridge.kernel.client import BridgeUnavailable\n"
        "try:\n"
        "    openbis()\n"
        "except BridgeUnavailable as exc:\n"
        "    print('refused:', exc)\n"
    )
    env = {**os.environ, "JPY_PARENT_PID": str(jupyter_server.process.pid)}
    env.pop("OPENBIS_URL", None)
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )
    assert out.stdout.startswith("refused: not running in a Jupyter kernel"), out
