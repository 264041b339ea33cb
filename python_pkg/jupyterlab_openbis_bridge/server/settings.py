"""The server's settings, fixed at start-up from the ``c.OpenBISBridge.*`` traits (see ``app``)."""

from __future__ import annotations

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
