"""The sandbox's persistent state: SQLite metadata (``db.Store``) and data set files.

Reads work on immutable ``records.Graph`` snapshots (built by ``load``); ``ids``
resolves V3 id objects against them and ``properties`` validates property values.
Nothing here knows about HTTP, JSON-RPC or DTOs.
"""
