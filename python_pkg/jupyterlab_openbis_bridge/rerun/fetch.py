"""Fetch phase: the notebook data set's notebook and environment files, and its inputs' files.

Everything goes through pybis (the client the caller logged in with). Files arrive in a
private staging folder inside the work folder and are moved into place by ``layout``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from .model import RerunFailed

PHASE = "fetch"
REQUIREMENTS = "requirements.txt"
RUNTIME = "runtime.txt"


@dataclass
class SavedNotebook:
    perm_id: str
    dataset: Any  # pybis DataSet
    name: str  # file name of the notebook
    content: dict[str, Any]  # the notebook as saved (JSON)
    requirements: str | None
    runtime: str | None
    parents: list[str]
    owner: tuple[str, str] | None  # ("experiment" | "sample", identifier)
    properties: dict[str, Any]


def get_dataset(client: Any, perm_id: str) -> Any:
    try:
        return client.get_dataset(perm_id)
    except ValueError as exc:  # pybis: "no such dataset", bad permId, …
        raise RerunFailed(PHASE, f"openBIS has no data set {perm_id}", str(exc)) from None


def choose_notebook(file_list: list[str], perm_id: str) -> str:
    """The saved notebook: the shallowest ``.ipynb`` outside hidden folders."""
    candidates = [
        f
        for f in file_list
        if f.endswith(".ipynb") and not any(p.startswith(".") for p in PurePosixPath(f).parts)
    ]
    if not candidates:
        raise RerunFailed(PHASE, f"data set {perm_id} holds no notebook (.ipynb)")
    return min(candidates, key=lambda f: (len(PurePosixPath(f).parts), f))


def download(dataset: Any, files: list[str] | None, staging: Path) -> Path:
    """Download ``files`` (all when None) of ``dataset``; returns the folder holding its paths."""
    try:
        dataset.download(
            files=files,
            destination=str(staging),
            create_default_folders=True,
            wait_until_finished=True,
        )
    except (ValueError, OSError) as exc:
        raise RerunFailed(
            PHASE, f"could not download data set {dataset.permId}", str(exc)
        ) from None
    return staging / dataset.permId


def fetch_saved_notebook(client: Any, perm_id: str, staging: Path) -> SavedNotebook:
    dataset = get_dataset(client, perm_id)
    file_list = list(dataset.file_list or [])
    notebook = choose_notebook(file_list, perm_id)
    folder = PurePosixPath(notebook).parent
    wanted = [notebook] + [
        (folder / name).as_posix()
        for name in (REQUIREMENTS, RUNTIME)
        if (folder / name).as_posix() in file_list
    ]
    base = download(dataset, wanted, staging)
    try:
        content = json.loads((base / notebook).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise RerunFailed(
            PHASE, f"{notebook} of {perm_id} is not a readable notebook", str(exc)
        ) from None

    def text(name: str) -> str | None:
        path = base / folder / name
        return path.read_text(encoding="utf-8") if path.is_file() else None

    return SavedNotebook(
        perm_id=perm_id,
        dataset=dataset,
        name=PurePosixPath(notebook).name,
        content=content,
        requirements=text(REQUIREMENTS),
        runtime=text(RUNTIME),
        parents=[str(p) for p in (dataset.parents or [])],
        owner=_owner(dataset),
        properties=_properties(dataset),
    )


def _owner(dataset: Any) -> tuple[str, str] | None:
    sample = getattr(dataset, "sample", None)
    if sample is not None:
        return "sample", str(getattr(sample, "identifier", sample))
    experiment = getattr(dataset, "experiment", None)
    if experiment is not None:
        return "experiment", str(getattr(experiment, "identifier", experiment))
    return None


def _properties(dataset: Any) -> dict[str, Any]:
    try:
        return {str(k).upper(): v for k, v in dataset.props.all().items() if v not in (None, "")}
    except (AttributeError, ValueError):
        return {}
