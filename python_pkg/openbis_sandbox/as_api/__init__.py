"""The AS V3 JSON-RPC API (``/openbis/openbis/rmi-application-server-v3.json``).

``methods.METHODS`` is the method table; every other module serves one area (session,
entities, masterdata, creations, personal access tokens) and exports its own
``METHODS``. A new area gets a new module here and one line in ``methods.py``.
"""
