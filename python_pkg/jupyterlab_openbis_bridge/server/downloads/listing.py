"""A data set's file list, decoded without holding the interpreter for long.

``searchFiles`` answers with every node of the data set in one JSON document (openBIS's
``DataStoreServerApi.searchFiles`` ignores ``from``/``count``: it returns
``new SearchResult<>(result, result.size())``), about 1 KB per file. One ``json.loads``
of the answer for 2,000 files is a single C call of 30-60 ms that holds the GIL, and
for that long the Jupyter server's event loop cannot answer anyone. Here the outer
levels are walked in Python and every element of the big array is decoded on its own,
so other threads get the interpreter between elements.
"""

from __future__ import annotations

import json
import re
from typing import Any

from ...openbis_client import BridgeOpenbis
from ..browse import search_files

_DECODER = json.JSONDecoder()
_SPACE = re.compile(r"[ \t\n\r]*")
SPLIT_DEPTH = 3
"""Levels walked in Python: the JSON-RPC envelope, the ``SearchResult``, its ``objects``."""


def loads_in_pieces(text: str, depth: int = SPLIT_DEPTH) -> Any:
    """``json.loads(text)``, with containers down to ``depth`` levels decoded item by item."""
    value, end = _value(text, _SPACE.match(text, 0).end(), depth)  # type: ignore[union-attr]
    if _SPACE.match(text, end).end() != len(text):  # type: ignore[union-attr]
        raise ValueError("extra data after the JSON document")
    return value


def _value(text: str, index: int, depth: int) -> tuple[Any, int]:
    opening = text[index : index + 1]
    if depth <= 0 or opening not in ("{", "["):
        return _DECODER.raw_decode(text, index)
    closing = "}" if opening == "{" else "]"
    container: Any = {} if opening == "{" else []
    index = _skip(text, index + 1)
    if text[index : index + 1] == closing:
        return container, index + 1
    while True:
        if opening == "{":
            key, index = _DECODER.raw_decode(text, index)
            if not isinstance(key, str):
                raise ValueError(f"a key must be a string (at {index})")
            index = _skip(text, index)
            if text[index : index + 1] != ":":
                raise ValueError(f"':' expected at {index}")
            item, index = _value(text, _skip(text, index + 1), depth - 1)
            container[key] = item
        else:
            item, index = _value(text, index, depth - 1)
            container.append(item)
        index = _skip(text, index)
        separator = text[index : index + 1]
        if separator == closing:
            return container, index + 1
        if separator != ",":
            raise ValueError(f"',' or {closing!r} expected at {index}")
        index = _skip(text, index + 1)


def _skip(text: str, index: int) -> int:
    return _SPACE.match(text, index).end()  # type: ignore[union-attr]


class _PiecewiseDss:
    """The connection's client, with DSS answers decoded in pieces; everything else about
    the call (the session check, the error mapping) is the client's own."""

    def __init__(self, client: BridgeOpenbis) -> None:
        self._client = client

    def dss_call(self, method: str, *params: Any) -> Any:
        return self._client.dss_call(method, *params, decode=loads_in_pieces)


def list_files(client: BridgeOpenbis, perm_id: str) -> list[dict[str, Any]]:
    """``browse.search_files``, decoded in pieces."""
    return search_files(_PiecewiseDss(client), perm_id)  # type: ignore[arg-type]
