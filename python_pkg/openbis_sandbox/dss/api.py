"""The data store server: DSS V3 JSON-RPC methods and the DSS HTTP routes.

``METHODS`` is served at ``/datastore_server/rmi-data-store-server-v3.json``
by ``jsonrpc.JsonRpcHandler``; ``dss_routes`` returns every DSS route for
``app.make_app``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..context import SandboxContext, require_session
from ..dto.dss import data_set_file_perm_id, fast_download_session
from ..errors import OpenbisError
from ..jackson import collection
from ..jsonrpc import JsonRpcHandler
from .download_sessions import DownloadSessions
from .file_servlet import DataSetFileHandler
from .file_transfer import FileTransferHandler
from .registration import create_uploaded_data_set
from .search_files import search_files
from .upload import SessionWorkspaceUploadHandler
from .workspace import FileLocks

DSS_V3_PATH = "/datastore_server/rmi-data-store-server-v3.json"
UPLOAD_PATH = "/datastore_server/session_workspace_file_upload"
FILE_TRANSFER_PATH = "/datastore_server/file-transfer"
# Any other /datastore_server/<permId>/<path>; the permId pattern keeps the
# servlet paths above from ever matching it.
DATA_SET_FILE_PATH = r"/datastore_server/(\d+-\d+)/(.+)"


def create_fast_download_session(
    ctx: SandboxContext, token: Any, file_ids: Any, options: Any
) -> dict[str, Any]:
    """SPEC §4.3: echo the accessible file ids; the download itself is §7."""
    user = require_session(ctx, token)
    file_ids = collection(file_ids)  # a single id is a one-element list (jackson.collection)
    if file_ids is None:
        raise OpenbisError("File ids cannot be null")
    accessible = []
    for file_id in file_ids:
        data_set_id = file_id.get("dataSetId") if isinstance(file_id, dict) else None
        perm_id = data_set_id.get("permId") if isinstance(data_set_id, dict) else None
        file_path = file_id.get("filePath") if isinstance(file_id, dict) else None
        if not isinstance(perm_id, str) or not isinstance(file_path, str):
            raise OpenbisError(f"Invalid file id: {file_id!r:.200}")
        if ctx.store.get_dataset_row(perm_id) and ctx.store.user_can_access_dataset(user, perm_id):
            accessible.append(data_set_file_perm_id(perm_id, file_path))
    wished = options.get("wishedNumberOfStreams") if isinstance(options, dict) else None
    return fast_download_session(
        ctx.base_url + FILE_TRANSFER_PATH,
        token,
        accessible,
        wished if isinstance(wished, int) else 1,
    )


METHODS: dict[str, Callable[..., Any]] = {
    "searchFiles": search_files,
    "createFastDownloadSession": create_fast_download_session,
    "createUploadedDataSet": create_uploaded_data_set,
}


def dss_routes(ctx: SandboxContext) -> list[tuple]:
    """Tornado routes of the DSS."""
    return [
        (DSS_V3_PATH, JsonRpcHandler, {"ctx": ctx, "methods": METHODS, "endpoint": "dss"}),
        (UPLOAD_PATH, SessionWorkspaceUploadHandler, {"ctx": ctx, "locks": FileLocks()}),
        (FILE_TRANSFER_PATH, FileTransferHandler, {"ctx": ctx, "sessions": DownloadSessions()}),
        (DATA_SET_FILE_PATH, DataSetFileHandler, {"ctx": ctx}),
    ]
