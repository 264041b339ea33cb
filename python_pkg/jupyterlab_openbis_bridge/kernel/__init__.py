"""What runs inside a user's kernel: ``openbis`` (``session``), ``load()`` and ``download()``
(``data``), the hand-off client to the server (``client``) and the ipywidgets (``widgets``).

Kept light: nothing here imports jupyter_server or tornado. Imports the shared top level only,
never ``server/`` or ``cli/``. Users import the public names from the package itself.
"""
