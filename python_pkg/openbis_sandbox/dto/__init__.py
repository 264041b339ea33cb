"""The JSON shapes of answers: AS and DSS DTO builders (plain dicts with ``@type``).

Conventions in ``common``; ``jsonrpc.assign_ids`` numbers the objects per response.
"""
