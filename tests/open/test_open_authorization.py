"""Opening writes into the Jupyter root: a role that may not write contents cannot open a
notebook (403, nothing written); the plan, a read, stays allowed."""

from __future__ import annotations

import pytest
from jupyter_server.auth import Authorizer

from ..companion.support import CONNECTION

BASE = f"connections/{CONNECTION}"


class ContentsReadOnlyAuthorizer(Authorizer):
    """May use the bridge and read the root, but not write into it."""

    def is_authorized(self, handler, user, action, resource) -> bool:
        return not (resource == "contents" and action == "write")


@pytest.fixture
def jp_server_config(jp_server_config):
    server = {
        **jp_server_config.get("ServerApp", {}),
        "authorizer_class": ContentsReadOnlyAuthorizer,
    }
    return {**jp_server_config, "ServerApp": server}


async def test_opening_needs_write_access_to_contents(api, login, jp_root_dir):
    assert (await login()).code == 200
    refused = await api("POST", f"{BASE}/notebooks/open", body={"permId": "20250123080000000-19"})
    assert refused.code == 403, refused.text
    listed = await api("GET", f"{BASE}/notebooks")
    assert listed.code == 200, listed.text
    assert not (jp_root_dir / "openbis").exists()
