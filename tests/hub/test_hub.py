"""openBIS's JupyterHub setup, for real: the official authenticator, one server per OS user.

Driven over HTTP as a browser would (``browser.py``); every route goes through the hub's
``/lab-hub/`` prefix and the user's ``/user/<name>/`` prefix.
"""

from __future__ import annotations

import pwd
import subprocess
import sys

import requests

from .browser import CONNECTION, Browser
from .conftest import ALICE, BOB
from .hubenv import Hub


def test_a_password_login_at_the_hub_connects_the_extension(hub: Hub, alice: Browser):
    token_file = hub.token_file(ALICE)  # written by the authenticator, for Alice only
    assert token_file.stat().st_uid == hub.home(ALICE).stat().st_uid
    conn = alice.connection(live=False)  # what the toolbar asks first: no dialog, no login
    assert conn["name"] == CONNECTION and conn["origin"] == "env"
    assert conn["status"] == "connected", conn
    assert conn["url"] == hub.sandbox.url
    assert token_file.read_text().strip() not in str(conn)


def test_a_session_token_in_the_login_form_connects_too(hub: Hub, bob: Browser):
    conn = bob.connection(live=False)
    assert conn["status"] == "connected" and conn["authMethod"] == "sessionToken", conn


def test_the_frontend_is_served_under_the_prefixes(hub: Hub, alice: Browser):
    page = alice.open_lab()
    assert page.status_code == 200
    assert "/lab-hub/user/obhub-alice/" in page.text  # JupyterLab's baseUrl
    assert "jupyterlab-openbis-bridge" in page.text  # our labextension in the page config
    schema = alice.api("GET", "lab/api/settings/jupyterlab-openbis-bridge:plugin")
    assert schema.status_code == 200, schema.text[:300]


def put_notebook(browser: Browser, path: str) -> None:
    folder = path.rsplit("/", 1)[0]
    assert browser.api("PUT", f"api/contents/{folder}", body={"type": "directory"}).ok
    notebook = {"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    reply = browser.api(
        "PUT", f"api/contents/{path}", body={"type": "notebook", "content": notebook}
    )
    assert reply.status_code in (200, 201), reply.text[:300]


CSV = "20250123080000000-19"  # the demo seed's RAW_DATA with original/data.csv


def download_and_save(hub: Hub, browser: Browser) -> str:
    put_notebook(browser, "work/analysis.ipynb")
    base = f"openbis-bridge/connections/{CONNECTION}"
    started = browser.api(
        "POST", f"{base}/downloads", body={"permIds": [CSV], "notebookPath": "work/analysis.ipynb"}
    )
    assert started.status_code == 202, started.text[:300]
    done = browser.wait_job(started.json()["id"])
    assert done["state"] == "succeeded", done
    saved = browser.api(
        "POST",
        f"{base}/datasets",
        body={
            "notebookPath": "work/analysis.ipynb",
            "experiment": "/LAB/PROJ1/EXP1",
            "parents": [CSV],
            "properties": {"$NAME": f"analysis of {browser.name}"},
        },
    )
    assert saved.status_code == 202, saved.text[:300]
    done = browser.wait_job(saved.json()["id"])
    assert done["state"] == "succeeded", done
    return done["result"]["permId"]


def test_each_user_downloads_and_saves_as_themselves(hub: Hub, alice: Browser, bob: Browser):
    from openbis_sandbox.testing import pybis_client

    admin = pybis_client(hub.sandbox)
    for browser in (alice, bob):
        perm_id = download_and_save(hub, browser)
        home = hub.home(browser.name)
        data = home / "work" / "data" / CSV / "data.csv"
        assert data.is_file()
        assert data.stat().st_uid == home.stat().st_uid  # written by the user's own server
        dataset = admin.get_dataset(perm_id)
        assert dataset.registrator == browser.name  # openBIS records the user, not a service
        assert CSV in dataset.parents


def test_kernel_code_shares_the_hub_login_under_the_prefixes(hub: Hub, alice: Browser):
    out = alice.run_in_kernel(
        "from jupyterlab_openbis_bridge import openbis\n"
        "print('user', openbis.token.rsplit('-', 1)[0])\n"
        "print('spaces', len(openbis.get_spaces()))\n"
    )
    assert f"user {ALICE}" in out, out  # the kernel got Alice's session from her server
    assert "spaces " in out and "Traceback" not in out, out


def hub_api_token(browser: Browser) -> str:
    """A JupyterHub API token of the browser's user, made on the hub's token page API."""
    xsrf = browser.http.cookies.get("_xsrf", path="/lab-hub/hub/")
    reply = browser.http.post(
        f"{browser.hub.url}/hub/api/users/{browser.name}/tokens",
        json={"note": "isolation test", "expires_in": 600},
        headers={"X-XSRFToken": xsrf or ""},
        timeout=30,
    )
    assert reply.status_code == 201, reply.text[:300]
    return reply.json()["token"]


def test_one_user_cannot_reach_anothers_server_session_or_files(
    hub: Hub, alice: Browser, bob: Browser
):
    # Bob's browser: Alice's API and Alice's JupyterLab page are refused.
    assert bob.api("GET", "openbis-bridge/connections", owner=ALICE).status_code == 403
    assert bob.api("GET", "lab", owner=ALICE).status_code == 403
    # Bob's own hub token works on his server, not on Alice's.
    headers = {"Authorization": f"token {hub_api_token(bob)}"}
    own = bob.api("GET", "openbis-bridge/connections", headers=headers)
    assert own.status_code == 200, own.text[:300]
    for path in ("openbis-bridge/connections", "openbis-bridge/jobs", "api/contents/work"):
        reply = requests.get(hub.user_url(ALICE, path), headers=headers, timeout=30)
        assert reply.status_code == 403, (path, reply.status_code)
    # Bob's server cannot be pointed at Alice's home.
    escape = bob.api("GET", f"api/contents/..%2F{ALICE}%2Fwork")
    assert escape.status_code in (400, 403, 404), escape.status_code
    download = bob.api(
        "POST",
        f"openbis-bridge/connections/{CONNECTION}/downloads",
        body={"permIds": [CSV], "destination": f"../{ALICE}/stolen"},
    )
    assert download.status_code == 400 and "destination" in download.text, download.text[:300]
    assert not (hub.home(ALICE) / "stolen").exists()
    # A process of Bob's (his kernel is one) cannot read Alice's hub login or her data.
    for secret in (hub.token_file(ALICE), hub.home(ALICE) / "work" / "analysis.ipynb"):
        attempt = subprocess.run(
            [sys.executable, "-c", f"open({str(secret)!r}).read()"],
            user=pwd.getpwnam(BOB).pw_uid,
            group=pwd.getpwnam(BOB).pw_gid,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert attempt.returncode != 0 and "PermissionError" in attempt.stderr, attempt.stderr
    # Each server acts with its own user's openBIS session.
    assert hub.token_file(ALICE).read_text() != hub.token_file(BOB).read_text()


def test_an_expired_session_is_reported_and_a_new_hub_login_restores_it(hub: Hub, alice: Browser):
    from openbis_sandbox.testing import pybis_client

    token = hub.token_file(ALICE).read_text().strip()
    pybis_client(hub.sandbox, token=token).logout()  # the openBIS session ends
    conn = alice.connection()
    assert conn["status"] == "session_expired", conn
    alice.logout_of_hub()
    assert alice.login().status_code == 200  # log in at the hub again; the server kept running
    assert hub.token_file(ALICE).read_text().strip() != token
    conn = alice.connection()
    assert conn["status"] == "connected", conn
    files = alice.api("GET", f"openbis-bridge/connections/{CONNECTION}/spaces")
    assert files.status_code == 200, files.text[:300]
