"""DTO builders of the DSS API (SPEC §2.7, §2.11, §4.2, §4.3).

Plain dicts with ``@type`` and every field of the Java class, in class order;
``jsonrpc.assign_ids`` numbers them. Nothing is shared by reference, so the
response is always fully inlined (safe for pybis, SPEC §1.5.2 / §10 #3).
"""

from __future__ import annotations

from typing import Any

from ..context import SandboxContext
from .common import Builder
from .entities import datastore

SEARCH_RESULT = "as.dto.common.search.SearchResult"
DATA_STORE_FETCH_OPTIONS = "as.dto.datastore.fetchoptions.DataStoreFetchOptions"


def data_set_perm_id(perm_id: str) -> dict[str, Any]:
    return {"@type": "as.dto.dataset.id.DataSetPermId", "permId": perm_id}


def data_set_file_perm_id(perm_id: str, file_path: str) -> dict[str, Any]:
    return {
        "@type": "dss.dto.datasetfile.id.DataSetFilePermId",
        "dataSetId": data_set_perm_id(perm_id),
        "filePath": file_path,
    }


def data_store(ctx: SandboxContext) -> dict[str, Any]:
    """The single data store, built as the AS builds it for ``searchDataStores``."""
    builder = Builder(ctx.store.graph(), ctx)
    return datastore(builder, {"@type": DATA_STORE_FETCH_OPTIONS})


def data_set_file(
    perm_id: str,
    path: str,
    *,
    directory: bool,
    length: int,
    crc32_signed: int | None,
    store_dto: dict[str, Any],
) -> dict[str, Any]:
    return {
        "@type": "dss.dto.datasetfile.DataSetFile",
        "permId": data_set_file_perm_id(perm_id, path),
        "dataSetPermId": data_set_perm_id(perm_id),
        "dataStore": store_dto,
        "path": path,
        "directory": directory,
        "fileLength": length,
        "checksumCRC32": crc32_signed,
        "checksum": None,
        "checksumType": None,
    }


def search_result(objects: list[dict[str, Any]], total_count: int) -> dict[str, Any]:
    return {"@type": SEARCH_RESULT, "objects": objects, "totalCount": total_count}


def fast_download_session(
    download_url: str, token: str, file_ids: list[dict[str, Any]], wished_streams: int
) -> dict[str, Any]:
    return {
        "@type": "dss.dto.datasetfile.fastdownload.FastDownloadSession",
        "downloadUrl": download_url,
        "fileTransferUserSessionId": token,
        "files": file_ids,
        "options": {
            "@type": "dss.dto.datasetfile.fastdownload.FastDownloadSessionOptions",
            "wishedNumberOfStreams": wished_streams,
        },
    }
