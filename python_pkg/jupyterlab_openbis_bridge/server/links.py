"""**Link instead of copy**: ``<destination>/<permId>`` as a symlink into a data store mount.

The link is relative and stays inside the Jupyter root (the mount is under it too), so the
root's confinement rules hold for it like for any other in-root link. Its provenance record
is a download record marked ``linked`` with the mounted ``target``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from ..errors import Conflict, InvalidInput, NotFound, StorageError
from .browse import PERM_ID_RE
from .mounts import MOUNTS_FOLDER
from .paths import api_path, confined
from .provenance import download_records

DATA_SET_FETCH = {
    "@type": "as.dto.dataset.fetchoptions.DataSetFetchOptions",
    "experiment": {"@type": "as.dto.experiment.fetchoptions.ExperimentFetchOptions"},
    "type": {"@type": "as.dto.dataset.fetchoptions.DataSetTypeFetchOptions"},
    "physicalData": {"@type": "as.dto.dataset.fetchoptions.PhysicalDataFetchOptions"},
}


def check_link_request(body: dict[str, Any]) -> tuple[str, Any, Any]:
    """``(permId, destination or None, notebookPath or None)`` of a link request body."""
    unknown = set(body) - {"permId", "destination", "notebookPath"}
    if unknown:
        raise InvalidInput("unknown fields", fields={k: "unknown field" for k in sorted(unknown)})
    perm_id = body.get("permId")
    if not isinstance(perm_id, str) or not PERM_ID_RE.fullmatch(perm_id):
        raise InvalidInput("permId must be a data-set permId", fields={"permId": "not a permId"})
    return perm_id, body.get("destination"), body.get("notebookPath")


def experiment_of(client: Any, perm_id: str) -> tuple[str, str | None, int]:
    """The data set's experiment identifier, type code and size, as openBIS reports them."""
    found = client.as_call(
        "getDataSets",
        [{"@type": "as.dto.dataset.id.DataSetPermId", "permId": perm_id}],
        DATA_SET_FETCH,
    )
    data_set = found.get(perm_id) if isinstance(found, dict) else None
    if not data_set:
        raise NotFound(f"data set {perm_id} not found")
    experiment = data_set.get("experiment") or {}
    identifier = (experiment.get("identifier") or {}).get("identifier")
    if not identifier:
        raise Conflict(
            f"data set {perm_id} belongs to no collection, so the data store's SFTP view "
            "does not show it; download it instead"
        )
    size = (data_set.get("physicalData") or {}).get("size")
    return identifier, (data_set.get("type") or {}).get("code"), size or 0


def make_link(
    root: Path, destination: str, perm_id: str, folder: Path, *, allow_hidden: bool
) -> tuple[str, str]:
    """Create ``destination/perm_id`` → ``folder``; returns both as API paths."""
    _, real_destination = confined(root, destination, "destination", allow_hidden=allow_hidden)
    mounts = Path(os.path.realpath(root)) / MOUNTS_FOLDER
    if real_destination == mounts or mounts in real_destination.parents:
        raise InvalidInput(
            "a link cannot be made inside the mounted data stores",
            fields={"destination": "inside a mount"},
        )
    link = real_destination / perm_id
    target = os.path.relpath(folder, real_destination)
    link_path = api_path(root, real_destination) + f"/{perm_id}"
    try:
        real_destination.mkdir(parents=True, exist_ok=True)
        if os.path.islink(link) and os.readlink(link) == target:
            return link_path, api_path(root, folder)  # made before: nothing to do
        if os.path.lexists(link):
            raise Conflict(
                f"{link_path} already exists; remove it first", fields={"destination": "exists"}
            )
        os.symlink(target, link, target_is_directory=True)
    except OSError as exc:
        raise StorageError(f"could not create {link_path}: {exc.strerror}") from None
    return link_path, api_path(root, folder)


def link_record(
    connection: str,
    instance: str,
    perm_id: str,
    link_path: str,
    target: str,
    type_code: str | None,
    size: int,
    notebook_path: str | None,
) -> dict[str, Any]:
    """A download record (``provenance``) marked ``linked``: no bytes were copied."""
    listing = [{"permId": perm_id, "path": link_path, "type": type_code, "files": [], "size": size}]
    record = download_records(connection, instance, listing, {}, notebook_path=notebook_path)[0]
    return {**record, "linked": True, "target": target}
