"""Where a notebook's downloads live, relative to the notebook (shared by server and re-run).

A download record (``metadata.openbis.downloads[]``, see ``src/metadata.ts``) names its folder
and files relative to the notebook's folder and says so with ``"pathBase": "notebook"``, so the
record stays right when the notebook and its data move together. Records written before that
have no ``pathBase``: their paths are relative to the Jupyter root, and they are migrated when
read with the notebook's own root-relative path. ``metadata.datasets`` (the shape earlier
openBIS extensions wrote) is read as a legacy view only.
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping
from typing import Any

PATH_BASE = "notebook"


def notebook_folder(notebook_path: str) -> str:
    """The root-relative folder of a notebook's root-relative API path ("" for the root)."""
    return posixpath.dirname(notebook_path.strip("/"))


def relative_to_notebook(root_relative: str, notebook_path: str) -> str:
    """``root_relative`` (a path from the Jupyter root) seen from the notebook's folder."""
    target = posixpath.normpath(root_relative.strip("/") or ".")
    start = notebook_folder(notebook_path) or "."
    # Both are relative to the same root, so relpath never consults the working directory's
    # real contents; "../" steps up from the notebook's folder.
    return posixpath.relpath(target, start)


def from_notebook(notebook_relative: str, notebook_path: str) -> str:
    """The inverse: a notebook-relative path as a path from the Jupyter root."""
    joined = posixpath.join(notebook_folder(notebook_path), notebook_relative)
    return posixpath.normpath(joined) if joined else "."


def migrate_download(record: Mapping[str, Any], notebook_path: str) -> dict[str, Any]:
    """A download record with notebook-relative paths (unchanged when it already has them)."""
    if record.get("pathBase") == PATH_BASE:
        return dict(record)
    files = []
    for item in record.get("files") or []:
        if isinstance(item, Mapping) and isinstance(item.get("path"), str):
            files.append({**item, "path": relative_to_notebook(item["path"], notebook_path)})
    path = record.get("path")
    return {
        **record,
        "path": relative_to_notebook(path, notebook_path) if isinstance(path, str) else path,
        "pathBase": PATH_BASE,
        "files": files,
    }


def read_downloads(metadata: Mapping[str, Any], notebook_path: str) -> list[dict[str, Any]]:
    """Every download of a notebook, one per data set, paths relative to the notebook.

    Records under ``metadata.openbis.downloads`` come first (the last one for a permId wins);
    a ``metadata.datasets`` entry adds a record (``"legacy": True``) only for a data set the
    first list does not have.
    """
    section = metadata.get("openbis")
    raw = section.get("downloads") if isinstance(section, Mapping) else None
    by_perm: dict[str, dict[str, Any]] = {}
    for record in raw if isinstance(raw, list) else []:
        if isinstance(record, Mapping) and isinstance(record.get("permId"), str):
            by_perm.pop(record["permId"], None)
            by_perm[record["permId"]] = migrate_download(record, notebook_path)
    legacy = metadata.get("datasets")
    for perm, entry in legacy.items() if isinstance(legacy, Mapping) else []:
        if perm in by_perm or not isinstance(entry, Mapping):
            continue
        files = [f for f in entry.get("files") or [] if isinstance(f, str)]
        old = {
            "permId": perm,
            "instance": entry.get("url"),
            "path": entry.get("path") if isinstance(entry.get("path"), str) else None,
            "files": [{"path": f, "size": None, "crc32": None} for f in files],
            "size": entry.get("size"),
            "legacy": True,
        }
        by_perm[perm] = migrate_download(old, notebook_path)
    return list(by_perm.values())
