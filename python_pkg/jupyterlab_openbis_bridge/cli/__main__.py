"""``python -m jupyterlab_openbis_bridge.cli``: the same as ``jupyter openbis``."""

import sys

from .commands import main

sys.exit(main())
