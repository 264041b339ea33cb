"""The data store server (DSS): its V3 JSON-RPC methods and its servlets.

``api.dss_routes`` lists every DSS route: the JSON-RPC endpoint (``api.METHODS``), the
session-workspace upload (``upload``), the fast-download transfer (``file_transfer``,
framed by ``framing``) and plain data set file GETs (``file_servlet``).
"""
