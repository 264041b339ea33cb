"""Binary chunk framing of the openBIS file-transfer server (SPEC §7).

One frame per ``download`` call::

    header  = seq:uint32 | itemIdLen:int16 | isDirectory:uint8 | pathLen:int16
              | offset:int64 | payloadLen:int32 | itemId:utf8 | path:utf8
    frame   = header | crc32(header):uint64 | payload | crc32(payload):uint64

All integers are big-endian. The CRCs travel as 8-byte longs (Java writes a
``long``), which is the detail pybis is most sensitive to (SPEC §10 #15).
"""

from __future__ import annotations

import struct
import zlib

CHUNK_SIZE = 1024 * 1024
"""Payload bytes per chunk; the real server splits files into 1 MiB chunks."""

_FIXED_HEADER = struct.Struct(">IhBhqi")
_CHECKSUM = struct.Struct(">Q")


def encode_header(
    sequence_number: int,
    download_item_id: str,
    file_path: str,
    file_offset: int,
    payload_length: int,
) -> bytes:
    """Header bytes followed by their 8-byte CRC32."""
    item_bytes = download_item_id.encode("utf-8")
    path_bytes = file_path.encode("utf-8")
    header = (
        _FIXED_HEADER.pack(
            sequence_number,
            len(item_bytes),
            0,  # isDirectory: only files are ever sent as chunks
            len(path_bytes),
            file_offset,
            payload_length,
        )
        + item_bytes
        + path_bytes
    )
    return header + _CHECKSUM.pack(zlib.crc32(header))


def encode_payload_checksum(payload: bytes) -> bytes:
    return _CHECKSUM.pack(zlib.crc32(payload))


def encode_chunk(
    sequence_number: int,
    download_item_id: str,
    file_path: str,
    file_offset: int,
    payload: bytes,
) -> bytes:
    """A complete frame; the payload CRC is computed over ``payload``."""
    header = encode_header(sequence_number, download_item_id, file_path, file_offset, len(payload))
    return header + payload + encode_payload_checksum(payload)
