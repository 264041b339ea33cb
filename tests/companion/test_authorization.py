"""A Jupyter user whose role may only read (e.g. a JupyterHub ``read:`` scope) can browse but
change nothing through the bridge: every mutating verb is ``@authorized`` on the extension's
resource ``openbis_bridge``, and verbs touching the Jupyter root also on ``contents``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jupyter_server.auth import Authorizer

from .support import CONNECTION

C = f"connections/{CONNECTION}"
PERM = "20250123080000000-19"
ASKED: list[tuple[str, str]] = []


class ReadOnlyAuthorizer(Authorizer):
    """Allows every ``read``, refuses every ``write`` and ``execute``; records what was asked."""

    def is_authorized(self, handler, user, action, resource) -> bool:
        if handler.request.path.rstrip("/").split("/")[-2:] != ["api", "status"]:
            ASKED.append((action, resource))
        return action == "read"


class ContentsReadOnlyAuthorizer(Authorizer):
    """May use the bridge, but not write into the Jupyter root."""

    def is_authorized(self, handler, user, action, resource) -> bool:
        return not (resource == "contents" and action == "write")


@pytest.fixture
def authorizer_class():
    return ReadOnlyAuthorizer


@pytest.fixture
def jp_server_config(jp_server_config, authorizer_class):
    server = {**jp_server_config.get("ServerApp", {}), "authorizer_class": authorizer_class}
    return {**jp_server_config, "ServerApp": server}


@pytest.fixture
def notebook(jp_root_dir: Path) -> str:
    (jp_root_dir / "nb").mkdir()
    (jp_root_dir / "nb" / "analysis.ipynb").write_text(
        json.dumps({"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5})
    )
    return "nb/analysis.ipynb"


MUTATIONS = [
    ("POST", "connections", {"name": "new", "url": "https://h"}),
    ("PATCH", C, {"username": "bob"}),
    ("DELETE", C, None),
    ("POST", f"{C}/login", {"username": "admin", "password": "changeit"}),
    ("POST", f"{C}/logout", None),
    (
        "POST",
        f"{C}/datasets",
        {"notebookPath": "nb/analysis.ipynb", "experiment": "/LAB/PROJ1/EXP1"},
    ),
    ("POST", f"{C}/downloads", {"permIds": [PERM], "destination": "d"}),
    ("DELETE", "jobs/" + "0" * 32, None),
    ("POST", "env-files", {"notebookPath": "nb/analysis.ipynb", "runtime": "python-3.11"}),
    ("DELETE", "provenance", None),
]


async def test_a_read_only_role_can_read_but_not_change_anything(
    api, jp_fetch, notebook, jp_root_dir
):
    ASKED.clear()
    before = sorted(p.relative_to(jp_root_dir).as_posix() for p in jp_root_dir.rglob("*"))
    for method, path, body in MUTATIONS:
        params = {"path": notebook, "ids": "x"} if path == "provenance" else {}
        reply = await api(method, path, body=body, params=params)
        assert reply.code == 403, (method, path, reply.code, reply.text[:200])
        assert reply.body and reply.body.get("message"), (method, path, reply.text[:200])
        assert reply.body["reason"] == "forbidden", (method, path, reply.text[:200])
    after = sorted(p.relative_to(jp_root_dir).as_posix() for p in jp_root_dir.rglob("*"))
    assert after == before
    assert ("write", "openbis_bridge") in ASKED
    # Reads still work: status, connections, jobs, provenance, and an unknown route's 404.
    assert (await api("GET", "status")).code == 200
    listing = await api("GET", "connections", params={"live": "false"})
    assert listing.code == 200 and listing.body["connections"][0]["name"] == CONNECTION
    assert (await api("GET", "jobs")).code == 200
    assert (await api("GET", "provenance", params={"path": notebook})).code == 200
    unknown = await jp_fetch("openbis-bridge", f"{C}/", raise_error=False)
    assert unknown.code == 404 and json.loads(unknown.body)["reason"] == "not_found"


@pytest.mark.parametrize("authorizer_class", [ContentsReadOnlyAuthorizer])
async def test_writing_into_the_root_also_needs_contents_write(api, login, notebook, jp_root_dir):
    assert (await login()).code == 200  # the bridge itself may be used
    for path, body in [
        (f"{C}/downloads", {"permIds": [PERM], "destination": "d"}),
        ("env-files", {"notebookPath": notebook, "runtime": "python-3.11"}),
    ]:
        reply = await api("POST", path, body=body)
        assert reply.code == 403, (path, reply.text[:200])
    assert not (jp_root_dir / "d").exists() and not (jp_root_dir / "nb" / "runtime.txt").exists()
    # Saving only reads the root: allowed.
    saved = await api(
        "POST",
        f"{C}/datasets",
        body={
            "notebookPath": notebook,
            "experiment": "/LAB/PROJ1/EXP1",
            "properties": {"$NAME": "allowed"},
        },
    )
    assert saved.code == 202, saved.text
