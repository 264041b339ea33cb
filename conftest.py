"""Root conftest: pytest_plugins must live in a top-level conftest to be honoured."""

import pytest

pytest_plugins = ("pytest_jupyter.jupyter_server",)


@pytest.fixture
def jp_server_config(jp_server_config):
    """Enable the extension and enforce authentication on the in-process test server."""
    return {
        "ServerApp": {
            "jpserver_extensions": {"jupyterlab_openbis_bridge": True},
            "allow_unauthenticated_access": False,
        }
    }
