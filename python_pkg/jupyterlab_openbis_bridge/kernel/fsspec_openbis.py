"""``openbis://PERMID/path``: data set files as an fsspec file system, without a local copy.

    import pandas as pd
    df = pd.read_csv("openbis://20250123080000000-19/original/data.csv")

Registered through fsspec's ``fsspec.specs`` entry point, so any fsspec-aware library
(pandas, xarray, dask, pyarrow) opens such URLs. The session is the kernel's shared one
(``kernel.session.connect``: the UI's login, renewed by the server when it expires); the
storage option ``connection`` picks a connection, ``client`` passes a logged-in ``BridgeOpenbis``
(fsspec reads an option named like the protocol, ``openbis``, as options for that protocol).

Listing and sizes come from the DSS's ``searchFiles``. Contents stream from the DSS file
servlet (``/datastore_server/<permId>/<path>?sessionID=…``). That servlet has no byte
ranges: openBIS's ``AbstractDatasetDownloadServlet.writeResponseContent`` always copies the
whole file and sends no ``Accept-Ranges``. So reads are sequential: reading on streams on,
a forward seek skips bytes, a backward seek starts the stream again. Nothing is cached.
"""

from __future__ import annotations

import io
import threading
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import quote

from fsspec.spec import AbstractFileSystem

from ..errors import SessionExpired

PROTOCOL = "openbis"
STREAM_BLOCK = 1024 * 1024
READ_TIMEOUT_S = 300.0
SESSION_EXPIRED_MARK = b"Download session expired"


class OpenBISFileSystem(AbstractFileSystem):
    """Read-only files of openBIS data sets; the first path item is the data set's permId."""

    protocol = PROTOCOL
    root_marker = ""
    cachable = False  # a new session must never be served an instance holding an old one

    def __init__(self, connection: str | None = None, client: Any = None, **kwargs: Any):
        super().__init__(**kwargs)
        self._connection = connection
        self._openbis = client
        self._listings: dict[str, dict[str, dict[str, Any]]] = {}
        self._lock = threading.Lock()
        self._store_url: str | None = None

    # --- the session -------------------------------------------------------------------

    def _client(self, renewed: bool = False) -> Any:
        """The session's client; ``renewed`` asks JupyterLab's server for a live session."""
        if self._openbis is not None:
            if renewed:
                raise SessionExpired("the openBIS session has expired; log in again")
            return self._openbis
        from .session import connect  # lazily: importing fsspec must not reach the server

        return connect(self._connection)  # the server checks the session and renews it

    def _data_store_url(self, client: Any) -> str:
        """The DSS's origin (``DataStore.downloadUrl``), asked once per file system."""
        if self._store_url is None:
            url = client.dss_url().rstrip("/")
            self._store_url = url.removesuffix("/datastore_server")
        return self._store_url

    @classmethod
    def _strip_protocol(cls, path: str) -> str:
        if isinstance(path, list):
            return [cls._strip_protocol(p) for p in path]
        text = str(path)
        if text.startswith(f"{PROTOCOL}://"):
            text = text[len(PROTOCOL) + 3 :]
        return text.strip("/")

    # --- listing -----------------------------------------------------------------------

    def _tree(self, perm_id: str) -> dict[str, dict[str, Any]]:
        """path → info for every node of the data set (one ``searchFiles`` per data set)."""
        with self._lock:
            cached = self._listings.get(perm_id)
        if cached is not None:
            return cached
        tree = {perm_id: {"name": perm_id, "size": 0, "type": "directory"}}
        for entry in _search_files(self._client(), perm_id):
            path = entry.get("path")
            if not isinstance(path, str) or not path:
                continue
            name = f"{perm_id}/{path.strip('/')}"
            is_dir = entry.get("directory") is True
            info = {"name": name, "size": 0 if is_dir else entry.get("fileLength") or 0}
            info["type"] = "directory" if is_dir else "file"
            if isinstance(entry.get("checksumCRC32"), int):
                info["crc32"] = entry["checksumCRC32"] & 0xFFFFFFFF  # openBIS sends it signed
            tree[name] = info
            for parent in PurePosixPath(name).parents:  # folders searchFiles left out
                if str(parent) != ".":
                    tree.setdefault(
                        str(parent), {"name": str(parent), "size": 0, "type": "directory"}
                    )
        if len(tree) == 1:
            raise FileNotFoundError(f"openBIS data set {perm_id} not found or has no files")
        with self._lock:
            self._listings[perm_id] = tree
        return tree

    def info(self, path: str, **kwargs: Any) -> dict[str, Any]:
        name = self._strip_protocol(path)
        if not name:
            raise FileNotFoundError("openbis:// needs a data set permId: openbis://PERMID/path")
        info = self._tree(name.split("/", 1)[0]).get(name)
        if info is None:
            raise FileNotFoundError(f"openbis://{name} does not exist")
        return dict(info)

    def ls(self, path: str, detail: bool = True, **kwargs: Any) -> list[Any]:
        name = self._strip_protocol(path)
        info = self.info(name)
        if info["type"] == "file":
            entries = [info]
        else:
            tree = self._tree(name.split("/", 1)[0])
            entries = [
                dict(value)
                for key, value in sorted(tree.items())
                if str(PurePosixPath(key).parent) == name
            ]
        return entries if detail else [entry["name"] for entry in entries]

    def invalidate_cache(self, path: str | None = None) -> None:
        with self._lock:
            if path is None:
                self._listings.clear()
            else:
                self._listings.pop(self._strip_protocol(path).split("/", 1)[0], None)
        super().invalidate_cache(path)

    # --- reading -----------------------------------------------------------------------

    def _open(self, path: str, mode: str = "rb", block_size: Any = None, **kwargs: Any):
        if mode != "rb":
            raise PermissionError("openBIS data sets are read-only (mode must be 'rb')")
        info = self.info(path)
        if info["type"] != "file":
            raise IsADirectoryError(f"openbis://{info['name']} is a folder")
        raw = _ServletStream(self, info["name"], info["size"])
        return io.BufferedReader(raw, buffer_size=STREAM_BLOCK)

    def cat_file(self, path: str, start: int | None = None, end: int | None = None, **kw: Any):
        with self._open(path) as stream:
            if start:
                stream.seek(start if start >= 0 else max(0, stream.raw.size + start))
            if end is None:
                return stream.read()
            end = end if end >= 0 else stream.raw.size + end
            return stream.read(max(0, end - stream.tell()))

    def _rm(self, path: str) -> None:
        raise PermissionError("openBIS data sets are read-only")

    def mkdir(self, path: str, create_parents: bool = True, **kwargs: Any) -> None:
        raise PermissionError("openBIS data sets are read-only")


class _ServletStream(io.RawIOBase):
    """One file of a data set, streamed from the DSS file servlet; seekable by re-reading."""

    def __init__(self, fs: OpenBISFileSystem, name: str, size: int) -> None:
        self._fs = fs
        perm_id, _, relative = name.partition("/")
        self._url_path = f"/datastore_server/{quote(perm_id)}/{quote(relative)}"
        self.name = f"{PROTOCOL}://{name}"
        self.size = size
        self._position = 0
        self._response: Any = None
        self._chunks: Any = None
        self._pending = b""

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        target = {io.SEEK_SET: 0, io.SEEK_CUR: self._position, io.SEEK_END: self.size}[whence]
        target = max(0, target + offset)
        if self._response is None or target < self._position:
            self._restart()  # no ranges: go back to the start and skip forward
        while self._position < target:
            if not self._take(min(STREAM_BLOCK, target - self._position)):
                break
        return self._position

    def readinto(self, buffer: Any) -> int:
        if self._position >= self.size:
            return 0
        if self._response is None:
            self._restart()
        data = self._take(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def _take(self, wanted: int) -> bytes:
        while not self._pending:
            try:
                self._pending = next(self._chunks)
            except StopIteration:
                if self._position < self.size:
                    raise OSError(
                        f"{self.name}: the data store ended the file after {self._position} "
                        f"of {self.size} bytes"
                    ) from None
                return b""
        data, self._pending = self._pending[:wanted], self._pending[wanted:]
        self._position += len(data)
        return data

    def _restart(self) -> None:
        self._close_response()
        try:
            response = self._get(self._fs._client())
        except SessionExpired:
            response = self._get(self._fs._client(renewed=True))  # once, on a renewed session
        self._response = response
        self._chunks = response.iter_content(STREAM_BLOCK)
        self._position, self._pending = 0, b""

    def _get(self, client: Any) -> Any:
        """The servlet's answer for this file; errors as Python exceptions."""
        response = client.http.get(
            self._fs._data_store_url(client) + self._url_path,
            params={"sessionID": client.token},
            stream=True,
            verify=client.verify,
            timeout=(30, READ_TIMEOUT_S),
        )
        if response.status_code == 404:
            response.close()
            raise FileNotFoundError(f"{self.name} does not exist")
        if not response.ok:
            response.close()
            raise OSError(f"{self.name}: the data store answered HTTP {response.status_code}")
        # An expired session gets HTTP 200 with a short HTML page instead of the file
        # (AbstractDatasetDownloadServlet.printSessionExpired); a file is sent with its length.
        is_page = response.headers.get("Content-Type", "").startswith("text/html")
        if is_page and response.headers.get("Content-Length") != str(self.size):
            page = response.raw.read(512)
            response.close()
            if SESSION_EXPIRED_MARK in page:  # the servlet answers 200 with this page
                raise SessionExpired("the openBIS session has expired; log in again")
            raise OSError(f"{self.name}: the data store sent a page instead of the file")
        return response

    def _close_response(self) -> None:
        if self._response is not None:
            self._response.close()
        self._response, self._chunks = None, None

    def close(self) -> None:
        self._close_response()
        super().close()


def _search_files(client: Any, perm_id: str) -> list[dict[str, Any]]:
    criteria = {
        "@type": "dss.dto.datasetfile.search.DataSetFileSearchCriteria",
        "operator": "AND",
        "criteria": [
            {
                "@type": "as.dto.dataset.search.DataSetSearchCriteria",
                "operator": "OR",
                "criteria": [
                    {
                        "@type": "as.dto.common.search.CodeSearchCriteria",
                        "fieldName": "code",
                        "fieldType": "ATTRIBUTE",
                        "fieldValue": {
                            "@type": "as.dto.common.search.StringEqualToValue",
                            "value": perm_id,
                        },
                    }
                ],
            }
        ],
    }
    fetch = {"@type": "dss.dto.datasetfile.fetchoptions.DataSetFileFetchOptions"}
    result = client.dss_call("searchFiles", criteria, fetch)
    objects = result.get("objects") if isinstance(result, dict) else None
    return [entry for entry in objects or [] if isinstance(entry, dict)]
