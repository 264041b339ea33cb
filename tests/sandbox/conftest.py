"""Fixtures of the sandbox tests (``api_sandbox`` itself is in ``tests/conftest.py``)."""

from __future__ import annotations

import pytest

from openbis_sandbox.testing import pybis_client


@pytest.fixture
def o(api_sandbox):
    """A logged-in pybis client of ``api_sandbox`` (API 3.6 and 3.7)."""
    return pybis_client(api_sandbox)
