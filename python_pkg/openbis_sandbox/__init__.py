"""openbis-sandbox: a faithful local openBIS (AS + DSS) stand-in for pybis.

Start it with ``openbis-sandbox --data-dir DIR`` or, from tests, with
``openbis_sandbox.testing.start_sandbox``.
"""

__all__ = ["__version__"]

__version__ = "0.1.0"
