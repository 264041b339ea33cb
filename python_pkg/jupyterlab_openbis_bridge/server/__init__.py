"""The jupyter_server extension: ``app`` (configuration and lifecycle), ``handlers`` (thin REST
routes) and ``service`` (the facade the handlers call), over connections, browsing, transfers,
jobs and the kernel hand-off. Imports the shared top level only, never ``kernel/`` or ``cli/``."""
