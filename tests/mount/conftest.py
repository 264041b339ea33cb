"""A sandbox with the DSS's SFTP view, shared by the mount tests; the companion's fixtures."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from openbis_sandbox.testing import RunningSandbox, start_sandbox

# The companion's fixtures (a Jupyter server wired to ``sandbox``, its REST client, login).
from ..companion.conftest import api, bridge_config, jp_server_config  # noqa: F401

# Quotes, a dollar, spaces and non-ASCII: nothing here may pass through a shell.
AWKWARD_USER = "mountie"
AWKWARD_PASSWORD = 'it\'s "$HOME" `x` ünïcødé ∑ pass'
CSV_DATA_SET = "20250123080000000-19"
CSV_EXPERIMENT = "/LAB/PROJ1/EXP1"


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningSandbox]:
    """A demo sandbox of this module's own, with SFTP on a free port."""
    data_dir = tmp_path_factory.mktemp("sandbox-sftp")
    with start_sandbox(
        data_dir, seed="demo", sftp=True, users=[(AWKWARD_USER, AWKWARD_PASSWORD)]
    ) as running:
        yield running


def stored_file(sandbox: RunningSandbox, perm_id: str, relative: str) -> bytes:
    """A data set file as the sandbox stores it (what every access path must return)."""
    return (Path(sandbox.data_dir) / "store" / perm_id / relative).read_bytes()
