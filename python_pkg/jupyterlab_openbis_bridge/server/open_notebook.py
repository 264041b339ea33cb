"""Open a notebook saved in openBIS: its ANALYSIS_NOTEBOOK data set laid out in the Jupyter root.

The folder is ``openbis/<permId>/`` (relative to the root, as the re-run job's folders are):
the notebook, its ``requirements.txt`` and ``runtime.txt`` beside it, and, when asked for,
its parent data sets where the notebook's provenance says it read them. What goes where is
decided by the shared re-run package (``rerun.fetch``, ``rerun.layout``): one way to lay a
saved notebook out. Files are fetched by pybis into a private staging folder outside the
root and copied in through descriptors walked down from the root without following links
(``paths.open_dir``): a link planted at ``openbis/`` or ``openbis/<permId>/`` is refused
(403) and nothing is written through it. An existing file is never replaced: a second open,
or two at once, keep local edits, and the notebook is written last, so its presence means
the folder is complete ("already open").

The notebook gets an upload record of its data set (``metadata.openbis.uploads``, as a save
writes it), so the Save dialog offers "new version of this data set".
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import stat
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from ..errors import (
    BridgeError,
    Conflict,
    InvalidInput,
    SessionExpired,
    StorageError,
    UpstreamError,
)
from ..openbis_client import BridgeOpenbis
from ..rerun import RerunFailed
from ..rerun.fetch import REQUIREMENTS, RUNTIME, choose_notebook, download, fetch_saved_notebook
from ..rerun.fetch import get_dataset as fetch_dataset
from ..rerun.layout import NOTEBOOK_FOLDER, Layout, placements, plan_layout
from .browse import (
    DATASET_FO,
    PERM_ID_RE,
    dataset_detail,
    dataset_json,
    fetch_datasets_brief,
    search_page,
)
from .connections import ConnectionRegistry
from .jobs import Job
from .paths import open_dir, parse_relative
from .provenance import merge_uploads, upload_record
from .rerun_job import RERUN_FOLDER
from .save import eln_link

OPEN_FOLDER = RERUN_FOLDER  # openbis/<permId>/: the re-run's folders sit beside the notebook
MAX_DEPTH = 16  # notebook/notebook/…: how far records may step up from the notebook's folder
_CHUNK = 1024 * 1024
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | getattr(os, "O_CLOEXEC", 0)


@dataclass(frozen=True)
class OpenRequest:
    perm_id: str
    parents: bool  # also fetch the parent data sets (default off: they may be large)


@dataclass
class NotebookInfo:
    perm_id: str
    type: str
    name: str | None  # $NAME
    notebook: str  # the notebook's path in the data set
    owner: dict[str, Any]
    registered: str | None
    parents: list[dict[str, Any]] = field(default_factory=list)  # permId, type, size, name

    def as_json(self) -> dict[str, Any]:
        return {
            "permId": self.perm_id,
            "type": self.type,
            "name": self.name,
            "notebookFile": PurePosixPath(self.notebook).name,
            "owner": self.owner,
            "registered": self.registered,
            "parents": self.parents,
            "parentsSize": sum(p.get("size") or 0 for p in self.parents),
        }


def check_perm_id(raw: object) -> str:
    if not isinstance(raw, str) or not PERM_ID_RE.fullmatch(raw):
        raise InvalidInput("permId must be a data-set permId", fields={"permId": "not a permId"})
    return raw


def parse_open_request(body: Mapping[str, Any]) -> OpenRequest:
    unknown = set(body) - {"permId", "parents"}
    if unknown:
        raise InvalidInput("unknown fields", fields={k: "unknown field" for k in sorted(unknown)})
    parents = body.get("parents", False)
    if not isinstance(parents, bool):
        raise InvalidInput("parents must be true or false", fields={"parents": "must be a boolean"})
    return OpenRequest(check_perm_id(body.get("permId")), parents)


def describe_notebook(client: BridgeOpenbis, perm_id: str, notebook_type: str) -> NotebookInfo:
    """What the Open dialog shows; 404 for an unknown data set, 400 for another type."""
    detail = dataset_detail(client, perm_id)  # NotFound when openBIS has no such data set
    if detail.get("type") != notebook_type:
        raise InvalidInput(
            f"{perm_id} is a {detail.get('type')} data set, not {notebook_type}",
            fields={"permId": f"not an {notebook_type} data set"},
        )
    try:
        notebook = choose_notebook([str(f.get("path", "")) for f in detail["files"]], perm_id)
    except RerunFailed as failure:
        raise Conflict(failure.message, fields={"permId": "no notebook"}) from None
    parent_ids = [p["permId"] for p in detail["parents"] if p.get("permId") != perm_id]
    brief = fetch_datasets_brief(client, parent_ids) if parent_ids else {}
    parents = [
        {
            "permId": perm,
            "type": (brief.get(perm) or {}).get("type"),
            "size": (brief.get(perm) or {}).get("size"),
            "name": ((brief.get(perm) or {}).get("properties") or {}).get("$NAME"),
        }
        for perm in parent_ids
    ]
    return NotebookInfo(
        perm_id=perm_id,
        type=str(detail["type"]),
        name=(detail.get("properties") or {}).get("$NAME"),
        notebook=notebook,
        owner=detail["owner"],
        registered=detail.get("registrationDate"),
        parents=parents,
    )


def list_notebooks(
    client: BridgeOpenbis, notebook_type: str, query: str, offset: int, limit: int
) -> dict[str, Any]:
    """One page of the saved notebooks, optionally those whose code or $NAME holds ``query``."""

    def string_leaf(kind: str, name: str, value: str, field_type: str = "ATTRIBUTE") -> Any:
        return {
            "@type": f"as.dto.common.search.{kind}SearchCriteria",
            "fieldName": name,
            "fieldType": field_type,
            "fieldValue": {"@type": "as.dto.common.search.StringContainsValue", "value": value},
        }

    by_type = {
        "@type": "as.dto.dataset.search.DataSetTypeSearchCriteria",
        "operator": "AND",
        "criteria": [
            {
                "@type": "as.dto.common.search.CodeSearchCriteria",
                "fieldName": "code",
                "fieldType": "ATTRIBUTE",
                "fieldValue": {
                    "@type": "as.dto.common.search.StringEqualToValue",
                    "value": notebook_type,
                },
            }
        ],
    }
    leaves: list[Any] = [by_type]
    text = query.strip()
    if PERM_ID_RE.fullmatch(text):
        leaves.append({**string_leaf("PermId", "perm_id", text)})
        leaves[-1]["fieldValue"]["@type"] = "as.dto.common.search.StringEqualToValue"
    elif text:
        leaves.append(
            {
                "@type": "as.dto.dataset.search.DataSetSearchCriteria",
                "operator": "OR",
                "criteria": [
                    string_leaf("Code", "code", text),
                    string_leaf("StringProperty", "$NAME", text, "PROPERTY"),
                ],
            }
        )
    criteria = {"@type": "as.dto.dataset.search.DataSetSearchCriteria", "operator": "AND"}
    return search_page(
        client,
        "searchDataSets",
        {**criteria, "criteria": leaves},
        DATASET_FO,
        offset,
        limit,
        dataset_json,
    )


# --- the local folder ------------------------------------------------------------------------


def folder_of(perm_id: str) -> PurePosixPath:
    return PurePosixPath(OPEN_FOLDER, perm_id)


def find_opened(root: Path, perm_id: str, notebook_file: str) -> str | None:
    """The notebook's API path when ``openbis/<permId>/`` already holds it, else None.

    The layout puts the notebook ``depth`` folders named ``notebook`` down when its
    records step up; each level is opened without following links (a link: 403).
    """
    here = folder_of(perm_id)
    for _ in range(MAX_DEPTH + 1):
        try:
            with open_dir(root, here, "permId") as folder:
                if _is_regular(folder, notebook_file):
                    return (here / notebook_file).as_posix()
        except Conflict:  # the folder does not exist: nothing opened at this depth or below
            return None
        here = here / NOTEBOOK_FOLDER
    return None


def _is_regular(folder: int, name: str) -> bool:
    try:
        info = os.stat(name, dir_fd=folder, follow_symlinks=False)
    except FileNotFoundError:
        return False
    return stat.S_ISREG(info.st_mode)


def copy_new(
    root: Path, folder: PurePosixPath, name: str, source: Path, job: Job | None = None
) -> bool:
    """Copy ``source`` to ``folder/name`` under the root unless that name exists (False).

    The folder is made and opened from the root without following links; the copy goes to
    a hidden temporary name and is linked to ``name`` only if nothing is there (a file
    that appeared meanwhile wins), so no file is ever replaced or written through a link.
    """
    with open_dir(root, folder, "permId", create=True) as fd:
        if _exists(fd, name):
            return False
        temp = f".openbis-open-{secrets.token_hex(6)}.part"
        try:
            out = os.open(temp, _CREATE, 0o644, dir_fd=fd)
        except OSError as exc:
            raise StorageError(f"{folder / name}: {exc.strerror or 'cannot be written'}") from None
        try:
            with os.fdopen(out, "wb") as sink, source.open("rb") as data:
                while block := data.read(_CHUNK):
                    sink.write(block)
                    if job is not None:
                        job.add_bytes(len(block))
                sink.flush()
                os.fsync(sink.fileno())
            try:
                os.link(temp, name, src_dir_fd=fd, dst_dir_fd=fd, follow_symlinks=False)
            except FileExistsError:
                return False
            return True
        finally:
            try:
                os.unlink(temp, dir_fd=fd)
            except OSError:
                pass


def _staged(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _exists(folder: int, name: str) -> bool:
    try:
        os.stat(name, dir_fd=folder, follow_symlinks=False)
    except FileNotFoundError:
        return False
    return True


# --- the job ---------------------------------------------------------------------------------


@dataclass
class _Placed:
    written: int = 0
    kept: int = 0  # already there: never replaced
    skipped: list[str] = field(default_factory=list)  # refused names


class NotebookOpener:
    """The ``open`` job: fetch, lay out, write; the result names the notebook to open."""

    def __init__(
        self,
        registry: ConnectionRegistry,
        *,
        root: Path,
        timeout: float,
        allow_hidden: bool,
    ) -> None:
        self._registry = registry
        self._root = root
        self._timeout = timeout
        self._allow_hidden = allow_hidden

    def run(self, job: Job, request: OpenRequest, info: NotebookInfo) -> dict[str, Any]:
        notebook_file = PurePosixPath(info.notebook).name
        answer = {"permId": request.perm_id, "folder": folder_of(request.perm_id).as_posix()}
        opened = find_opened(self._root, request.perm_id, notebook_file)
        if opened is not None:
            return {**answer, "notebook": opened, "alreadyOpen": True, "written": 0, "notes": []}
        client = self._client(job.connection)
        staging = Path(tempfile.mkdtemp(prefix="openbis-bridge-open-"))  # private, mode 0700
        try:
            return {**answer, **self._lay_out(job, client, request, info, staging)}
        except RerunFailed as failure:
            raise UpstreamError(f"{failure.message}: {failure.detail}".rstrip(": ")) from None
        finally:
            shutil.rmtree(staging, ignore_errors=True)

    def _client(self, connection: str) -> BridgeOpenbis:
        """A client of its own on the connection's session: a long fetch never holds its lane."""

        def live_session(client: BridgeOpenbis) -> tuple[str, str, bool | str]:
            if not client.is_session_active():
                raise SessionExpired("the openBIS session has expired")
            return client.token, client.url, client.verify

        token, url, verify = self._registry.call(connection, live_session)
        client = BridgeOpenbis(url, verify=verify, timeout=self._timeout)
        client.login_with_token(token)
        return client

    def _lay_out(
        self,
        job: Job,
        client: BridgeOpenbis,
        request: OpenRequest,
        info: NotebookInfo,
        staging: Path,
    ) -> dict[str, Any]:
        job.set_current(f"notebook data set {request.perm_id}")
        saved = fetch_saved_notebook(client, request.perm_id, staging / "notebook")
        layout = plan_layout(Path("."), saved.content, [p["permId"] for p in info.parents])
        here = PurePosixPath(layout.notebook_folder.as_posix())
        text = self._notebook_text(saved.content, request.perm_id, info, job.connection)
        notebook_source = staging / "notebook.ipynb"
        notebook_source.write_text(text, encoding="utf-8")
        # The environment files first: a parent's file of the same name never takes their place.
        files = [
            (here / name, _staged(staging / name, content))
            for content, name in ((saved.requirements, REQUIREMENTS), (saved.runtime, RUNTIME))
            if content is not None
        ]
        inputs = [p["permId"] for p in info.parents] if request.parents else []
        files += self._fetch_parents(job, client, inputs, layout, staging / "inputs")
        job.set_totals(
            files=len(files) + 1,
            size=sum(s.stat().st_size for _, s in files) + notebook_source.stat().st_size,
        )
        placed = self._write(job, files, request.perm_id)
        job.check_cancelled()
        # Last: the notebook's presence says the folder is complete.
        name = PurePosixPath(saved.name).name
        written = self._place(job, here / name, notebook_source, request.perm_id, placed)
        notebook = (folder_of(request.perm_id) / here / name).as_posix()
        notes = list(layout.notes) if request.parents else []
        notes += [f"{n}: refused name, not written" for n in placed.skipped]
        if placed.kept:
            notes.append(f"{placed.kept} files were already there and were kept")
        return {
            "notebook": notebook,
            "alreadyOpen": not written,
            "written": placed.written,
            "kept": placed.kept,
            "parents": inputs,
            "notes": notes,
        }

    def _fetch_parents(
        self, job: Job, client: BridgeOpenbis, inputs: list[str], layout: Layout, staging: Path
    ) -> list[tuple[PurePosixPath, Path]]:
        """Download each parent; its files and their places relative to ``openbis/<permId>``."""
        files = []
        for perm in inputs:
            job.check_cancelled()
            job.set_current(f"parent data set {perm}")
            folder = download(fetch_dataset(client, perm), None, staging)
            files += [
                (place, source) for source, place in placements(folder, layout, perm, Path("."))
            ]
        return files

    def _write(self, job: Job, files: list[tuple[PurePosixPath, Path]], perm_id: str) -> _Placed:
        placed = _Placed()
        for place, source in files:
            job.check_cancelled()
            self._place(job, place, source, perm_id, placed)
        return placed

    def _place(
        self, job: Job, place: PurePosixPath, source: Path, perm_id: str, placed: _Placed
    ) -> bool:
        target = folder_of(perm_id) / place
        try:  # names from openBIS and the notebook's records: the root's rules apply
            parse_relative(target.as_posix(), "path", allow_hidden=self._allow_hidden)
        except BridgeError:
            placed.skipped.append(place.as_posix())
            return False
        job.set_current(target.as_posix()[:200])
        new = copy_new(self._root, target.parent, target.name, source, job)
        job.file_done(skipped=not new)
        if new:
            placed.written += 1
        else:
            placed.kept += 1
        return new

    def _notebook_text(
        self, content: dict[str, Any], perm_id: str, info: NotebookInfo, connection: str
    ) -> str:
        """The notebook with an upload record of its own data set (Save: "new version")."""
        metadata = content.setdefault("metadata", {})
        uploads = (metadata.get("openbis") or {}).get("uploads") or []
        instance = str(self._registry.get(connection).profile.url).rstrip("/")
        if not any(isinstance(u, Mapping) and u.get("permId") == perm_id for u in uploads):
            result = {
                "permId": perm_id,
                "url": eln_link(instance, perm_id),
                "type": info.type,
                "owner": info.owner,
                "parents": [p["permId"] for p in info.parents],
            }
            record = upload_record(connection, instance, result, info.registered)
            # Opened to continue it: Save starts on "new version"; after the notebook's
            # own save (a record without the mark) the user chooses again.
            record["opened"] = True
            merge_uploads(metadata, [record])
        return json.dumps(content, indent=1, ensure_ascii=False) + "\n"
