"""``jupyter openbis``: manage the bridge's connection profiles from a terminal.

``commands`` parses the command line and runs the subcommands, ``login`` checks a profile
against openBIS, ``sources`` finds every profile the server would see, and ``common`` holds
exit codes and prompts. Imports the shared top level only, never ``server/`` or ``kernel/``.
The console script ``jupyter-openbis`` points at ``jupyterlab_openbis_bridge.cli:main``.
"""

from .commands import main

__all__ = ["main"]
