"""Save a notebook (and chosen files) to openBIS as a new data set, as a job.

Validation happens before the job starts (``prepare``): type masterdata,
property coercion, owner, parents and files, so every mistake is reported
per field and nothing is uploaded. The job then uploads into the openBIS
session workspace (our own sliced upload for byte progress; pybis's
``save()`` reports none) and registers with one DSS ``createUploadedDataSet``
call, the same V3 route pybis uses at API >= 3.6. Registration is atomic on
the openBIS side, so a failure or cancel before it leaves no data set behind;
stray workspace files are removed by openBIS with the session.

The environment files come with the request (``environment``) and are uploaded from a
private folder made for this one save (``envfiles.staged_environment``), so nothing in
the user's folder is written; without it, ``includeEnvironment`` still uploads a
``requirements.txt``/``runtime.txt`` the user keeps beside the notebook.

Every local file is checked when the request comes in (inside the root, after
resolving links) and read, when the job gets to it, through ``paths.open_file``:
from the root down without following links, so a file or folder swapped for a
symlink in between is refused, never read. The notebook and its environment files
are held to the same rule as ``files``: a link leading outside the root is refused.
"""

from __future__ import annotations

import os
import stat
import uuid
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote

import requests

from ..errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    SessionExpired,
    StorageError,
    UpstreamError,
    UpstreamTimeout,
    UpstreamUnreachable,
)
from ..openbis_client import BridgeOpenbis, ca_bundle_error, is_session_rejection
from .browse import PERM_ID_RE, check_ref, fetch_datasets_brief
from .connections import ConnectionRegistry
from .envfiles import staged_environment
from .jobs import Job
from .paths import confined, open_file

_Target = tuple[str, str, "bool | str"]  # DSS URL, session token, TLS verify setting
# pybis's layout: one file lands as original/<name>, several under original/default/.
UPLOAD_FOLDER = "default"


def upload_prefix(plan: SavePlan) -> str:
    """The folder inside the data set (openBIS needs exactly one entry per upload id)."""
    return "" if len(plan.files) == 1 and not plan.empty_dirs else f"{UPLOAD_FOLDER}/"


ENV_FILE_NAMES = ("requirements.txt", "runtime.txt")
MAX_SAVE_PATHS = 1000  # entries of ``files``


@dataclass(frozen=True)
class UploadFile:
    local: Path  # the real location (links resolved), for messages and duplicate checks
    relative: PurePosixPath  # path inside the data set folder
    size: int
    root: Path  # the Jupyter root; the file is read as ``real`` below it, no link followed
    real: PurePosixPath


def _upload_file(root: Path, real: Path, relative: PurePosixPath) -> UploadFile:
    real_root = Path(os.path.realpath(root))
    inside = PurePosixPath(real.relative_to(real_root).as_posix())
    return UploadFile(real, relative, real.stat().st_size, root, inside)


@dataclass(frozen=True)
class SavePlan:
    connection: str
    type_code: str
    owner_kind: str  # "sample" | "experiment"
    owner_id: dict[str, Any]  # V3 id bean
    owner_label: str
    parents: tuple[str, ...]
    properties: dict[str, Any]
    files: tuple[UploadFile, ...]
    empty_dirs: tuple[PurePosixPath, ...]
    instance_url: str
    # {file name: text} captured in the kernel; staged for the upload only (see module doc)
    environment: dict[str, str] = field(default_factory=dict)

    def upload_names(self) -> list[str]:
        """What lands in the data set, environment files included."""
        names = [f.relative.as_posix() for f in self.files]
        return names + [n for n in self.environment if n not in names]


def collect_files(
    root: Path, notebook: Any, extras: Any, include_env: bool, *, allow_hidden: bool, max_files: int
) -> tuple[list[UploadFile], list[PurePosixPath]]:
    """The notebook, its env files and the extra files/folders, all inside the root."""
    nb_api, nb_path = confined(root, notebook, "notebookPath", allow_hidden=allow_hidden)
    if not nb_api.endswith(".ipynb") or not _is_regular(nb_path):
        raise InvalidInput(
            "notebookPath must name an existing notebook", fields={"notebookPath": "not a notebook"}
        )
    if extras is None:
        extras = []
    if not isinstance(extras, list) or not all(isinstance(e, str) for e in extras):
        raise InvalidInput(
            "files must be a list of paths", fields={"files": "must be a list of strings"}
        )
    extras = list(dict.fromkeys(extras))
    if len(extras) > MAX_SAVE_PATHS:
        raise InvalidInput(
            f"files may list at most {MAX_SAVE_PATHS} paths", fields={"files": "too many entries"}
        )
    files: list[UploadFile] = [_upload_file(root, nb_path, PurePosixPath(nb_path.name))]
    empty_dirs: list[PurePosixPath] = []
    if include_env:
        files.extend(_env_files(root, nb_api, allow_hidden))
    for index, raw in enumerate(extras):
        label = f"files[{index}]"
        _, real = confined(root, raw, label, allow_hidden=allow_hidden)
        if real == Path(root).resolve():
            raise InvalidInput(
                "the whole Jupyter root cannot be uploaded", fields={label: "is the root"}
            )
        if _is_regular(real):
            files.append(_upload_file(root, real, PurePosixPath(real.name)))
        elif real.is_dir():
            _walk(root, real, allow_hidden, files, empty_dirs, label)
        else:
            raise InvalidInput(f"{raw} does not exist", fields={label: "not found"})
        if len(files) > max_files:
            raise InvalidInput(
                f"more than {max_files} files selected", fields={label: "too many files"}
            )
    seen: dict[PurePosixPath, Path] = {}
    for item in files:
        if item.relative in seen and seen[item.relative] != item.local:
            raise InvalidInput(
                f"two selected files are both named {item.relative}",
                fields={"files": "duplicate name"},
            )
        seen[item.relative] = item.local
    unique = list({f.relative: f for f in files}.values())
    return unique, empty_dirs


def _is_regular(path: Path) -> bool:
    """A regular file (``path`` is already resolved: a link here appeared since)."""
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


def _env_files(root: Path, nb_api: str, allow_hidden: bool) -> list[UploadFile]:
    """``requirements.txt``/``runtime.txt`` beside the notebook, under the rule of ``files``."""
    found: list[UploadFile] = []
    folder = PurePosixPath(nb_api).parent
    for name in ENV_FILE_NAMES:
        api = (folder / name).as_posix()
        try:
            _, real = confined(root, api, "includeEnvironment", allow_hidden=allow_hidden)
        except Forbidden:
            raise Forbidden(
                f"{api} is a link leading outside the Jupyter root; remove it or save "
                "without includeEnvironment",
                fields={"includeEnvironment": f"{name} leads outside the root"},
            ) from None
        if _is_regular(real):
            found.append(_upload_file(root, real, PurePosixPath(name)))
    return found


def _staged_file(folder: Path, name: str) -> UploadFile:
    """A file of a save's private environment folder (read below it, no link followed)."""
    local = folder / name
    return UploadFile(local, PurePosixPath(name), local.stat().st_size, folder, PurePosixPath(name))


def _walk(
    root: Path,
    folder: Path,
    allow_hidden: bool,
    files: list[UploadFile],
    empty_dirs: list[PurePosixPath],
    label: str,
) -> None:
    real_root = Path(root).resolve()
    for current, dirnames, filenames in os.walk(folder, followlinks=False):
        current_path = Path(current)
        dirnames[:] = sorted(d for d in dirnames if allow_hidden or not d.startswith("."))
        visible = sorted(f for f in filenames if allow_hidden or not f.startswith("."))
        relative_dir = PurePosixPath(folder.name) / current_path.relative_to(folder).as_posix()
        kept = 0
        for name in visible:
            candidate = current_path / name
            real = candidate.resolve()
            if real_root not in real.parents or not _is_regular(real):
                continue  # symlinks leaving the root (or dangling) are not uploaded
            files.append(_upload_file(root, real, PurePosixPath(relative_dir.as_posix()) / name))
            kept += 1
        if not kept and not dirnames:
            empty_dirs.append(PurePosixPath(relative_dir.as_posix()))


def owner_from_request(body: dict[str, Any]) -> tuple[str, str]:
    experiment, sample = body.get("experiment"), body.get("sample")
    if (experiment is None) == (sample is None):
        raise InvalidInput(
            "give exactly one of experiment or sample", fields={"owner": "experiment or sample"}
        )
    if sample is not None:
        return "sample", check_ref(sample, "sample")
    return "experiment", check_ref(experiment, "experiment")


def resolve_owner(client: BridgeOpenbis, kind: str, ref: str) -> tuple[dict[str, Any], str]:
    """Check the owner exists; returns its V3 id bean and identifier."""
    package, cls = ("sample", "Sample") if kind == "sample" else ("experiment", "Experiment")
    if PERM_ID_RE.fullmatch(ref):
        id_bean = {"@type": f"as.dto.{package}.id.{cls}PermId", "permId": ref}
    else:
        id_bean = {"@type": f"as.dto.{package}.id.{cls}Identifier", "identifier": ref.upper()}
    method = "getSamples" if kind == "sample" else "getExperiments"
    found = client.as_call(
        method, [id_bean], {"@type": f"as.dto.{package}.fetchoptions.{cls}FetchOptions"}
    )
    if not isinstance(found, dict) or not found:
        raise NotFound(f"no {kind} {ref!r}", fields={kind: "not found"})
    entity = next(iter(found.values()))
    ident = entity.get("identifier") if isinstance(entity, dict) else None
    label = ident.get("identifier") if isinstance(ident, dict) else ref
    return id_bean, str(label)


def check_parents(client: BridgeOpenbis, parents: Any) -> tuple[str, ...]:
    if parents is None:
        return ()
    if not isinstance(parents, list) or len(parents) > 100:
        raise InvalidInput(
            "parents must be a list of at most 100 permIds", fields={"parents": "invalid"}
        )
    for index, parent in enumerate(parents):
        if not isinstance(parent, str) or not PERM_ID_RE.fullmatch(parent):
            raise InvalidInput(
                "parents must be data-set permIds", fields={f"parents[{index}]": "not a permId"}
            )
    unique = tuple(dict.fromkeys(parents))
    if unique:
        known = fetch_datasets_brief(client, list(unique))
        missing = [p for p in unique if p not in known]
        if missing:
            raise NotFound(
                f"no data set {missing[0]!r}", fields={"parents": f"unknown: {', '.join(missing)}"}
            )
    return unique


def eln_link(instance_url: str, perm_id: str) -> str:
    return f"{instance_url}/openbis/webapp/eln-lims/?menuUniqueId=null&viewName=showViewDataSetPageFromPermId&viewData={quote(perm_id)}"


class Uploader:
    def __init__(self, registry: ConnectionRegistry, *, chunk_bytes: int, timeout: float) -> None:
        self._registry = registry
        self._chunk = chunk_bytes
        self._timeout = timeout

    def run(self, job: Job, plan: SavePlan) -> dict[str, Any]:
        with staged_environment(plan.environment) as folder:
            if folder is not None:
                staged = tuple(_staged_file(folder, name) for name in plan.environment)
                kept = tuple(f for f in plan.files if f.relative.as_posix() not in plan.environment)
                plan = replace(plan, files=kept + staged)
            return self._run(job, plan)

    def _run(self, job: Job, plan: SavePlan) -> dict[str, Any]:
        job.set_totals(files=len(plan.files), size=sum(f.size for f in plan.files))

        def live_session(client: BridgeOpenbis) -> tuple[str, str, bool | str]:
            # The workspace belongs to the session: make sure it is alive (renewed if we can) first.
            if not client.is_session_active():
                raise SessionExpired("the openBIS session has expired")
            return client.token, client.dss_url(), client.verify

        token, dss_url, verify = self._registry.call(plan.connection, live_session)
        upload_id = str(uuid.uuid4())
        http = requests.Session()
        try:
            for item in plan.files:
                job.check_cancelled()
                job.set_current(item.relative.as_posix())
                try:
                    self._upload_file(
                        http,
                        (dss_url, token, verify),
                        f"{upload_id}/{upload_prefix(plan)}",
                        item,
                        job,
                    )
                except OSError as exc:
                    raise StorageError(
                        f"{item.relative}: could not be read ({exc.strerror or 'I/O error'})"
                    ) from None
                job.file_done()
            for folder in plan.empty_dirs:
                self._post(
                    http,
                    (dss_url, token, verify),
                    f"{upload_id}/{upload_prefix(plan)}{folder.as_posix()}/",
                    1,
                    0,
                    0,
                    None,
                    empty=True,
                )
        finally:
            http.close()
        job.check_cancelled()  # last point where cancelling leaves nothing registered
        creation = {
            "@type": "dss.dto.dataset.create.UploadedDataSetCreation",
            "typeId": {
                "@type": "as.dto.entitytype.id.EntityTypePermId",
                "permId": plan.type_code,
                "entityKind": "DATA_SET",
            },
            "properties": plan.properties,
            "parentIds": [
                {"@type": "as.dto.dataset.id.DataSetPermId", "permId": p} for p in plan.parents
            ],
            "uploadId": upload_id,
            f"{plan.owner_kind}Id": plan.owner_id,
        }

        def register(client: BridgeOpenbis) -> str:
            if client.token != token:
                # A renewed session has an empty workspace: the upload is gone.
                raise Conflict("the openBIS session changed during the upload; please save again")
            result = client.dss_call("createUploadedDataSet", creation)
            perm = result.get("permId") if isinstance(result, dict) else None
            if not isinstance(perm, str):
                raise UpstreamError("openBIS did not return the new data set's permId")
            return perm

        perm_id = self._registry.call(plan.connection, register)
        return {
            "permId": perm_id,
            "url": eln_link(plan.instance_url, perm_id),
            "type": plan.type_code,
            "owner": {"kind": plan.owner_kind, "identifier": plan.owner_label},
            "parents": list(plan.parents),
            "files": [f"original/{upload_prefix(plan)}{f.relative.as_posix()}" for f in plan.files],
        }

    def _upload_file(
        self, http: requests.Session, target: _Target, folder: str, item: UploadFile, job: Job
    ) -> None:
        name = f"{folder}{item.relative.as_posix()}"
        # Walked down from the root without following links: a swapped-in link is refused.
        with os.fdopen(open_file(item.root, item.real, "files"), "rb") as handle:
            offset, part = 0, 1
            while True:
                job.check_cancelled()
                block = handle.read(self._chunk)
                if not block and offset > 0:
                    break
                self._post(http, target, name, part, offset, offset + len(block), block)
                job.add_bytes(len(block))
                offset += len(block)
                part += 1
                if not block:
                    break  # an empty file is one empty slice

    def _post(
        self,
        http: requests.Session,
        target: _Target,
        name: str,
        part: int,
        start: int,
        end: int,
        body: bytes | None,
        empty: bool = False,
    ) -> None:
        dss_url, token, verify = target
        params = {
            "filename": name,
            "id": str(part),
            "startByte": str(start),
            "endByte": str(end),
            "emptyFolder": "true" if empty else "false",
            "sessionID": token,
        }
        try:
            response = http.post(
                f"{dss_url}/datastore_server/session_workspace_file_upload",
                params=params,
                data=body or b"",
                timeout=self._timeout,
                verify=verify,
            )
        except requests.Timeout:
            raise UpstreamTimeout("openBIS did not accept the upload in time") from None
        except requests.RequestException:
            raise UpstreamUnreachable(
                "the connection to openBIS was lost during the upload"
            ) from None
        except OSError as exc:  # a missing CA bundle; not a local file error
            raise ca_bundle_error(verify, exc) from None
        if not response.ok and is_session_rejection(response.text):
            raise SessionExpired(
                "the openBIS session expired during the upload; nothing was registered, save again"
            )
        if not response.ok:
            raise UpstreamError(f"openBIS refused the upload (HTTP {response.status_code})")
        try:
            answer = response.json()
        except ValueError:
            raise UpstreamError("openBIS sent an unexpected upload answer") from None
        if not empty and (
            answer.get("status") != "ok" or int(answer.get("size", -1)) != len(body or b"")
        ):
            raise UpstreamError("openBIS did not store the uploaded bytes")
