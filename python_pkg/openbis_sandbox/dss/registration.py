"""DSS ``createUploadedDataSet`` (SPEC §8.2 step 6).

Checks run in the order of openBIS's ``CreateUploadedDataSetExecutor``: session,
type, owner, parents, upload id, then the incoming folder, which must hold
exactly one entry. Registration is synchronous: the entry is moved to
``original/<entry>`` inside the store's write transaction, so the data set is
either fully registered with its files or not at all.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

from ..context import SandboxContext, require_session
from ..dto.dss import data_set_perm_id
from ..errors import OpenbisError
from ..jackson import collection
from ..store.ids import not_found, resolve_dataset, resolve_experiment, resolve_sample
from .workspace import session_workspace

ENTITY_TYPE_PERM_ID = "as.dto.entitytype.id.EntityTypePermId"


def _check_references(ctx: SandboxContext, creation: dict[str, Any]) -> str:
    """Resolve type, owner and parents with openBIS's texts; the type code."""
    graph = ctx.store.graph()
    type_id = creation.get("typeId")
    code = type_id.get("permId") if isinstance(type_id, dict) else None
    if not isinstance(code, str) or graph.entity_type("DATA_SET", code.upper()) is None:
        raise not_found({"@type": ENTITY_TYPE_PERM_ID, "entityKind": "DATA_SET", **(type_id or {})})
    sample_id = creation.get("sampleId")
    experiment_id = creation.get("experimentId")
    if sample_id:
        if resolve_sample(graph, sample_id) is None:
            raise not_found(sample_id)
    elif experiment_id:
        if resolve_experiment(graph, experiment_id) is None:
            raise not_found(experiment_id)
    else:
        raise OpenbisError("A dataset needs either a sample or an experiment as an owner.")
    for parent_id in collection(creation.get("parentIds")) or []:
        if resolve_dataset(graph, parent_id) is None:
            raise not_found(parent_id if isinstance(parent_id, dict) else {"permId": parent_id})
    return code


def _incoming_entry(ctx: SandboxContext, token: str, upload_id: Any) -> Path:
    """The single file or folder uploaded under ``upload_id``."""
    if not isinstance(upload_id, str) or not upload_id.strip():
        raise OpenbisError("Upload id cannot be null or empty")
    if "/" in upload_id:
        raise OpenbisError("Upload id must not contain '/'")
    incoming = session_workspace(ctx, token) / upload_id
    if upload_id in (".", "..") or not incoming.is_dir():
        raise OpenbisError(f"No uploaded files found for upload id '{upload_id}'")
    entries = list(incoming.iterdir())
    if len(entries) != 1:
        raise OpenbisError(
            "Unexpected state, incoming directory should contain just one file or folder "
            f"but found: {len(entries)}"
        )
    return entries[0]


def _tree_size(entry: Path) -> int:
    if not entry.is_dir():
        return entry.stat().st_size
    return sum(
        (Path(root) / name).stat().st_size for root, _, files in os.walk(entry) for name in files
    )


def create_uploaded_data_set(ctx: SandboxContext, token: Any, creation: Any) -> dict[str, Any]:
    user = require_session(ctx, token)
    if not isinstance(creation, dict):
        raise OpenbisError("Creation cannot be null")
    type_code = _check_references(ctx, creation)
    entry = _incoming_entry(ctx, token, creation.get("uploadId"))
    moved_to: list[Path] = []
    created_dirs: list[Path] = []

    def move_payload(perm_id: str) -> None:
        dataset_dir = ctx.store.dataset_dir(perm_id)
        created_dirs.append(dataset_dir)
        (dataset_dir / "original").mkdir(parents=True, exist_ok=True)
        target = dataset_dir / "original" / entry.name
        os.rename(entry, target)
        moved_to.append(target)
        ctx.store.record_files(perm_id)  # CRC32s at registration, in the same transaction

    try:
        perm_id = ctx.store.create_dataset(
            type_code=type_code,
            sample_id=creation.get("sampleId") or None,
            experiment_id=creation.get("experimentId") or None,
            parent_ids=collection(creation.get("parentIds")) or [],
            properties=creation.get("properties") or {},
            user=user,
            size=_tree_size(entry),
            before_commit=move_payload,
        )
    except BaseException:
        # The transaction rolled back: put the upload back, leave no stray folder.
        if moved_to:
            os.rename(moved_to[0], entry)
        for folder in created_dirs:
            shutil.rmtree(folder, ignore_errors=True)
        raise
    entry.parent.rmdir()  # the emptied upload folder goes, as on the real DSS
    return data_set_perm_id(perm_id)
