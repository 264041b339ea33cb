"""``python -m openbis_sandbox``."""

import sys

from .cli import main

sys.exit(main())
