"""Download jobs: data-set files from openBIS into a folder under the Jupyter root.

Transport: the plain DSS file servlet, ``GET /datastore_server/<permId>/<path>?sessionID=``,
streamed with ``requests`` in a transfer thread. pybis's ``download()`` (fast
download) writes chunks from several threads into the final file names and
offers neither byte progress nor cancellation; one streamed GET per file gives
both, with a read timeout per chunk, and lets us verify each file before it
gets its final name.

Every file is written to a hidden temporary name in its target folder, checked
against the size and CRC32 from ``searchFiles``, and only then renamed. A
file already present with the right size and CRC32 is skipped, so a retry
continues where a failed job stopped.

Nothing is opened by path: the target folder is opened (and made) one component
at a time from a descriptor of the root without following links (``paths.open_dir``),
the temporary file is created in it with ``O_EXCL | O_NOFOLLOW`` and renamed
within it. A folder swapped for a symlink during the transfer is never written
through; the job fails instead. A symlink at a final name is replaced, never
written through.

``parse_download_request`` checks a request body before any of this starts.
"""

from __future__ import annotations

import os
import stat
import threading
import zlib
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor, as_completed, wait
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote

import requests

from ..errors import (
    BridgeError,
    ChecksumMismatch,
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    SessionExpired,
    StorageError,
    UpstreamError,
)
from ..openbis_client import BridgeOpenbis, transport_error
from .browse import PERM_ID_RE, fetch_datasets_brief, search_files
from .connections import ConnectionRegistry
from .jobs import Job
from .paths import (
    open_dir,
    open_file,
    parse_relative,
    real_relative,
    resolve_in_root,
    same_dir,
)
from .settings import BridgeSettings

READ_CHUNK = 256 * 1024
FILE_STREAMS = 4  # files of one job fetched at the same time
SESSION_EXPIRED_MARKER = b"Download session expired"
DOWNLOADABLE_STATUSES = {"AVAILABLE", "LOCKED"}
MAX_DOWNLOAD_DATASETS = 100
MAX_DOWNLOAD_PATHS = 1000  # entries of ``files``
_CREATE_FLAGS = (
    os.O_WRONLY
    | os.O_CREAT
    | os.O_EXCL
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_CLOEXEC", 0)
)


@dataclass(frozen=True)
class PlannedFile:
    perm_id: str
    remote_path: str
    local: Path  # final location (absolute, inside the root; the last name is not resolved)
    api_path: str  # contents-API path of ``local``
    folder: PurePosixPath  # real folder of ``local``, relative to the real root
    size: int
    crc32: int | None

    @property
    def name(self) -> str:
        return self.local.name


@dataclass(frozen=True)
class DownloadRequest:
    connection: str
    perm_ids: tuple[str, ...]
    destination: PurePosixPath  # folder relative to the root; each data set gets <permId>/ below it
    files: tuple[str, ...] | None  # subset of data-set paths (single data set only)
    flatten: bool  # put the files of a single data set directly into ``destination``
    keep_original_folder: bool
    overwrite: bool


def parse_download_request(
    name: str, body: Mapping[str, Any], settings: BridgeSettings
) -> DownloadRequest:
    """Check a ``POST .../downloads`` body; nothing is fetched or written yet."""
    allowed = {
        "permIds",
        "files",
        "destination",
        "notebookPath",
        "flatten",
        "keepOriginalFolder",
        "overwrite",
    }
    unknown = set(body) - allowed
    if unknown:
        raise InvalidInput("unknown fields", fields={k: "unknown field" for k in sorted(unknown)})
    perm_ids = body.get("permIds")
    if not isinstance(perm_ids, list) or not 1 <= len(perm_ids) <= MAX_DOWNLOAD_DATASETS:
        raise InvalidInput(
            f"permIds must list 1-{MAX_DOWNLOAD_DATASETS} data sets",
            fields={"permIds": "invalid"},
        )
    for index, perm in enumerate(perm_ids):
        if not isinstance(perm, str) or not PERM_ID_RE.fullmatch(perm):
            raise InvalidInput(
                "permIds must be data-set permIds", fields={f"permIds[{index}]": "not a permId"}
            )
    flags = {
        key: body.get(key, default)
        for key, default in (
            ("flatten", False),
            ("keepOriginalFolder", settings.keep_original_folder),
            ("overwrite", False),
        )
    }
    for key, value in flags.items():
        if not isinstance(value, bool):
            raise InvalidInput(f"{key} must be true or false", fields={key: "must be a boolean"})
    unique = tuple(dict.fromkeys(perm_ids))
    files = body.get("files")
    if files is not None:
        if len(unique) != 1:
            raise InvalidInput(
                "files can only be chosen for a single data set",
                fields={"files": "single data set only"},
            )
        if not isinstance(files, list) or not files or not all(isinstance(f, str) for f in files):
            raise InvalidInput(
                "files must be a non-empty list of paths", fields={"files": "invalid"}
            )
        files = list(dict.fromkeys(files))
        if len(files) > MAX_DOWNLOAD_PATHS:
            raise InvalidInput(
                f"files may list at most {MAX_DOWNLOAD_PATHS} paths",
                fields={"files": "too many entries"},
            )
        for index, path in enumerate(files):
            parse_relative(path, f"files[{index}]", allow_hidden=True)
    if flags["flatten"] and len(unique) != 1:
        raise InvalidInput(
            "flatten needs a single data set", fields={"flatten": "single data set only"}
        )
    destination = _destination(body, settings)
    return DownloadRequest(
        connection=name,
        perm_ids=unique,
        destination=destination,
        files=tuple(files) if files is not None else None,
        flatten=flags["flatten"],
        keep_original_folder=flags["keepOriginalFolder"],
        overwrite=flags["overwrite"],
    )


def _destination(body: Mapping[str, Any], settings: BridgeSettings) -> PurePosixPath:
    hidden = settings.allow_hidden
    if body.get("destination") is not None:
        destination = parse_relative(
            body["destination"], "destination", allow_hidden=hidden, allow_empty=True
        )
    elif body.get("notebookPath") is not None:
        notebook = parse_relative(body["notebookPath"], "notebookPath", allow_hidden=hidden)
        destination = notebook.parent / settings.download_folder
    else:
        raise InvalidInput(
            "give a destination or the notebookPath", fields={"destination": "required"}
        )
    resolve_in_root(settings.root_dir, destination, "destination")
    return destination


@dataclass(frozen=True)
class DownloadPlan:
    request: DownloadRequest
    files: tuple[PlannedFile, ...]
    listing: list[dict[str, Any]]


@dataclass(frozen=True)
class SessionInfo:
    token: str
    dss_url: str
    verify: bool | str


class _Stopped(Exception):
    """Another file of the same job failed: give up this one quietly."""


class _SharedSession:
    """The openBIS session used by a job's file threads; renewed once when it expires."""

    def __init__(self, lookup: Callable[[bool], SessionInfo]) -> None:
        self._lookup = lookup
        self._lock = threading.Lock()
        self._current: SessionInfo | None = None

    def get(self) -> SessionInfo:
        with self._lock:
            if self._current is None:
                self._current = self._lookup(False)
            return self._current

    def renew(self, expired: SessionInfo) -> SessionInfo:
        with self._lock:
            if self._current is expired:  # the first thread to notice renews for all
                self._current = self._lookup(True)
            assert self._current is not None
            return self._current


class Downloader:
    def __init__(
        self, registry: ConnectionRegistry, root: Path, *, allow_hidden: bool, timeout: float
    ) -> None:
        self._registry = registry
        self._root = root
        self._allow_hidden = allow_hidden
        self._timeout = timeout

    def prepare(self, request: DownloadRequest) -> DownloadPlan:
        """Look everything up and check the destination, so bad requests fail before a job exists."""
        files, listing = self._plan(request)
        self._check_conflicts(files, request.overwrite)
        return DownloadPlan(request, tuple(files), listing)

    def run(self, job: Job, prepared: DownloadPlan) -> dict[str, Any]:
        request, plan, listing = prepared.request, prepared.files, prepared.listing
        job.set_totals(files=len(plan), size=sum(item.size for item in plan))
        sessions = _SharedSession(lambda renew: self._session(request.connection, renew=renew))
        sessions.get()  # fail fast, before any thread starts, when the connection is down
        failed = threading.Event()
        local = threading.local()

        def fetch_one(item: PlannedFile) -> None:
            if failed.is_set():
                return
            job.check_cancelled()
            job.set_current(item.api_path)
            if self._already_present(item):
                job.add_bytes(item.size)
                job.file_done(skipped=True)
                return
            if not hasattr(local, "http"):
                local.http = requests.Session()  # a Session is not shared across threads
                opened.append(local.http)
            session = sessions.get()
            try:
                try:
                    self._fetch(local.http, session, item, job, failed)
                except SessionExpired:
                    self._fetch(local.http, sessions.renew(session), item, job, failed)
            except _Stopped:
                return
            job.file_done()

        opened: list[requests.Session] = []
        # Several files at once: per-file round trips dominate when a data set holds many
        # small files; a failure stops the others at their next block.
        with ThreadPoolExecutor(FILE_STREAMS, thread_name_prefix="openbis-file") as pool:
            futures = [pool.submit(fetch_one, item) for item in plan]
            try:
                for future in as_completed(futures):
                    future.result()
            except BaseException:
                failed.set()
                for future in futures:
                    future.cancel()
                raise
            finally:
                wait(futures)
                for http in opened:
                    http.close()
        return {"dataSets": listing}

    # --- planning ------------------------------------------------------------------------

    def _plan(self, request: DownloadRequest) -> tuple[list[PlannedFile], list[dict[str, Any]]]:
        def gather(
            client: BridgeOpenbis,
        ) -> tuple[dict[str, dict[str, Any]], dict[str, list[dict[str, Any]]]]:
            briefs = fetch_datasets_brief(client, list(request.perm_ids))
            return briefs, {p: search_files(client, p) for p in request.perm_ids if p in briefs}

        briefs, files_by_dataset = self._registry.call(request.connection, gather)
        missing = [p for p in request.perm_ids if p not in briefs]
        if missing:
            raise NotFound(
                f"no data set {missing[0]!r}", fields={"permIds": f"unknown: {', '.join(missing)}"}
            )
        plan: list[PlannedFile] = []
        listing: list[dict[str, Any]] = []
        for perm in request.perm_ids:
            brief = briefs[perm]
            if brief.get("dataSetKind") == "LINK":
                raise Conflict(f"data set {perm} is a link to external data and has no files here")
            if brief.get("status") not in DOWNLOADABLE_STATUSES:
                raise Conflict(
                    f"data set {perm} is {brief.get('status')}; ask openBIS to unarchive it first"
                )
            files = _select(files_by_dataset.get(perm, []), request.files)
            folder = request.destination if request.flatten else request.destination / perm
            planned = [
                self._planned(perm, folder, entry, request.keep_original_folder) for entry in files
            ]
            plan.extend(p for p in planned if p is not None)
            listing.append(
                {
                    "permId": perm,
                    "type": brief.get("type"),
                    "path": folder.as_posix(),
                    "files": [p.api_path for p in planned if p is not None],
                    "size": sum(p.size for p in planned if p is not None),
                }
            )
        seen: set[Path] = set()
        for item in plan:
            if item.local in seen:
                raise InvalidInput(f"two files would be written to {item.api_path}; do not flatten")
            seen.add(item.local)
        return plan, listing

    def _planned(
        self, perm: str, folder: PurePosixPath, entry: dict[str, Any], keep_original: bool
    ) -> PlannedFile | None:
        remote = entry["path"]
        relative = PurePosixPath(remote)
        if not keep_original and relative.parts[:1] == ("original",) and len(relative.parts) > 1:
            relative = PurePosixPath(*relative.parts[1:])
        try:
            # openBIS is trusted for content, not for names: they must stay inside the folder.
            checked = parse_relative(
                relative.as_posix(), "remote file", allow_hidden=self._allow_hidden
            )
        except Forbidden:
            return None  # hidden files are not written when the server hides them
        except InvalidInput:
            raise UpstreamError(
                f"data set {perm} has a file name that cannot be stored safely"
            ) from None
        target = folder / checked
        # The folder's in-root links are resolved now; the last name is never followed.
        real_folder = real_relative(self._root, target.parent, "destination")
        local = Path(os.path.realpath(self._root)).joinpath(*real_folder.parts, target.name)
        size = entry.get("size")
        return PlannedFile(
            perm,
            remote,
            local,
            target.as_posix(),
            real_folder,
            size if isinstance(size, int) else 0,
            entry.get("crc32"),
        )

    def _check_conflicts(self, plan: list[PlannedFile], overwrite: bool) -> None:
        for item in plan:
            blocking = next((p for p in item.local.parents if p.exists() and not p.is_dir()), None)
            if blocking is not None:
                raise Conflict(
                    f"{item.api_path} cannot be created: a file is in the way",
                    fields={"destination": "not a folder"},
                )
            mode = _lstat_mode(item.local)
            if mode is not None and stat.S_ISDIR(mode):
                raise Conflict(
                    f"{item.api_path} exists and is a folder", fields={"destination": "conflict"}
                )
            if not overwrite and mode is not None and not self._already_present(item):
                raise Conflict(
                    f"{item.api_path} exists with different content; pass overwrite to replace it",
                    fields={"destination": "file exists"},
                )

    def _session(self, connection: str, renew: bool = False) -> SessionInfo:
        def current(client: BridgeOpenbis) -> SessionInfo:
            if renew and not client.is_session_active():
                raise SessionExpired(
                    "the openBIS session has expired"
                )  # the registry renews it if it can
            return SessionInfo(client.token, client.dss_url(), client.verify)

        return self._registry.call(connection, current)

    # --- transfer ------------------------------------------------------------------------

    def _fetch(
        self,
        http: requests.Session,
        session: SessionInfo,
        item: PlannedFile,
        job: Job,
        stop: threading.Event,
    ) -> None:
        url = f"{session.dss_url}/datastore_server/{quote(item.perm_id, safe='')}/{quote(item.remote_path)}"
        # Short hidden name: the file browser ignores it and long names stay under NAME_MAX.
        temp = f".openbis-{job.id[:12]}-{zlib.crc32(item.api_path.encode()):08x}.part"
        received = 0
        created = False
        try:
            with open_dir(self._root, item.folder, "destination", create=True) as folder:
                try:
                    with _get(http, url, session, self._timeout) as response:
                        out_fd = os.open(temp, _CREATE_FLAGS, 0o666, dir_fd=folder)
                        created = True
                        with os.fdopen(out_fd, "wb") as out:
                            received, crc = _stream(response, out, job, stop)
                    self._verify(item, received, crc)
                    if not same_dir(self._root, item.folder, folder):
                        raise Conflict(
                            f"{item.api_path}: the destination folder was moved or replaced "
                            "during the download",
                            fields={"destination": "changed during the download"},
                        )
                    # Within the checked folder: a symlink at the final name is replaced.
                    os.replace(temp, item.name, src_dir_fd=folder, dst_dir_fd=folder)
                except BaseException:
                    if created:
                        _unlink_quietly(temp, folder)
                    raise
        except BaseException as exc:
            job.add_bytes(-received)
            if isinstance(exc, requests.RequestException):  # a stall mid-body is a timeout
                raise (
                    transport_error(
                        exc,
                        session.verify,
                        lost=f"{item.api_path}: the connection to openBIS was lost",
                        stalled=f"{item.api_path}: openBIS stopped sending data",
                    )
                    or exc
                ) from None
            if isinstance(exc, OSError):
                raise StorageError(
                    f"{item.api_path}: could not be written ({exc.strerror or 'I/O error'})"
                ) from None
            raise

    @staticmethod
    def _verify(item: PlannedFile, received: int, crc: int) -> None:
        if received != item.size:
            raise UpstreamError(f"{item.api_path}: received {received} of {item.size} bytes")
        if item.crc32 is not None and crc != item.crc32:
            raise ChecksumMismatch(
                f"{item.api_path}: checksum mismatch (CRC32 {crc:08x}, expected {item.crc32:08x})"
            )

    def _already_present(self, item: PlannedFile) -> bool:
        """A regular file (not a link) of the right size and CRC32 is at the final name."""
        if item.crc32 is None:
            return False  # cannot verify, so fetch again
        mode = _lstat_mode(item.local)
        if mode is None or not stat.S_ISREG(mode):
            return False
        try:
            fd = open_file(self._root, item.folder / item.name, "destination")
        except (BridgeError, OSError):
            return False
        with os.fdopen(fd, "rb") as handle:
            if os.fstat(handle.fileno()).st_size != item.size:
                return False
            crc = 0
            while block := handle.read(1024 * 1024):
                crc = zlib.crc32(block, crc)
        return crc == item.crc32


def _stream(
    response: requests.Response, out: Any, job: Job, stop: threading.Event
) -> tuple[int, int]:
    """Copy the body into ``out``; returns the byte count and CRC32."""
    received = 0
    crc = 0
    is_html = response.headers.get("Content-Type", "").startswith("text/html")
    try:
        for block in response.iter_content(READ_CHUNK):
            job.check_cancelled()
            if stop.is_set():
                raise _Stopped()
            if received == 0 and is_html and SESSION_EXPIRED_MARKER in block[:200]:
                raise SessionExpired("the openBIS download session expired")
            out.write(block)
            crc = zlib.crc32(block, crc)
            received += len(block)
            job.add_bytes(len(block))
    except BaseException:
        job.add_bytes(-received)
        raise
    return received, crc


def _lstat_mode(path: Path) -> int | None:
    try:
        return os.lstat(path).st_mode
    except OSError:
        return None


def _unlink_quietly(name: str, folder: int) -> None:
    try:
        os.unlink(name, dir_fd=folder)
    except OSError:
        pass


def _get(
    http: requests.Session, url: str, session: SessionInfo, timeout: float
) -> requests.Response:
    try:
        # ``verify`` per request: a Session-level value loses against REQUESTS_CA_BUNDLE.
        response = http.get(
            url,
            params={"sessionID": session.token},
            stream=True,
            timeout=timeout,
            verify=session.verify,
        )
    except OSError as exc:  # requests' errors, or a missing CA bundle
        raise transport_error(exc, session.verify) or exc from None
    if response.status_code == 404:
        response.close()
        raise NotFound("openBIS no longer has this file")
    if not response.ok:
        response.close()
        raise UpstreamError(f"openBIS answered HTTP {response.status_code}")
    return response


def _select(entries: list[dict[str, Any]], wanted: tuple[str, ...] | None) -> list[dict[str, Any]]:
    """All files, or those equal to / below the requested paths (each must match something)."""
    if wanted is None:
        return entries
    chosen: list[dict[str, Any]] = []
    for path in wanted:
        prefix = path.rstrip("/") + "/"
        matches = [e for e in entries if e["path"] == path or e["path"].startswith(prefix)]
        if not matches:
            raise NotFound(
                f"the data set has no file {path!r}", fields={"files": f"unknown: {path}"}
            )
        chosen.extend(m for m in matches if m not in chosen)
    return chosen
