"""Fixtures for opening saved notebooks: the companion's in-process Jupyter server, its API
helpers and sandbox faults, on this folder's own sandbox."""

from __future__ import annotations

from tests.companion.conftest import (  # noqa: F401 (fixtures)
    api,
    bridge_config,
    jp_server_config,
    login,
    sandbox_admin,
    wait_job,
)
