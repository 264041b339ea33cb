"""Frames of a fast-download answer that no well-behaved data store sends are refused
before anything is read on their word (unit test of ``downloads.fast``)."""

from __future__ import annotations

import io
import struct
import zlib

import pytest

from jupyterlab_openbis_bridge.errors import UpstreamError
from jupyterlab_openbis_bridge.server.downloads.fast import FastDownload, _Session

_FIXED = struct.Struct(">IhBhqi")


def frame(item: bytes, path: bytes, payload: bytes, *, length: int | None = None) -> bytes:
    fixed = _FIXED.pack(0, len(item), 0, len(path), 0, len(payload) if length is None else length)
    header = fixed + item + path
    crc = zlib.crc32(payload)
    return header + struct.pack(">Q", zlib.crc32(header)) + payload + struct.pack(">Q", crc)


def read_frames(body: bytes) -> int:
    download = FastDownload.__new__(FastDownload)  # only the frame reader is exercised
    session = _Session("https://x/file-transfer", "s", ["t"], by_sequence={})
    return download._frames(io.BufferedReader(io.BytesIO(body)), session)  # type: ignore[arg-type]


@pytest.mark.parametrize("length", [-1, -(2**31)])
def test_a_negative_payload_length_is_refused(length: int) -> None:
    with pytest.raises(UpstreamError, match="malformed chunk header"):
        read_frames(frame(b"ds/a", b"a", b"abc", length=length))


def test_a_damaged_header_is_refused() -> None:
    body = bytearray(frame(b"ds/a", b"a", b"abc"))
    body[_FIXED.size] ^= 0x01  # a byte of the item id
    with pytest.raises(UpstreamError, match="damaged chunk header"):
        read_frames(bytes(body))


def test_an_empty_answer_has_no_frames() -> None:
    assert read_frames(b"") == 0
