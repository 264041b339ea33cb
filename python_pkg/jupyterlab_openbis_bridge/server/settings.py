"""The server's settings, fixed at start-up from the ``c.OpenBISBridge.*`` traits (see ``app``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class BridgeSettings:
    root_dir: Path
    allow_hidden: bool
    request_timeout: float
    status_timeout: float
    lock_timeout: float
    call_workers: int
    transfer_workers: int
    masterdata_ttl: float
    download_folder: str
    keep_original_folder: bool
    upload_chunk_bytes: int
    max_upload_files: int
    default_dataset_type: str
    connection_workers: int = 2
    connection_queue: int = 32
    runtime_dir: Path | None = None  # Jupyter's; must be private before kernels get sessions
    hub_login_url: str | None = None  # where an ended hub session is renewed (opt-in)


def hub_login_url(environ: Mapping[str, str]) -> str | None:
    """The hub's logout page, which leads to its login form; None outside JupyterHub.

    Its login page alone would not do: with the hub's cookie still valid it skips the form,
    so the authenticator would not log in to openBIS (and save a new token) again.
    """
    base = environ.get("JUPYTERHUB_BASE_URL")
    if not base or not environ.get("JUPYTERHUB_API_URL"):
        return None
    return base.rstrip("/") + "/hub/logout"
